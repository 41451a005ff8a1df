"""Chat destinations from Python, through the wheel: the same template as TypeScript, a chat message
that is a custom notification of Amazon Q Developer in chat applications, and input errors that
name the Python keyword arguments.

TypeScript's template comes from test-python/export-alerting-templates.ts ("chat"), which
scripts/test-all.sh writes into .tmp/alerting-templates.json first.
"""
import json
import os
import pathlib
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from cdk_iam_change_alerts import AlertDestination, IamChangeAlerting, patterns

TEMPLATES_FILE = pathlib.Path(
    os.environ.get(
        "ALERTING_TEMPLATES",
        pathlib.Path(__file__).resolve().parent.parent / ".tmp" / "alerting-templates.json",
    )
)
ENV = cdk.Environment(account="111111111111", region="us-east-1")
TEAMS = dict(
    tenant_id="01234567-89ab-cdef-0123-456789abcdef",
    team_id="11234567-89ab-cdef-0123-456789abcdef",
    channel_id="19%3Aab12cd34ef56%40thread.tacv2",
)


def chat(stack):
    inbox = sqs.Queue(stack, "Inbox", enforce_ssl=True)
    IamChangeAlerting(
        stack,
        "IamAlerts",
        emails=["security@example.com"],
        destinations=[
            AlertDestination.slack_channel(workspace_id="T0123ABCDE", channel_id="C0123ABCDEF"),
            AlertDestination.microsoft_teams_channel(**TEAMS),
            AlertDestination.subscription(subscriptions.SqsSubscription(inbox)),
        ],
    )


@pytest.fixture(scope="module")
def template():
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "IamAlerts", env=ENV)
    chat(stack)
    return app.synth().get_stack_by_name(stack.stack_name).template


def resources(template, resource_type):
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == resource_type]


def test_same_template_as_typescript(template):
    if not TEMPLATES_FILE.exists():
        raise FileNotFoundError(f"{TEMPLATES_FILE} is missing: run test-python/export-alerting-templates.ts (scripts/test-all.sh does)")
    assert template == json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))["chat"]


def test_each_channel_posts_only_and_reads_both_chat_topics(template):
    configurations = resources(template, "AWS::Chatbot::SlackChannelConfiguration") + resources(
        template, "AWS::Chatbot::MicrosoftTeamsChannelConfiguration"
    )
    assert len(configurations) == 2
    for configuration in configurations:
        assert configuration["GuardrailPolicies"] == [
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AWSDenyAll"]]}
        ]
        assert [arn["Ref"][: len("IamAlertsChat")] for arn in configuration["SnsTopicArns"]] == ["IamAlertsChat"] * 2


def test_the_sqs_subscription_gets_both_email_topics(template):
    sqs_subscriptions = [s for s in resources(template, "AWS::SNS::Subscription") if s["Protocol"] == "sqs"]
    topics = sorted(re.sub(r"[0-9A-F]{8}$", "", s["TopicArn"]["Ref"]) for s in sqs_subscriptions)
    assert topics == ["IamAlertsHealthTopic", "IamAlertsTopic"]


def test_the_chat_alert_renders_to_a_custom_notification(template, cloudtrail_records):
    rule = next(r for r in resources(template, "AWS::Events::Rule") if r["Name"].endswith("-alerts"))
    chat_target = next(t for t in rule["Targets"] if t["Arn"]["Ref"].startswith("IamAlertsChatTopic"))
    record = next(e["record"] for e in cloudtrail_records if e["id"] == "ct-005")
    event = {
        "version": "0", "id": "6f2c1a9e-8d3b-4c1e-9a51-2f0b7c3d4e5f", "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.iam", "account": record["recipientAccountId"], "time": record["eventTime"], "region": "us-east-1",
        "resources": [], "detail": record,
    }
    transformer = chat_target["InputTransformer"]
    text = patterns.InputTransformerRenderer.render(
        patterns.InputTransformerProps(input_paths_map=transformer["InputPathsMap"], input_template=transformer["InputTemplate"]),
        json.dumps(event),
        rule_name="iam-changes",
    )
    message = json.loads(text)
    assert (message["version"], message["source"], message["content"]["textType"]) == ("1.0", "custom", "client-markdown")
    assert message["content"]["title"] == "IAM change alert: CreateUser in account 229654561268"
    assert "*User or role acted on:* malicious-iam-user" in message["content"]["description"].split("\n")
    assert message["content"]["keywords"] == ["CreateUser", "229654561268"]


def test_a_slack_workspace_id_in_lower_case_fails_naming_the_python_argument():
    with pytest.raises(Exception, match=r"AlertDestination.slackChannel: workspaceId 't0123abcde' is not a Slack workspace ID") as err:
        AlertDestination.slack_channel(workspace_id="t0123abcde", channel_id="C0123ABCDEF")
    assert "(Python: workspace_id)" in str(err.value)


def test_a_teams_channel_id_not_url_encoded_fails_with_its_encoding():
    with pytest.raises(Exception, match=r"Fix: URL-encode it: channelId '19%3Aab12cd34ef56%40thread.tacv2'"):
        AlertDestination.microsoft_teams_channel(**{**TEAMS, "channel_id": "19:ab12cd34ef56@thread.tacv2"})


def test_the_same_channel_twice_fails_with_the_construct_path():
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Twice", env=ENV)
    slack = dict(workspace_id="T0123ABCDE", channel_id="C0123ABCDEF")
    with pytest.raises(Exception, match=r"Twice/IamAlerts: the Slack channel C0123ABCDEF is given twice in destinations"):
        IamChangeAlerting(stack, "IamAlerts", destinations=[AlertDestination.slack_channel(**slack), AlertDestination.slack_channel(**slack)])


def test_cannot_be_constructed_or_subclassed():
    with pytest.raises((TypeError, AttributeError)):
        AlertDestination()
    with pytest.raises((TypeError, AttributeError)):
        type("MyDestination", (AlertDestination,), {})()
