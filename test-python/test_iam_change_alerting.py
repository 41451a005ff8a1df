"""IamChangeAlerting synthesized from Python gives the same templates as from TypeScript.

TypeScript's templates come from test-python/export-alerting-templates.ts (same configurations,
same order of calls), which scripts/test-all.sh runs into .tmp/alerting-templates.json first.
"""
import json
import os
import pathlib

import aws_cdk as cdk
import pytest

from cdk_iam_change_alerts import AlertMessage, AlertTopic, AlertTrail, IamChangeAlerting, patterns

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


@pytest.fixture(scope="module")
def typescript_templates():
    if not TEMPLATES_FILE.exists():
        raise FileNotFoundError(
            f"{TEMPLATES_FILE} is missing: run `npx ts-node --project tsconfig.dev.json "
            "test-python/export-alerting-templates.ts .tmp/alerting-templates.json` (scripts/test-all.sh does)"
        )
    return json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,build", [("default", default), ("customized", customized)])
def test_same_template_as_typescript(typescript_templates, name, build):
    assert synth(build) == typescript_templates[name]


def test_the_rule_carries_the_changes_pattern(typescript_templates):
    rules = [r for r in typescript_templates["default"]["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    assert len(rules) == 1
    assert rules[0]["Properties"]["EventPattern"] == json.loads(patterns.IamEventPattern.changes().to_json())


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
