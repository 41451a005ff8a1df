"""The pattern engine through the Python bindings gives the same answers as in TypeScript."""
import json

import pytest

from cdk_iam_change_alerts import patterns

# Every 7th case: about 130 cases spread over every operator and both kinds, small enough that
# the jsii round trips stay quick. The TypeScript suite runs all 932.
SAMPLE_STRIDE = 7


def sample(cases):
    return cases[::SAMPLE_STRIDE]


def test_sample_covers_both_kinds_and_all_outcomes(conformance_cases):
    outcomes = {c["expected"] for c in sample(conformance_cases)}
    assert outcomes == {"match", "no-match", "valid", "invalid"}


def test_conformance_sample(conformance_cases):
    disagreements = []
    for case in sample(conformance_cases):
        if case["kind"] == "validity":
            result = patterns.EventPatternMatcher.check(case["pattern_json"])
            got = "valid" if result.valid else "invalid"
        else:
            matcher = patterns.EventPatternMatcher.from_json(case["pattern_json"])
            got = "match" if matcher.matches(case["event_json"]) else "no-match"
        if got != case["expected"]:
            disagreements.append((case["id"], case["expected"], got))
    assert disagreements == []


def test_invalid_pattern_raises_with_eventbridge_reason():
    with pytest.raises(Exception) as err:
        patterns.EventPatternMatcher.from_json('{"eventName": [{"wildcard": "Put**Policy"}]}')
    assert "onsecutive wildcard" in str(err.value)


def test_matches_event_accepts_a_parsed_object(cloudtrail_records):
    record = next(r["record"] for r in cloudtrail_records if r["record"].get("eventName") == "CreateUser")
    envelope = {
        "version": "0",
        "id": "1",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.iam",
        "account": record.get("recipientAccountId", "123456789012"),
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }
    matcher = patterns.EventPatternMatcher.from_json(
        json.dumps({"source": ["aws.iam"], "detail": {"eventName": [{"prefix": "Create"}]}})
    )
    assert matcher.matches_event(envelope) is True
    assert matcher.matches(json.dumps(envelope)) is True
    other = patterns.EventPatternMatcher.from_json(json.dumps({"detail": {"eventName": ["Create*"]}}))
    assert other.matches(json.dumps(envelope)) is False
    assert any("*" in w for w in other.warnings)


def envelope_for(record):
    """The EventBridge envelope of a CloudTrail record, as a rule receives it."""
    sign_in = record.get("eventSource") == "signin.amazonaws.com"
    return {
        "version": "0",
        "id": record.get("eventID", "1"),
        "detail-type": "AWS Console Sign In via CloudTrail" if sign_in else "AWS API Call via CloudTrail",
        "source": "aws.signin" if sign_in else "aws." + record.get("eventSource", "iam.amazonaws.com").split(".")[0],
        "account": record.get("recipientAccountId", "123456789012"),
        "time": record.get("eventTime", "2024-01-01T00:00:00Z"),
        "region": record.get("awsRegion", "us-east-1"),
        "resources": [],
        "detail": record,
    }


SET_PATTERNS = {
    "iam-creates": {"source": ["aws.iam"], "detail": {"eventName": [{"prefix": "Create"}]}},
    "root": {"detail": {"userIdentity": {"type": ["Root"]}}},
    "sign-ins": {"source": ["aws.signin"], "detail": {"eventName": ["ConsoleLogin"]}},
    "denied": {"detail": {"errorCode": [{"exists": True}]}},
}


def test_event_pattern_set_names_what_each_pattern_matches(cloudtrail_records):
    rules = patterns.EventPatternSet()
    for name, pattern in SET_PATTERNS.items():
        rules.add(name, json.dumps(pattern))
    assert rules.names == list(SET_PATTERNS)
    assert rules.size == len(SET_PATTERNS)
    matchers = {name: rules.matcher_for(name) for name in rules.names}
    seen = set()
    # Every 4th record: the answers of the set are those of each pattern's own matcher, from text and from a dict.
    for entry in cloudtrail_records[::4]:
        envelope = envelope_for(entry["record"])
        text = json.dumps(envelope)
        expected = [name for name in rules.names if matchers[name].matches(text)]
        assert rules.matching_names(text) == expected
        assert rules.matching_names_of_event(envelope) == expected
        seen.update(expected)
    assert seen == set(SET_PATTERNS)


def test_event_pattern_set_adds_replaces_and_removes_patterns():
    rules = patterns.EventPatternSet()
    rules.add("watch", json.dumps({"source": ["aws.iam"]}))
    event = json.dumps({"source": "aws.s3"})
    assert rules.matching_names(event) == []
    rules.add("watch", json.dumps({"source": ["aws.s3"]}))
    assert rules.matching_names(event) == ["watch"]
    assert rules.has("watch") is True
    assert rules.remove("watch") is True
    assert rules.remove("watch") is False
    assert rules.has("watch") is False
    assert rules.matcher_for("watch") is None
    assert rules.matching_names(event) == []


def test_event_pattern_set_checks_patterns_as_the_matcher_does():
    rules = patterns.EventPatternSet(max_pattern_length=30)
    for pattern in ['{"a": ["x"]}', '{"a": "x"}', '{"a": ["%s"]}' % ("x" * 40)]:
        mine = rules.check(pattern)
        theirs = patterns.EventPatternMatcher.check(pattern, max_pattern_length=30)
        assert (mine.valid, mine.errors, mine.warnings) == (theirs.valid, theirs.errors, theirs.warnings)
    with pytest.raises(Exception) as err:
        rules.add("bad", '{"a": "x"}')
    assert "EventPatternSet.add" in str(err.value) and "Fix:" in str(err.value)
    assert rules.names == []
