"""Enum-like classes come only from their static factories, from Python too.

`AlertTrail()` used to construct an object with no behaviour (the TypeScript class was abstract
with a protected constructor, which jsii still exposes as an initializer), and passing it as
`trail=` failed at synthesis with `(props.trail ?? ...)._bind is not a function`. Their
constructors are now private, so the jsii assembly has no initializer for them and the jsii
runtime refuses to construct one (or a Python subclass of one) before any JavaScript object
exists. test/api/enum-like-classes.test.ts checks the same on the assembly for every such class.
"""
import aws_cdk as cdk
import pytest

from cdk_iam_change_alerts import AlertMessage, AlertTopic, AlertTrail, IamChangeAlerting, PipelineHealth

ENUM_LIKE = [AlertTrail, AlertTopic, AlertMessage, PipelineHealth]

# The jsii runtime raises AttributeError (no `__jsii_ref__`) for a class with no initializer;
# TypeError is what Python raises for a class that takes no arguments.
REFUSED = (TypeError, AttributeError)


@pytest.mark.parametrize("cls", ENUM_LIKE, ids=lambda cls: cls.__name__)
def test_cannot_be_constructed(cls):
    with pytest.raises(REFUSED):
        cls()


@pytest.mark.parametrize("cls", ENUM_LIKE, ids=lambda cls: cls.__name__)
def test_cannot_be_subclassed_and_constructed(cls):
    subclass = type(f"My{cls.__name__}", (cls,), {})
    with pytest.raises(REFUSED):
        subclass()


def test_the_static_factories_still_work():
    assert isinstance(AlertTrail.organization_trail(), AlertTrail)
    assert isinstance(AlertTopic.create(), AlertTopic)
    assert isinstance(AlertMessage.raw_event(), AlertMessage)
    assert isinstance(PipelineHealth.off(), PipelineHealth)
    assert AlertMessage.raw_event().to_rule_target_input() is not None

    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "IamAlerts", env=cdk.Environment(account="111111111111", region="us-east-1"))
    IamChangeAlerting(
        stack,
        "Alerts",
        emails=["security@example.com"],
        trail=AlertTrail.organization_trail(),
        topic=AlertTopic.create(),
        message=AlertMessage.readable(),
        pipeline_health=PipelineHealth.monitor(),
    )
    template = app.synth().get_stack_by_name(stack.stack_name).template
    assert any(r["Type"] == "AWS::Events::Rule" for r in template["Resources"].values())
