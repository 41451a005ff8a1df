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
