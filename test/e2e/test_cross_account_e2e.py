"""End to end on a local AWS emulator: an IAM event in a member account reaches the central alert
topic, across accounts and regions, with the member's identity in the alert; and the pipeline's
own failures (a member tampering call, a member alarm going into ALARM) reach the central health
topic, while the member heartbeat reaches the central heartbeat log.

moto's server runs in this process on 127.0.0.1 (a free port), started and stopped by the
fixture; nothing leaves loopback. The test synthesizes the central stack (CrossAccountAlertBus
with a StackSet rollout) with `test/e2e/synth-cross-account.ts`, deploys it with CloudFormation
into the central account in eu-west-1, deploys the StackSet's member template (its TemplateBody,
with the StackSet's CentralBusArn parameter) into a member account in us-east-1, puts
CloudTrail-shaped and CloudWatch-shaped events on the member's default bus, and reads what the
central account makes of them: the alert topic and the health topic each have an SQS queue
subscribed, and the heartbeat rule writes to its log group.

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
5. moto neither evaluates event bus resource policies nor requires or assumes target roles, nor
   evaluates the heartbeat log group's resource policy (EventBridge writing to CloudWatch Logs)
   or the log key's policy: the test checks the roles and policies are deployed as synthesized
   (or are in the template, see 8), and the jest suite asserts their statements; whether AWS
   accepts them is not something the emulator can show.
6. moto's CloudFormation passes AWS::Events::Archive's EventPattern to its archive model as a
   JSON object where the model expects JSON text (TypeError): the harness serializes it first.
7. moto's CloudFormation resolves `Ref` of an AWS::Events::EventBus to its bus object instead of
   the bus name, so a rule on a custom bus (`EventBusName: {Ref: Bus}`) fails (AttributeError):
   the harness passes the bus's name.
8. moto's CloudFormation skips resource types it does not implement, with a warning:
   AWS::CloudWatch::Alarm, AWS::SNS::TopicPolicy, AWS::SQS::QueuePolicy, AWS::Logs::MetricFilter,
   AWS::Scheduler::Schedule (and the StackSet, see 1). The test checks those are in the deployed
   template (the alarms' names and descriptions, the schedule's target and input, the metric
   filters' patterns); the jest suite asserts their properties.
9. moto does not enforce that `aws.*` sources come only from AWS services, and it has no
   CloudTrail: the test puts the CloudTrail-shaped events (the IAM change, the member's tampering
   call, the heartbeat's TagRole) on the member's default bus with PutEvents, where on AWS
   CloudTrail would deliver them.
10. moto writes an event to a CloudWatch Logs rule target through its default input template,
    which leaves out the event's `account`, the field the central heartbeat log's metric filters
    select and count by (with `$.region`). EventBridge writes the whole event as JSON: the harness
    delivers to the log group itself, writing the event as EventBridge does.
11. moto's CloudFormation drops an AWS::Logs::LogGroup's KmsKeyId (its model reads the API's
    `kmsKeyId` spelling) and moto encrypts nothing: the test checks the heartbeat log group's
    KmsKeyId in the template names the heartbeat log key, which is deployed.
12. moto's EventBridge Scheduler never runs a schedule (and its CloudFormation skips the schedule,
    see 8): the harness makes the heartbeat schedule's call itself, the template's universal target
    (`iam:tagRole`) with the template's input, as the deployed heartbeat role, and puts the
    CloudTrail record of that call on the member's default bus (see 9).
13. moto's CloudWatch sends no "CloudWatch Alarm State Change" events to EventBridge (and its
    CloudFormation skips the alarms, see 8, and it evaluates no metrics of these alarms): the test
    puts the state change event of a member alarm, with the alarm name and description of the
    member template, on the member's default bus, where on AWS CloudWatch would send it.
14. moto implements neither a rule target's RetryPolicy nor its DeadLetterConfig: a target that
    fails (a deleted central bus, a missing queue) makes the PutEvents call itself fail
    (ResourceNotFoundException, QueueDoesNotExist) instead of being retried and kept in the
    dead-letter queue, and since moto does not evaluate the central bus policy either (see 5),
    nothing is ever refused. So no test shows an event landing in the member's dead-letter queue:
    simulating the retries and the queue in the harness would show only the harness. The test
    checks both member rules' targets carry the dead-letter queue and retry policy as synthesized.
15. moto's logs accept metric filters but turn no log event into a metric (and its filter
    patterns know no JSON patterns): the heartbeat test reads the deployed template's five
    `{ $.account = %^[..]% }` filters against the record the central log received, to show which
    one would count it; no metric or alarm is evaluated.

The harness also keeps the machine's AWS settings (AWS_* variables, config and credentials
files) and HTTP proxies away from the emulator's clients (`isolated_environment`).

Run: `python -m pytest test/e2e -q` from the repository root, in a virtualenv with
test/e2e/requirements.txt installed; node_modules must be installed (npm ci). Everything else
(the synthesized templates, the fixture record from test/fixtures) is made or read inside the
repository by the test itself.

What the emulator cannot show (so no test here does, and none is skipped for it):

- A forwarded event refused by the central bus policy (a source or detail-type it does not
  accept, an account outside the organization), or any other failed delivery, landing in the
  member's dead-letter queue and raising the member's FailedInvocations and dead-letter queue
  alarms (gaps 5 and 14).
- EventBridge Scheduler running the heartbeat schedule on its rate, assuming the heartbeat role
  under its trust policy's conditions (gap 12).
- CloudTrail recording the calls (the IAM change, TagRole, DeleteRule) and delivering them to
  EventBridge in the region they are recorded in (gap 9).
- CloudWatch alarms evaluating metrics: the heartbeat alarm going off after missed heartbeats
  (missing data breaching), the Metrics Insights alarms naming the silent member account and
  region as a contributor, a member alarm crossing its threshold and opening its OpsItem, and
  the delivery alarms notifying the other topic (gaps 8, 13 and 15).
- A disabled or deleted KMS key (of a topic or of the heartbeat log) stopping deliveries, and
  CloudWatch Logs using the log key under its encryption context (gaps 5 and 11).
"""
import datetime
import json
import os
import pathlib
import re
import socket
import subprocess

import boto3
import pytest
from moto.events import models as events_models
from moto.events.models import Rule, events_backends
from moto.logs.models import logs_backends
from moto.server import ThreadedMotoServer
from moto.sns.models import sns_backends
from moto.utilities.arns import parse_arn

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures"

CENTRAL_ACCOUNT = "111111111111"
CENTRAL_REGION = "eu-west-1"
MEMBER_ACCOUNT = "222222222222"
MEMBER_REGION = "us-east-1"

HEARTBEAT_ROLE_NAME = "cdk-iam-change-alerts-heartbeat"
MEMBER_ALARM_PREFIX = "cdk-iam-change-alerts-member-"


# ---------------------------------------------------------------------------------------------
# Workarounds 2-4 and 10: EventBridge delivery to SNS, to another account's bus and to
# CloudWatch Logs, as AWS does it.
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


def event_as_delivered(event):
    """The event as EventBridge hands it to a target without a transformer: every top-level field
    (moto's internal `ingestion-time` left out), `time` as ISO 8601 text."""
    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(delivered.get("time"), (int, float)):
        delivered["time"] = datetime.datetime.fromtimestamp(delivered["time"], datetime.timezone.utc) \
            .strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


class Deliveries:
    """What the patched EventBridge delivered, for the assertions."""

    def __init__(self):
        self.to_buses = []
        self.to_topics = []
        self.to_logs = []


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
            elif arn.service == "logs" and arn.resource_type == "log-group" and "InputTransformer" not in target:
                # Workaround 10: the whole event, as EventBridge writes it.
                record = event_as_delivered(original_event)
                deliveries.to_logs.append({"rule": self.arn, "log_group": arn.resource_id, "event": record})
                backend = logs_backends[arn.account][arn.region]
                stream = f"e2e-{record['id']}"
                backend.create_log_stream(arn.resource_id, stream)
                backend.put_log_events(arn.resource_id, stream, [{
                    "timestamp": int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000),
                    "message": json.dumps(record),
                }])
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


def _resources(template_text, resource_type):
    """The template's resources of one type, by logical id."""
    return {k: r for k, r in json.loads(template_text)["Resources"].items() if r["Type"] == resource_type}


def _rule_named(template_text, suffix):
    """The name of the template's one rule whose name ends with `suffix` (names are literal)."""
    names = [r["Properties"]["Name"] for r in _resources(template_text, "AWS::Events::Rule").values()
             if r["Properties"].get("Name", "").endswith(suffix)]
    assert len(names) == 1, (suffix, names)
    return names[0]


def _rule_names(template_text, custom_bus):
    """The names of the template's rules on a custom bus, or on the default bus."""
    return sorted(r["Properties"]["Name"] for r in _resources(template_text, "AWS::Events::Rule").values()
                  if ("EventBusName" in r["Properties"]) == custom_bus)


class Account:
    """boto3 clients acting in one account (moto: credentials from AssumeRole into it)."""

    def __init__(self, endpoint, account_id, role_name="e2e", session_name="e2e"):
        sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assumed = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName=session_name)
        credentials = assumed["Credentials"]
        self.assumed_role_arn = assumed["AssumedRoleUser"]["Arn"]
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


def _subscribe_queue(account, topic_arn, name):
    sqs = account.client("sqs", CENTRAL_REGION)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    account.client("sns", CENTRAL_REGION).subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return url


def _target_of(events, rule, bus):
    targets = events.list_targets_by_rule(Rule=rule, EventBusName=bus)["Targets"]
    assert len(targets) == 1, (rule, targets)
    return targets[0]


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

        # The two central topics, told apart by the rules that publish to them.
        events = central.client("events", CENTRAL_REGION)
        topic = _target_of(events, _rule_named(templates["central"], "-alerts"), "org-iam-alerts")["Arn"]
        health_topic = _target_of(events, _rule_named(templates["central"], "-member-alarms"), "org-iam-alerts")["Arn"]
        topics = sorted(t["TopicArn"] for t in central.client("sns", CENTRAL_REGION).list_topics()["Topics"])
        assert topic != health_topic and topics == sorted([topic, health_topic]), (topic, health_topic, topics)

        # Read what each central topic publishes.
        inbox = _subscribe_queue(central, topic, "e2e-alert-inbox")
        health_inbox = _subscribe_queue(central, health_topic, "e2e-health-inbox")

        yield {
            "central": central, "member": member, "bus_arn": bus_arn, "deliveries": deliveries,
            "central_resources": central_resources, "member_resources": member_resources,
            "inbox": inbox, "topic": topic, "health_inbox": health_inbox, "health_topic": health_topic,
        }
    finally:
        monkeypatch.undo()


@pytest.fixture
def received(deployed):
    """Reads (and removes) what a test's events left in the central inboxes; each test starts with
    both empty and the delivery records marked."""
    sqs = deployed["central"].client("sqs", CENTRAL_REGION)

    def drain(url):
        bodies = []
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    drain(deployed["inbox"])
    drain(deployed["health_inbox"])
    deliveries = deployed["deliveries"]
    marks = {"buses": len(deliveries.to_buses), "topics": len(deliveries.to_topics), "logs": len(deliveries.to_logs)}

    class Received:
        @staticmethod
        def alerts():
            return drain(deployed["inbox"])

        @staticmethod
        def health():
            return drain(deployed["health_inbox"])

        to_buses = property(lambda self: deliveries.to_buses[marks["buses"]:])
        to_topics = property(lambda self: deliveries.to_topics[marks["topics"]:])
        to_logs = property(lambda self: deliveries.to_logs[marks["logs"]:])

    return Received()


def _types(resources):
    return sorted(r["ResourceType"] for r in resources.values())


def _put(account, region, source, detail_type, detail, resources=()):
    events = account.client("events", region)
    response = events.put_events(Entries=[{
        "Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "Resources": list(resources),
    }])
    assert response["FailedEntryCount"] == 0, response
    return response["Entries"][0]["EventId"]


def _rule_arn(account, region, name, bus=None):
    return f"arn:aws:events:{region}:{account}:rule/{bus + '/' if bus else ''}{name}"


# ---------------------------------------------------------------------------------------------
# Deployment
# ---------------------------------------------------------------------------------------------

def test_central_stack_deploys_the_bus_archive_rules_topics_queue_and_heartbeat_log(deployed, templates):
    types = _types(deployed["central_resources"])
    for expected in ["AWS::Events::EventBus", "AWS::Events::Archive", "AWS::Events::Rule", "AWS::SNS::Topic",
                     "AWS::KMS::Key", "AWS::SQS::Queue", "AWS::Logs::LogGroup", "AWS::Logs::ResourcePolicy"]:
        assert expected in types, (expected, types)
    # Workaround 8: types moto skips are checked in the template that was deployed.
    template_types = {r["Type"] for r in json.loads(templates["central"])["Resources"].values()}
    assert {"AWS::CloudWatch::Alarm", "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::CloudFormation::StackSet",
            "AWS::Logs::MetricFilter"} <= template_types
    events = deployed["central"].client("events", CENTRAL_REGION)
    assert events.describe_event_bus(Name="org-iam-alerts")["Arn"] == deployed["bus_arn"]

    # The central bus: the alert rule, the heartbeat rule and the two member health rules (and the
    # archive's own rule, which EventBridge makes for it).
    on_bus = sorted(r["Name"] for r in events.list_rules(EventBusName="org-iam-alerts")["Rules"]
                    if not r["Name"].startswith("Events-Archive-"))
    assert on_bus == _rule_names(templates["central"], custom_bus=True), on_bus
    assert sorted(_rule_named(templates["central"], suffix)
                  for suffix in ["-alerts", "-heartbeat", "-member-alarms", "-member-tamper"]) == on_bus
    # The central default bus: the tamper rules, where CloudTrail delivers the calls they watch.
    on_default = sorted(r["Name"] for r in events.list_rules(EventBusName="default")["Rules"])
    assert on_default == _rule_names(templates["central"], custom_bus=False), on_default
    assert on_default and all("-tamper" in name for name in on_default), on_default

    # The heartbeat rule writes to the log group; the log group is encrypted with its own key
    # (workaround 11: moto drops KmsKeyId, so the template is checked).
    heartbeat_rule = _rule_named(templates["central"], "-heartbeat")
    log_target = _target_of(events, heartbeat_rule, "org-iam-alerts")
    log_group_name = f"/cdk-iam-change-alerts/{heartbeat_rule}"
    assert log_target["Arn"] == f"arn:aws:logs:{CENTRAL_REGION}:{CENTRAL_ACCOUNT}:log-group:{log_group_name}"
    logs = deployed["central"].client("logs", CENTRAL_REGION)
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=log_group_name)["logGroups"]] \
        == [log_group_name]
    [log_group] = _resources(templates["central"], "AWS::Logs::LogGroup").values()
    key_id = log_group["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]
    assert key_id in _resources(templates["central"], "AWS::KMS::Key")
    assert deployed["central_resources"][key_id]["ResourceType"] == "AWS::KMS::Key"
    policies = logs.describe_resource_policies()["resourcePolicies"]
    assert any("events.amazonaws.com" in p["policyDocument"] and log_group_name in p["policyDocument"]
               for p in policies), policies


def test_member_stack_forwards_from_the_default_bus_with_a_role_and_a_dead_letter_queue(deployed, templates):
    events = deployed["member"].client("events", MEMBER_REGION)
    rules = sorted(r["Name"] for r in events.list_rules(EventBusName="default")["Rules"])
    forward, health = _rule_named(templates["member"], "-forward"), _rule_named(templates["member"], "-health")
    assert rules == sorted([forward, health]), rules
    # Both rules put events on the central bus, with the forwarder role, and keep what they
    # cannot deliver (gap 14: moto never uses the queue, so it is checked as deployed).
    for name in (forward, health):
        target = _target_of(events, name, "default")
        assert target["Arn"] == deployed["bus_arn"]
        assert f":{MEMBER_ACCOUNT}:role/" in target["RoleArn"]
        assert f":sqs:{MEMBER_REGION}:{MEMBER_ACCOUNT}:" in target["DeadLetterConfig"]["Arn"]
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
        assert "InputTransformer" not in target and "Input" not in target


def test_member_stack_has_the_heartbeat_role_schedule_and_alarms(deployed, templates):
    # The heartbeat role is deployed under its fixed name, trusted by EventBridge Scheduler only.
    iam = deployed["member"].client("iam", MEMBER_REGION)
    role = iam.get_role(RoleName=HEARTBEAT_ROLE_NAME)["Role"]
    assert role["Arn"] == f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{HEARTBEAT_ROLE_NAME}"
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "scheduler.amazonaws.com"}]

    # Workaround 8: the schedule and the alarms are checked in the deployed template.
    [schedule] = _resources(templates["member"], "AWS::Scheduler::Schedule").values()
    assert schedule["Properties"]["State"] == "ENABLED"
    assert schedule["Properties"]["Target"]["Arn"]["Fn::Join"][1][-1] == ":scheduler:::aws-sdk:iam:tagRole"
    alarms = _resources(templates["member"], "AWS::CloudWatch::Alarm").values()
    assert alarms and all(a["Properties"]["AlarmName"].startswith(MEMBER_ALARM_PREFIX) for a in alarms)
    assert all(":opsitem:" in json.dumps(a["Properties"]["AlarmActions"]) for a in alarms)


# ---------------------------------------------------------------------------------------------
# The alert path
# ---------------------------------------------------------------------------------------------

def test_iam_event_in_the_member_account_arrives_as_an_alert_naming_the_member(deployed, received):
    record_id, record = _iam_record()
    _put(deployed["member"], MEMBER_REGION, "aws.iam", "AWS API Call via CloudTrail", record)

    assert [d["bus"] for d in received.to_buses] == [deployed["bus_arn"]], received.to_buses
    assert [d["topic"] for d in received.to_topics] == [deployed["topic"]], received.to_topics

    messages = received.alerts()
    assert len(messages) == 1, (record_id, messages)
    alert = messages[0]
    assert f"in account {MEMBER_ACCOUNT}" in alert, alert
    assert f"Where: account {MEMBER_ACCOUNT}, region {MEMBER_REGION}," in alert, alert
    assert record["eventName"] in alert
    assert record["userIdentity"]["arn"] in alert
    assert CENTRAL_ACCOUNT not in alert
    assert received.health() == []


def test_an_event_the_pattern_does_not_match_raises_no_alert(deployed, received):
    _put(deployed["member"], MEMBER_REGION, "aws.iam", "AWS API Call via CloudTrail",
         {"eventSource": "iam.amazonaws.com", "eventName": "GetUser", "readOnly": True})
    assert received.to_buses == [] and received.to_topics == []


# ---------------------------------------------------------------------------------------------
# Failure paths: member tampering, member alarms, the heartbeat
# ---------------------------------------------------------------------------------------------

TAMPERER = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLETAMPERER:mallory",
    "arn": f"arn:aws:sts::{MEMBER_ACCOUNT}:assumed-role/OpsAdmin/mallory",
    "accountId": MEMBER_ACCOUNT,
    "accessKeyId": "ASIAEXAMPLETAMPERER",
    "sessionContext": {
        "sessionIssuer": {
            "type": "Role",
            "principalId": "AROAEXAMPLETAMPERER",
            "arn": f"arn:aws:iam::{MEMBER_ACCOUNT}:role/OpsAdmin",
            "accountId": MEMBER_ACCOUNT,
            "userName": "OpsAdmin",
        },
        "attributes": {"creationDate": "2026-01-01T09:58:00Z", "mfaAuthenticated": "false"},
    },
}


def _events_call(event_name, request_parameters, event_id):
    """A CloudTrail record of an EventBridge API call in the member account (gap 9)."""
    return {
        "eventVersion": "1.09",
        "userIdentity": TAMPERER,
        "eventTime": "2026-01-01T10:00:00Z",
        "eventSource": "events.amazonaws.com",
        "eventName": event_name,
        "awsRegion": MEMBER_REGION,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0 md/command#events.delete-rule",
        "requestParameters": request_parameters,
        "responseElements": None,
        "requestID": "6f1c1c2e-0000-4000-8000-000000000001",
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": MEMBER_ACCOUNT,
        "eventCategory": "Management",
    }


def test_deleting_the_member_forwarding_rule_reaches_the_central_health_topic_naming_who_and_where(
        deployed, templates, received):
    forward = _rule_named(templates["member"], "-forward")
    event_id = "0b7e5f6a-0000-4000-8000-00000000de1e"
    _put(deployed["member"], MEMBER_REGION, "aws.events", "AWS API Call via CloudTrail",
         _events_call("DeleteRule", {"name": forward, "force": False}, event_id))

    # Member health rule → central bus → member-tamper rule → health topic.
    health = _rule_named(templates["member"], "-health")
    assert [(d["rule"], d["bus"]) for d in received.to_buses] == [
        (_rule_arn(MEMBER_ACCOUNT, MEMBER_REGION, health), deployed["bus_arn"])], received.to_buses
    member_tamper = _rule_named(templates["central"], "-member-tamper")
    assert [(d["rule"], d["topic"]) for d in received.to_topics] == [
        (_rule_arn(CENTRAL_ACCOUNT, CENTRAL_REGION, member_tamper, "org-iam-alerts"), deployed["health_topic"])]

    messages = received.health()
    assert len(messages) == 1, messages
    text = messages[0]
    assert (f"IAM alert pipeline tampering: DeleteRule on events.amazonaws.com in account {MEMBER_ACCOUNT}, "
            f"region {MEMBER_REGION}") in text, text
    assert f"Who: AssumedRole {TAMPERER['arn']}" in text, text
    assert f"Role {TAMPERER['sessionContext']['sessionIssuer']['arn']}" in text, text
    assert "Source IP address: 198.51.100.7" in text, text
    assert forward in text, text
    assert f"CloudTrail event {event_id}: https://{MEMBER_REGION}.console.aws.amazon.com/cloudtrailv2/" in text, text
    assert f"Matched by EventBridge rule: {member_tamper}" in text, text
    assert received.alerts() == []


def test_removing_the_targets_of_the_member_health_rule_is_reported_too(deployed, templates, received):
    health = _rule_named(templates["member"], "-health")
    _put(deployed["member"], MEMBER_REGION, "aws.events", "AWS API Call via CloudTrail",
         _events_call("RemoveTargets", {"rule": health, "ids": ["Target0"]}, "0b7e5f6a-0000-4000-8000-0000000000a2"))
    messages = received.health()
    assert len(messages) == 1, messages
    assert f"RemoveTargets on events.amazonaws.com in account {MEMBER_ACCOUNT}" in messages[0]
    assert received.alerts() == []


def test_a_call_on_a_rule_that_is_not_the_forwarders_is_not_forwarded(deployed, received):
    _put(deployed["member"], MEMBER_REGION, "aws.events", "AWS API Call via CloudTrail",
         _events_call("DeleteRule", {"name": "someone-elses-rule"}, "0b7e5f6a-0000-4000-8000-0000000000a3"))
    assert received.to_buses == [] and received.to_topics == []
    assert received.health() == [] and received.alerts() == []


def _member_alarm(templates, name_suffix):
    """Name and description of a member alarm, as the member template defines it (gap 8)."""
    for alarm in _resources(templates["member"], "AWS::CloudWatch::Alarm").values():
        if alarm["Properties"]["AlarmName"].endswith(name_suffix):
            return alarm["Properties"]["AlarmName"], alarm["Properties"]["AlarmDescription"]
    raise AssertionError(f"no member alarm named ...{name_suffix}")


def _alarm_state_change(name, description, value, previous):
    """A CloudWatch "Alarm State Change" detail for a single-metric alarm (gap 13)."""
    return {
        "alarmName": name,
        "state": {
            "value": value,
            "reason": "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (01/01/26 10:00:00)] was greater than "
                      "or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
            "timestamp": "2026-01-01T10:05:00.000+0000",
        },
        "previousState": {
            "value": previous, "reason": "Threshold Crossed", "timestamp": "2026-01-01T09:00:00.000+0000",
        },
        "configuration": {
            "description": description,
            "metrics": [{
                "id": "m1",
                "metricStat": {
                    "metric": {"namespace": "AWS/Events", "name": "FailedInvocations", "dimensions": {"RuleName": "x"}},
                    "period": 300,
                    "stat": "Sum",
                },
                "returnData": True,
            }],
        },
    }


def test_a_member_alarm_going_into_alarm_reaches_the_central_health_topic_naming_account_and_region(
        deployed, templates, received):
    name, description = _member_alarm(templates, "-RuleFailedInvocations")
    alarm_arn = f"arn:aws:cloudwatch:{MEMBER_REGION}:{MEMBER_ACCOUNT}:alarm:{name}"
    _put(deployed["member"], MEMBER_REGION, "aws.cloudwatch", "CloudWatch Alarm State Change",
         _alarm_state_change(name, description, "ALARM", "OK"), resources=[alarm_arn])

    health = _rule_named(templates["member"], "-health")
    assert [(d["rule"], d["bus"]) for d in received.to_buses] == [
        (_rule_arn(MEMBER_ACCOUNT, MEMBER_REGION, health), deployed["bus_arn"])], received.to_buses
    member_alarms = _rule_named(templates["central"], "-member-alarms")
    assert [(d["rule"], d["topic"]) for d in received.to_topics] == [
        (_rule_arn(CENTRAL_ACCOUNT, CENTRAL_REGION, member_alarms, "org-iam-alerts"), deployed["health_topic"])]

    messages = received.health()
    assert len(messages) == 1, messages
    text = messages[0]
    assert (f"IAM alert pipeline failure in member account {MEMBER_ACCOUNT}, region {MEMBER_REGION}: "
            f"alarm {name} is ALARM") in text, text
    assert f"What it watches: {description}" in text, text
    console = f"https://{MEMBER_REGION}.console.aws.amazon.com/cloudwatch/home?region={MEMBER_REGION}"
    assert f"{console}#alarmsV2:alarm/{name}" in text, text
    assert f"(sign in to account {MEMBER_ACCOUNT})" in text, text
    assert CENTRAL_ACCOUNT not in text
    assert received.alerts() == []


def test_a_member_alarm_returning_to_ok_is_not_forwarded(deployed, templates, received):
    name, description = _member_alarm(templates, "-DeadLetterQueueDepth")
    _put(deployed["member"], MEMBER_REGION, "aws.cloudwatch", "CloudWatch Alarm State Change",
         _alarm_state_change(name, description, "OK", "ALARM"),
         resources=[f"arn:aws:cloudwatch:{MEMBER_REGION}:{MEMBER_ACCOUNT}:alarm:{name}"])
    assert received.to_buses == [] and received.to_topics == []
    assert received.health() == []


def test_the_member_heartbeat_reaches_the_central_heartbeat_log_with_account_and_region(deployed, templates, received):
    # Workaround 12: the schedule's call, made as Scheduler would, as the deployed heartbeat role.
    [schedule] = _resources(templates["member"], "AWS::Scheduler::Schedule").values()
    request = json.loads(schedule["Properties"]["Target"]["Input"])
    heartbeat = Account(deployed["member"].endpoint, MEMBER_ACCOUNT, HEARTBEAT_ROLE_NAME, "heartbeat")
    iam = heartbeat.client("iam", MEMBER_REGION)
    iam.tag_role(**request)
    assert {"Key": "cdk-iam-change-alerts:heartbeat", "Value": "alive"} in \
        iam.list_role_tags(RoleName=HEARTBEAT_ROLE_NAME)["Tags"]
    role = iam.get_role(RoleName=HEARTBEAT_ROLE_NAME)["Role"]

    # Gap 9: the CloudTrail record of that call, on the member's default bus.
    event_id = _put(deployed["member"], MEMBER_REGION, "aws.iam", "AWS API Call via CloudTrail", {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"{role['RoleId']}:heartbeat",
            "arn": heartbeat.assumed_role_arn,
            "accountId": MEMBER_ACCOUNT,
            "sessionContext": {"sessionIssuer": {
                "type": "Role", "principalId": role["RoleId"], "arn": role["Arn"],
                "accountId": MEMBER_ACCOUNT, "userName": HEARTBEAT_ROLE_NAME,
            }},
            "invokedBy": "scheduler.amazonaws.com",
        },
        "eventTime": "2026-01-01T10:15:00Z",
        "eventSource": "iam.amazonaws.com",
        "eventName": "TagRole",
        "awsRegion": MEMBER_REGION,
        "sourceIPAddress": "scheduler.amazonaws.com",
        "userAgent": "scheduler.amazonaws.com",
        "requestParameters": {"roleName": request["RoleName"],
                              "tags": [{"key": t["Key"], "value": t["Value"]} for t in request["Tags"]]},
        "responseElements": None,
        "eventID": "5e1f0c2a-0000-4000-8000-0000000000b1",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": MEMBER_ACCOUNT,
        "eventCategory": "Management",
    })

    # Member health rule (not the forwarding rule) → central bus → heartbeat rule → log group; no alert.
    health = _rule_named(templates["member"], "-health")
    assert [(d["rule"], d["bus"]) for d in received.to_buses] == [
        (_rule_arn(MEMBER_ACCOUNT, MEMBER_REGION, health), deployed["bus_arn"])], received.to_buses
    heartbeat_rule = _rule_named(templates["central"], "-heartbeat")
    log_group_name = f"/cdk-iam-change-alerts/{heartbeat_rule}"
    assert [(d["rule"], d["log_group"]) for d in received.to_logs] == [
        (_rule_arn(CENTRAL_ACCOUNT, CENTRAL_REGION, heartbeat_rule, "org-iam-alerts"), log_group_name)]
    assert received.to_topics == []
    assert received.alerts() == [] and received.health() == []

    # What the central log group holds, read back through the logs API (moto's TestEventPattern
    # raises NotImplementedError: the log record is what shows the heartbeat rule matched).
    logs = deployed["central"].client("logs", CENTRAL_REGION)
    records = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=log_group_name)["events"]]
    [record] = [r for r in records if r["id"] == event_id]
    assert (record["account"], record["region"]) == (MEMBER_ACCOUNT, MEMBER_REGION), record
    assert record["detail"]["eventName"] == "TagRole"
    assert record["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == role["Arn"]

    # Gap 15: which of the deployed metric filters would count it, with which dimensions.
    counting = []
    for metric_filter in _resources(templates["central"], "AWS::Logs::MetricFilter").values():
        properties = metric_filter["Properties"]
        match = re.fullmatch(r"\{ \$\.account = %(.+)% \}", properties["FilterPattern"])
        assert match, properties["FilterPattern"]
        if re.search(match.group(1), record["account"]):
            [transformation] = properties["MetricTransformations"]
            counting.append((transformation["MetricName"],
                             {d["Key"]: _json_path(record, d["Value"]) for d in transformation["Dimensions"]}))
    assert counting == [("HeartbeatsOfAccounts23", {"Account": MEMBER_ACCOUNT, "Region": MEMBER_REGION})], counting


def test_a_tagrole_by_another_principal_is_no_heartbeat(deployed, received):
    _put(deployed["member"], MEMBER_REGION, "aws.iam", "AWS API Call via CloudTrail", {
        "eventSource": "iam.amazonaws.com", "eventName": "TagRole", "awsRegion": MEMBER_REGION,
        "userIdentity": TAMPERER,
        "requestParameters": {"roleName": HEARTBEAT_ROLE_NAME, "tags": [{"key": "cdk-iam-change-alerts:heartbeat",
                                                                          "value": "alive"}]},
    })
    assert received.to_buses == [] and received.to_logs == []


# ---------------------------------------------------------------------------------------------
# Failure paths in the central account: tampering with the pipeline, and with its health path
# ---------------------------------------------------------------------------------------------

def test_tampering_in_the_central_account_reaches_the_health_topic_and_health_path_tampering_the_alert_topic(
        deployed, templates, received):
    central = deployed["central"]
    alerts_rule = _rule_named(templates["central"], "-alerts")
    heartbeat_rule = _rule_named(templates["central"], "-heartbeat")

    def central_call(event_name, parameters, event_id):
        record = _events_call(event_name, parameters, event_id)
        record.update(awsRegion=CENTRAL_REGION, recipientAccountId=CENTRAL_ACCOUNT,
                      userIdentity={**TAMPERER, "arn": f"arn:aws:sts::{CENTRAL_ACCOUNT}:assumed-role/OpsAdmin/mallory",
                                    "accountId": CENTRAL_ACCOUNT})
        return record

    _put(central, CENTRAL_REGION, "aws.events", "AWS API Call via CloudTrail",
         central_call("DisableRule", {"name": alerts_rule, "eventBusName": "org-iam-alerts"},
                      "0b7e5f6a-0000-4000-8000-0000000000c1"))
    assert [d["topic"] for d in received.to_topics] == [deployed["health_topic"]], received.to_topics
    [text] = received.health()
    assert f"DisableRule on events.amazonaws.com in account {CENTRAL_ACCOUNT}, region {CENTRAL_REGION}" in text, text
    assert alerts_rule in text
    assert received.alerts() == []

    # Deleting the heartbeat rule blinds the health path itself: reported on the alert topic.
    _put(central, CENTRAL_REGION, "aws.events", "AWS API Call via CloudTrail",
         central_call("DeleteRule", {"name": heartbeat_rule, "eventBusName": "org-iam-alerts"},
                      "0b7e5f6a-0000-4000-8000-0000000000c2"))
    [text] = received.alerts()
    assert f"DeleteRule on events.amazonaws.com in account {CENTRAL_ACCOUNT}, region {CENTRAL_REGION}" in text, text
    assert heartbeat_rule in text
    health_messages = received.health()
    # It is also a rule of the pipeline, so the general tamper rule reports it on the health topic.
    assert len(health_messages) == 1 and heartbeat_rule in health_messages[0], health_messages
