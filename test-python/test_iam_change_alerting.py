"""IamChangeAlerting synthesized from Python gives the same templates as from TypeScript.

TypeScript's templates come from test-python/export-alerting-templates.ts (same configurations,
same order of calls), which scripts/test-all.sh runs into .tmp/alerting-templates.json first.
"""
import json
import os
import pathlib

import aws_cdk as cdk
import pytest

from aws_cdk import aws_sns as sns

from cdk_iam_change_alerts import AlertMessage, AlertTopic, AlertTrail, IamChangeAlerting, PipelineHealth, patterns

TEMPLATES_FILE = pathlib.Path(
    os.environ.get(
        "ALERTING_TEMPLATES",
        pathlib.Path(__file__).resolve().parent.parent / ".tmp" / "alerting-templates.json",
    )
)
ENV = cdk.Environment(account="111111111111", region="us-east-1")


def synth(build):
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "IamAlerts", env=ENV)
    build(stack)
    return app.synth().get_stack_by_name(stack.stack_name).template


def default(stack):
    IamChangeAlerting(stack, "IamAlerts", emails=["security@example.com"])


def customized(stack):
    IamChangeAlerting(
        stack,
        "IamAlerts",
        emails=["security@example.com", "Cloud-Team@example.com", "cloud-team@example.com"],
        pattern=patterns.IamEventPattern.changes()
        .with_console_sign_in()
        .except_principals("arn:aws:iam::111111111111:role/deployer"),
        trail=AlertTrail.create(
            trail_name="iam-change-alerts", s3_key_prefix="cloudtrail", log_retention=cdk.Duration.days(2555)
        ),
        topic=AlertTopic.create(topic_name="iam-change-alerts", display_name="Prod IAM change alerts"),
        message=AlertMessage.raw_event(),
        rule_name="iam-change-alerts",
        retry_attempts=48,
        max_event_age=cdk.Duration.hours(6),
    )


def health(stack):
    on_call = sns.Topic(stack, "OnCall")
    IamChangeAlerting(
        stack,
        "IamAlerts",
        emails=["security@example.com"],
        pattern=patterns.IamEventPattern.mutating_calls(),
        health_topic=AlertTopic.existing(on_call),
        pipeline_health=PipelineHealth.monitor(heartbeat_interval=cdk.Duration.minutes(5)),
    )


def health_off(stack):
    IamChangeAlerting(stack, "IamAlerts", emails=["security@example.com"], pipeline_health=PipelineHealth.off())


@pytest.fixture(scope="module")
def typescript_templates():
    if not TEMPLATES_FILE.exists():
        raise FileNotFoundError(
            f"{TEMPLATES_FILE} is missing: run `npx ts-node --project tsconfig.dev.json "
            "test-python/export-alerting-templates.ts .tmp/alerting-templates.json` (scripts/test-all.sh does)"
        )
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name,build",
    [("default", default), ("customized", customized), ("health", health), ("healthOff", health_off)],
)
def test_same_template_as_typescript(typescript_templates, name, build):
    assert synth(build) == typescript_templates[name]


def _rules(template):
    return [r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule"]


def test_the_alert_rule_carries_the_changes_pattern(typescript_templates):
    alert_rules = [r for r in _rules(typescript_templates["default"]) if r["Properties"]["Name"].endswith("-alerts")]
    assert len(alert_rules) == 1
    assert alert_rules[0]["Properties"]["EventPattern"] == json.loads(patterns.IamEventPattern.changes().to_json())


def test_pipeline_health_adds_the_heartbeat_and_tamper_rules_and_off_removes_them(typescript_templates):
    suffixes = lambda name: sorted(r["Properties"]["Name"].rsplit("-", 1)[-1] for r in _rules(typescript_templates[name]))
    assert suffixes("default") == ["alerts", "health", "heartbeat", "keys", "rules", "topics"]
    assert suffixes("healthOff") == ["alerts"]
    schedules = [r for r in typescript_templates["health"]["Resources"].values() if r["Type"] == "AWS::Scheduler::Schedule"]
    assert [s["Properties"]["ScheduleExpression"] for s in schedules] == ["rate(5 minutes)"]


def test_a_heartbeat_interval_outside_5_minutes_to_an_hour_fails_with_the_construct_path():
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Bad", env=ENV)
    with pytest.raises(Exception, match=r"Bad/IamAlerts: heartbeatInterval is 2 minutes") as err:
        IamChangeAlerting(stack, "IamAlerts", emails=["security@example.com"],
                          pipeline_health=PipelineHealth.monitor(heartbeat_interval=cdk.Duration.minutes(2)))
    # The message names the keyword argument as Python spells it, not only jsii's TypeScript name.
    assert "(Python: heartbeat_interval)" in str(err.value)


def test_a_malformed_email_fails_with_the_construct_path():
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Bad", env=ENV)
    with pytest.raises(Exception) as err:
        IamChangeAlerting(stack, "IamAlerts", emails=["not-an-address"])
    assert "not-an-address" in str(err.value)
    assert "Bad/IamAlerts" in str(err.value)


def test_a_region_other_than_us_east_1_fails_naming_the_fixes():
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Ireland", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    with pytest.raises(Exception) as err:
        IamChangeAlerting(stack, "IamAlerts", emails=["security@example.com"])
    assert "us-east-1" in str(err.value)
