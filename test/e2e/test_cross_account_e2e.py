"""End to end on a local AWS emulator: an IAM event in a member account reaches the central alert
topic, across accounts and regions, with the member's identity in the alert.

moto's server runs in this process on 127.0.0.1 (a free port), started and stopped by the
fixture; nothing leaves loopback. The test synthesizes the central stack (CrossAccountAlertBus
with a StackSet rollout) with `test/e2e/synth-cross-account.ts`, deploys it with CloudFormation
into the central account in eu-west-1, deploys the StackSet's member template (its TemplateBody,
with the StackSet's CentralBusArn parameter) into a member account in us-east-1, puts a
CloudTrail-shaped IAM event on the member's default bus, and reads the alert from an SQS queue
subscribed to the central alert topic.

Accounts follow moto's access-key convention: credentials from STS AssumeRole into
arn:aws:iam::<account>:role/... act in <account>.

Emulator gaps, worked around here and only here (the library's templates are deployed as
synthesized):

1. moto's CloudFormation does not implement AWS::CloudFormation::StackSet (it skips it with a
   warning): the test deploys the StackSet's member template itself, as StackSets would in one
   account and region, passing the StackSet's parameter values.
2. moto's EventBridge has no SNS rule target (it raises NotImplementedError): the harness
   delivers to SNS itself, rendering the target's input transformer as EventBridge does
   (`render_input_transformer` below: JSONPath values, strings unquoted, missing paths empty,
   `<aws.events.rule-name>` and the other reserved variables).
3. moto's input transformer ends with `json.loads` of the template, so a plain-text template
   (the readable alert) cannot be rendered by it at all: same renderer as in 2.
4. moto delivers an event to an event bus in another account or region by calling PutEvents
   there, which gives the event the receiving bus's account and region; EventBridge keeps the
   original `account`, `region`, `id` and `time`. The harness delivers bus-to-bus itself and keeps
   them, so the central rule sees the member account, as it would on AWS.
5. moto neither evaluates event bus resource policies nor requires or assumes target roles: the
   test checks the role and the policy are deployed as synthesized, and the jest suite asserts
   their statements; whether AWS accepts them is not something the emulator can show.
6. moto's CloudFormation passes AWS::Events::Archive's EventPattern to its archive model as a
   JSON object where the model expects JSON text (TypeError): the harness serializes it first.
7. moto's CloudFormation resolves `Ref` of an AWS::Events::EventBus to its bus object instead of
   the bus name, so a rule on a custom bus (`EventBusName: {Ref: Bus}`) fails (AttributeError):
   the harness passes the bus's name.
8. moto's CloudFormation skips resource types it does not implement, with a warning:
   AWS::CloudWatch::Alarm, AWS::SNS::TopicPolicy, AWS::SQS::QueuePolicy (and the StackSet, see 1).
   The test checks those are in the deployed template; the jest suite asserts their properties.
9. moto does not enforce that `aws.*` sources come only from AWS services: the test puts the
   CloudTrail-shaped event on the member's default bus with PutEvents, where on AWS CloudTrail
   would deliver it.

The harness also keeps the machine's AWS settings (AWS_* variables, config and credentials
files) and HTTP proxies away from the emulator's clients (`isolated_environment`).

Run: `python -m pytest test/e2e -q` from the repository root, in a virtualenv with
test/e2e/requirements.txt installed; node_modules must be installed (npm ci). Everything else
(the synthesized templates, the fixture record from test/fixtures) is made or read inside the
repository by the test itself.
"""
import json
import os
import pathlib
import socket
import subprocess

import boto3
import pytest
from moto.events import models as events_models
from moto.events.models import Rule, events_backends
from moto.server import ThreadedMotoServer
from moto.sns.models import sns_backends
from moto.utilities.arns import parse_arn

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures"

CENTRAL_ACCOUNT = "111111111111"
CENTRAL_REGION = "eu-west-1"
MEMBER_ACCOUNT = "222222222222"
MEMBER_REGION = "us-east-1"


# ---------------------------------------------------------------------------------------------
# Workarounds 2-4: EventBridge delivery to SNS and to another account's bus, as AWS does it.
# ---------------------------------------------------------------------------------------------

def _json_path(event, path):
    """Value at a JSONPath of the simple form EventBridge input paths use ($.a.b.c)."""
    if path == "$":
        return event
    value = event
    for part in path[2:].split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def render_input_transformer(transformer, event, rule):
    """EventBridge's rendering: each <name> becomes its path's value (a string without quotes,
    anything else as JSON, a missing path as nothing), plus the reserved aws.events variables."""
    text = transformer["InputTemplate"]
    values = {
        name: _json_path(event, path) for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.rule-name"] = rule.name
    values["aws.events.rule-arn"] = rule.arn
    values["aws.events.event.json"] = event
    values["aws.events.event.ingestion-time"] = event.get("ingestion-time", "")
    for name, value in values.items():
        if value is None:
            rendered = ""
        elif isinstance(value, str):
            rendered = value
        else:
            rendered = json.dumps(value, separators=(",", ":"))
        text = text.replace(f"<{name}>", rendered)
    return text


class Deliveries:
    """What the patched EventBridge delivered, for the assertions."""

    def __init__(self):
        self.to_buses = []
        self.to_topics = []


def patch_emulator(monkeypatch, deliveries):
    original = Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        if not self.event_pattern.matches_event(original_event):
            return
        others = []
        for target in self.targets:
            arn = parse_arn(target["Arn"])
            if arn.service == "sns":
                if "InputTransformer" in target:
                    message = render_input_transformer(target["InputTransformer"], original_event, self)
                else:
                    message = json.dumps(original_event)
                deliveries.to_topics.append({"rule": self.arn, "topic": target["Arn"], "message": message})
                sns_backends[arn.account][arn.region].publish(message=message, arn=target["Arn"])
            elif arn.service == "events" and arn.resource_type == "event-bus":
                deliveries.to_buses.append({"rule": self.arn, "bus": target["Arn"], "role": target.get("RoleArn")})
                bus = events_backends[arn.account][arn.region].describe_event_bus(arn.resource_id)
                for rule in list(bus.rules.values()):
                    rule.send_to_targets(dict(original_event))
            else:
                others.append(target)
        if others:
            kept = self.targets
            self.targets = others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = kept

    monkeypatch.setattr(events_models.Rule, "send_to_targets", send_to_targets)

    create_archive = events_models.Archive.create_from_cloudformation_json.__func__

    def create_archive_from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        if isinstance(properties.get("EventPattern"), dict):
            properties["EventPattern"] = json.dumps(properties["EventPattern"])
        return create_archive(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    monkeypatch.setattr(events_models.Archive, "create_from_cloudformation_json", classmethod(create_archive_from_template))

    create_rule = events_models.Rule.create_from_cloudformation_json.__func__

    def create_rule_from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        if isinstance(properties.get("EventBusName"), events_models.EventBus):
            properties["EventBusName"] = properties["EventBusName"].name
        return create_rule(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    monkeypatch.setattr(events_models.Rule, "create_from_cloudformation_json", classmethod(create_rule_from_template))


# ---------------------------------------------------------------------------------------------
# Emulator, accounts, templates
# ---------------------------------------------------------------------------------------------

def _free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def isolated_environment(tmp_path_factory):
    """The machine's AWS settings and proxies must not reach the emulator: an AWS_PROFILE naming a
    profile that is not there stops boto3 before any call, a config file may point elsewhere, and
    an HTTP(S)_PROXY without 127.0.0.1 in NO_PROXY sends the loopback requests to the proxy."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            monkeypatch.delenv(name)
        missing = tmp_path_factory.mktemp("aws") / "none"
        monkeypatch.setenv("AWS_CONFIG_FILE", str(missing))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing))
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, ",".join(filter(None, [os.environ.get(name), "127.0.0.1"])))
        yield
    finally:
        monkeypatch.undo()


@pytest.fixture(scope="module")
def endpoint(isolated_environment):
    port = _free_loopback_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("synth")
    subprocess.run(
        ["npx", "ts-node", "--transpile-only", "--project", "tsconfig.dev.json",
         "test/e2e/synth-cross-account.ts", str(outdir), CENTRAL_ACCOUNT, CENTRAL_REGION],
        cwd=ROOT, check=True,
    )
    return {
        "central": (outdir / "central.template.json").read_text(),
        "member": (outdir / "member.template.json").read_text(),
        "stackset": json.loads((outdir / "stackset.json").read_text()),
    }


class Account:
    """boto3 clients acting in one account (moto: credentials from AssumeRole into it)."""

    def __init__(self, endpoint, account_id):
        sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        credentials = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/e2e", RoleSessionName="e2e")["Credentials"]
        self.session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        self.endpoint = endpoint
        self.account_id = account_id

    def client(self, service, region):
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint)


def _deploy(account, region, name, body, parameters=()):
    cfn = account.client("cloudformation", region)
    cfn.create_stack(
        StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters],
    )
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    return {r["LogicalResourceId"]: r for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}


def _iam_record():
    """A real CreateUser record from the fixtures, as CloudTrail records it in the member account
    (IAM events are recorded in us-east-1; the fixture's region and account are anonymised)."""
    records = json.loads((FIXTURES / "cloudtrail-records.json").read_text(encoding="utf-8"))
    for entry in records:
        record = entry["record"]
        if (record.get("eventSource") == "iam.amazonaws.com" and record.get("eventName") == "CreateUser"
                and not record.get("errorCode")):
            return entry["id"], {**record, "awsRegion": MEMBER_REGION, "recipientAccountId": MEMBER_ACCOUNT}
    raise AssertionError("no successful CreateUser record in the fixtures")


@pytest.fixture(scope="module")
def deployed(endpoint, templates):
    monkeypatch = pytest.MonkeyPatch()
    deliveries = Deliveries()
    patch_emulator(monkeypatch, deliveries)
    try:
        central = Account(endpoint, CENTRAL_ACCOUNT)
        member = Account(endpoint, MEMBER_ACCOUNT)
        central_resources = _deploy(central, CENTRAL_REGION, "central", templates["central"])

        # Workaround 1: deploy the StackSet's member template as StackSets would.
        bus_arn = f"arn:aws:events:{CENTRAL_REGION}:{CENTRAL_ACCOUNT}:event-bus/org-iam-alerts"
        parameters = [(p["ParameterKey"], p["ParameterValue"]) for p in templates["stackset"]["Parameters"]]
        assert [k for k, _ in parameters] == ["CentralBusArn"]
        member_resources = _deploy(member, MEMBER_REGION, "iam-event-forwarder", templates["member"],
                                   [("CentralBusArn", bus_arn)])

        # Reads what the central topic publishes.
        sqs = central.client("sqs", CENTRAL_REGION)
        inbox = sqs.create_queue(QueueName="e2e-alert-inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns = central.client("sns", CENTRAL_REGION)
        topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
        assert len(topics) == 1, topics
        sns.subscribe(TopicArn=topics[0], Protocol="sqs", Endpoint=inbox_arn,
                      Attributes={"RawMessageDelivery": "true"})

        yield {
            "central": central, "member": member, "bus_arn": bus_arn, "deliveries": deliveries,
            "central_resources": central_resources, "member_resources": member_resources,
            "inbox": inbox, "topic": topics[0],
        }
    finally:
        monkeypatch.undo()


def _types(resources):
    return sorted(r["ResourceType"] for r in resources.values())


def test_central_stack_deploys_the_bus_archive_rule_topic_and_queue(deployed, templates):
    types = _types(deployed["central_resources"])
    for expected in ["AWS::Events::EventBus", "AWS::Events::Archive", "AWS::Events::Rule", "AWS::SNS::Topic",
                     "AWS::KMS::Key", "AWS::SQS::Queue"]:
        assert expected in types, (expected, types)
    # Workaround 8: types moto skips are checked in the template that was deployed.
    template_types = {r["Type"] for r in json.loads(templates["central"])["Resources"].values()}
    assert {"AWS::CloudWatch::Alarm", "AWS::SNS::TopicPolicy", "AWS::CloudFormation::StackSet"} <= template_types
    events = deployed["central"].client("events", CENTRAL_REGION)
    assert events.describe_event_bus(Name="org-iam-alerts")["Arn"] == deployed["bus_arn"]


def test_member_stack_forwards_from_the_default_bus_with_a_role_and_a_dead_letter_queue(deployed):
    events = deployed["member"].client("events", MEMBER_REGION)
    rules = events.list_rules(EventBusName="default")["Rules"]
    assert len(rules) == 1, rules
    targets = events.list_targets_by_rule(Rule=rules[0]["Name"], EventBusName="default")["Targets"]
    assert len(targets) == 1
    target = targets[0]
    assert target["Arn"] == deployed["bus_arn"]
    assert f":{MEMBER_ACCOUNT}:role/" in target["RoleArn"]
    assert f":sqs:{MEMBER_REGION}:{MEMBER_ACCOUNT}:" in target["DeadLetterConfig"]["Arn"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert "InputTransformer" not in target and "Input" not in target


def test_iam_event_in_the_member_account_arrives_as_an_alert_naming_the_member(deployed):
    record_id, record = _iam_record()
    events = deployed["member"].client("events", MEMBER_REGION)
    response = events.put_events(Entries=[{
        "Source": "aws.iam",
        "DetailType": "AWS API Call via CloudTrail",
        "Detail": json.dumps(record),
    }])
    assert response["FailedEntryCount"] == 0

    deliveries = deployed["deliveries"]
    assert [d["bus"] for d in deliveries.to_buses] == [deployed["bus_arn"]], deliveries.to_buses
    assert len(deliveries.to_topics) == 1, deliveries.to_topics
    assert deliveries.to_topics[0]["topic"] == deployed["topic"]

    sqs = deployed["central"].client("sqs", CENTRAL_REGION)
    messages = sqs.receive_message(QueueUrl=deployed["inbox"], MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1, (record_id, messages)
    alert = messages[0]["Body"]
    assert f"in account {MEMBER_ACCOUNT}" in alert, alert
    assert f"Where: account {MEMBER_ACCOUNT}, region {MEMBER_REGION}," in alert, alert
    assert record["eventName"] in alert
    assert record["userIdentity"]["arn"] in alert
    assert CENTRAL_ACCOUNT not in alert


def test_an_event_the_pattern_does_not_match_raises_no_alert(deployed):
    events = deployed["member"].client("events", MEMBER_REGION)
    before = len(deployed["deliveries"].to_topics)
    events.put_events(Entries=[{
        "Source": "aws.iam",
        "DetailType": "AWS API Call via CloudTrail",
        "Detail": json.dumps({"eventSource": "iam.amazonaws.com", "eventName": "GetUser", "readOnly": True}),
    }])
    assert len(deployed["deliveries"].to_topics) == before
