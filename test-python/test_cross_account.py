"""The cross-account constructs through the Python bindings: same templates, same errors."""
import json

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from cdk_iam_change_alerts import CrossAccountAlertBus, IamEventForwarder, MemberRolloutOptions, StackSetCaller, patterns

CENTRAL = cdk.Environment(account="999999999999", region="eu-west-1")
BUS_ARN = "arn:aws:events:eu-west-1:999999999999:event-bus/org-iam-alerts"


def _only(template, resource_type):
    resources = template.find_resources(resource_type)
    assert len(resources) == 1, resources
    return next(iter(resources.values()))


def test_central_bus_policy_allows_the_organization_to_put_iam_events_only():
    stack = cdk.Stack(cdk.App(), "Central", env=CENTRAL)
    CrossAccountAlertBus(stack, "OrgAlerts", organization_id="o-a1b2c3d4e5", event_bus_name="org-iam-alerts",
                         emails=["security@example.com"])
    bus = _only(assertions.Template.from_stack(stack), "AWS::Events::EventBus")
    [statement] = bus["Properties"]["Policy"]["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == "o-a1b2c3d4e5"
    assert statement["Condition"]["ForAllValues:StringEquals"] == {
        "events:source": ["aws.cloudwatch", "aws.events", "aws.iam"],
        "events:detail-type": ["AWS API Call via CloudTrail", "CloudWatch Alarm State Change"],
    }
    assert statement["Condition"]["Null"] == {"events:source": "false"}


def test_member_rollout_is_one_stackset_with_the_forwarder_template():
    stack = cdk.Stack(cdk.App(), "Central", env=CENTRAL)
    CrossAccountAlertBus(stack, "OrgAlerts", organization_id="o-a1b2c3d4e5", emails=["security@example.com"],
                         patterns=[patterns.IamEventPattern.changes(), patterns.IamEventPattern.console_sign_ins()],
                         member_rollout={"organizational_unit_ids": ["r-ab12"]})
    stack_set = _only(assertions.Template.from_stack(stack), "AWS::CloudFormation::StackSet")["Properties"]
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    assert stack_set["AutoDeployment"]["Enabled"] is True
    assert stack_set["StackInstancesGroup"][0]["Regions"] == ["us-east-1", "us-east-2", "eu-north-1", "ap-southeast-2"]
    member = json.loads(stack_set["TemplateBody"])
    names = [r["Properties"]["Name"] for r in member["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    purposes = sorted(next(p for p in ("-forward-signin", "-health-signin", "-forward", "-health") if n.endswith(p)) for n in names)
    assert purposes == ["-forward", "-forward-signin", "-health", "-health-signin"]


def test_forwarder_targets_the_central_bus_with_a_role():
    stack = cdk.Stack(cdk.App(), "Member", env=cdk.Environment(account="111111111111", region="us-east-1"))
    IamEventForwarder(stack, "Forward", central_bus_arn=BUS_ARN)
    rules = assertions.Template.from_stack(stack).find_resources("AWS::Events::Rule")
    [rule] = [r for r in rules.values() if r["Properties"]["Name"].endswith("-forward")]
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == BUS_ARN
    assert "RoleArn" in target
    assert IamEventForwarder.regions_for([patterns.IamEventPattern.changes()]) == ["us-east-1"]


def test_bad_input_names_the_construct_value_and_fix():
    stack = cdk.Stack(cdk.App(), "Central", env=CENTRAL)
    with pytest.raises(Exception, match=r"Central/OrgAlerts: accounts lists account '111111111111' twice\. Fix:"):
        CrossAccountAlertBus(stack, "OrgAlerts", accounts=["111111111111", "111111111111"])


def test_member_rollout_takes_the_shared_stack_set_options_as_a_dict_or_a_struct():
    options = {"call_as": StackSetCaller.SELF, "stack_set_name": "iam-forwarders", "retain_stacks_on_account_removal": True,
               "max_concurrent_percentage": 25, "failure_tolerance_percentage": 5}
    for member_rollout in ({"organizational_unit_ids": ["r-ab12"], **options},
                           MemberRolloutOptions(organizational_unit_ids=["r-ab12"], **options)):
        stack = cdk.Stack(cdk.App(), "Central", env=CENTRAL)
        CrossAccountAlertBus(stack, "OrgAlerts", organization_id="o-a1b2c3d4e5", emails=["security@example.com"],
                             member_rollout=member_rollout)
        stack_set = _only(assertions.Template.from_stack(stack), "AWS::CloudFormation::StackSet")["Properties"]
        assert stack_set["CallAs"] == "SELF"
        assert stack_set["StackSetName"] == "iam-forwarders"
        assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": True}
        assert stack_set["OperationPreferences"]["MaxConcurrentPercentage"] == 25
        assert stack_set["OperationPreferences"]["FailureTolerancePercentage"] == 5


def test_one_pattern_is_a_list_of_one_and_pattern_is_gone():
    stack = cdk.Stack(cdk.App(), "Member", env=cdk.Environment(account="111111111111", region="us-east-1"))
    IamEventForwarder(stack, "Forward", central_bus_arn=BUS_ARN, patterns=[patterns.IamEventPattern.mutating_calls()])
    with pytest.raises(TypeError, match="pattern"):
        IamEventForwarder(stack, "Other", central_bus_arn=BUS_ARN, pattern=patterns.IamEventPattern.changes())
    with pytest.raises(Exception, match=r"Member/Empty: patterns is empty\. Fix:"):
        IamEventForwarder(stack, "Empty", central_bus_arn=BUS_ARN, patterns=[])
