"""examples/single-account/app.py, run as a user runs it, through the wheel.

The app runs as its own Python process (the CDK CLI's `python3 app.py`) with CDK_OUTDIR pointing at
a temporary directory, as the CLI sets it, and the cloud assembly it writes is checked: a stack in
us-east-1 whose rule for IAM changes alerts an encrypted topic with the email subscription. (In this
process the environment could not reach the app: jsii's Node.js kernel reads it when it starts.)
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from cdk_iam_change_alerts import patterns

APP = pathlib.Path(__file__).resolve().parent.parent / "examples" / "single-account" / "app.py"


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("single-account")
    subprocess.run([sys.executable, str(APP)], cwd=APP.parent, env={**os.environ, "CDK_OUTDIR": str(outdir)}, check=True)
    return outdir


@pytest.fixture(scope="module")
def template(assembly):
    return json.loads((assembly / "IamChangeAlerts.template.json").read_text(encoding="utf-8"))


def _resources(template, resource_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def test_the_stack_is_synthesized_for_us_east_1(assembly):
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["artifacts"]["IamChangeAlerts"]["environment"] == "aws://unknown-account/us-east-1"


def _alert_rule(template):
    [rule] = [r for r in _resources(template, "AWS::Events::Rule").values() if r["Properties"]["Name"].endswith("-alerts")]
    return rule


def test_the_alert_rule_matches_iam_changes(template):
    rule = _alert_rule(template)
    assert rule["Properties"]["EventPattern"] == json.loads(patterns.IamEventPattern.changes().to_json())
    assert rule["Properties"]["State"] == "ENABLED"


def test_the_pipeline_watches_itself_with_a_heartbeat_and_tamper_rules(template):
    prefix = _alert_rule(template)["Properties"]["Name"][: -len("alerts")]
    purposes = sorted(r["Properties"]["Name"][len(prefix):] for r in _resources(template, "AWS::Events::Rule").values())
    assert purposes == ["alerts", "heartbeat", "tamper-health", "tamper-keys", "tamper-topics", "tamper-trail-rules"]
    [schedule] = _resources(template, "AWS::Scheduler::Schedule").values()
    assert schedule["Properties"]["Target"]["Arn"] == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":scheduler:::aws-sdk:iam:tagRole"]]}


def test_the_rule_publishes_a_readable_alert_to_the_topic(template):
    topic_id = _alert_rule(template)["Properties"]["Targets"][0]["Arn"]["Ref"]
    assert template["Resources"][topic_id]["Properties"]["DisplayName"] == "IAM change alerts"
    rule = _alert_rule(template)
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": topic_id}
    assert target["InputTransformer"]["InputPathsMap"]["detail-eventName"] == "$.detail.eventName"
    assert "DeadLetterConfig" in target


def test_the_topics_are_encrypted_each_with_its_own_key(template):
    topics = _resources(template, "AWS::SNS::Topic").values()
    keys = [topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0] for topic in topics]
    assert len(topics) == 2
    assert len(set(keys)) == 2
    assert all(template["Resources"][key_id]["Type"] == "AWS::KMS::Key" for key_id in keys)


def test_the_security_team_is_subscribed_by_email_to_both_topics(template):
    subscriptions = _resources(template, "AWS::SNS::Subscription").values()
    assert sorted(s["Properties"]["TopicArn"]["Ref"] for s in subscriptions) == sorted(_resources(template, "AWS::SNS::Topic"))
    for subscription in subscriptions:
        assert subscription["Properties"]["Protocol"] == "email"
        assert subscription["Properties"]["Endpoint"] == "security@example.com"
