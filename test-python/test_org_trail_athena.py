"""OrgTrailAthena used from Python: the Athena workgroup, Glue table and named queries of an
organization trail, checked against the AWS APIs' own models (botocore's parameter validation of
CreateWorkGroup, CreateTable and CreateNamedQuery), and the named queries' SQL against the SQL that
Python gets from patterns.CloudTrailQuery.
"""
import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk import assertions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from botocore.validate import ParamValidator

from cdk_iam_change_alerts import OrgTrailAthena, patterns
from test_access_analyzer import aws_refs, evaluate

ORG = "o-a1b2c3d4e5"
MANAGEMENT = "111122223333"
LOG_ARCHIVE = "222233334444"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-trail"
KEY_ARN = f"arn:aws:kms:us-east-1:{LOG_ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PRESETS = ["changes", "auth_changes", "rootUserActivity"]
PRESET_NAMES = ["changes", "authChanges", "rootUserActivity"]


def log_archive(**props):
    stack = cdk.Stack(cdk.App(), "LogArchive", env=cdk.Environment(account=LOG_ARCHIVE, region="us-east-1"))
    analyst = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    athena = OrgTrailAthena(
        stack,
        "TrailQueries",
        bucket=s3.Bucket.from_bucket_name(stack, "TrailBucket", "org-trail-logs"),
        encryption_key=kms.Key.from_key_arn(stack, "TrailKey", KEY_ARN),
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
        prefix="org",
        accounts=[MANAGEMENT, LOG_ARCHIVE],
        regions=["us-east-1", "eu-west-1"],
        first_day="2024-01-01",
        principal=analyst,
        presets=PRESETS,
        **props,
    )
    return athena, assertions.Template.from_stack(stack).to_json()


def resources(template, resource_type):
    return {k: r["Properties"] for k, r in template["Resources"].items() if r["Type"] == resource_type}


def refs_of(template):
    """Every resource's Ref and Arn, as CloudFormation would resolve them, for evaluate()."""
    refs = aws_refs(LOG_ARCHIVE)
    attributes = {}
    for logical_id in template["Resources"]:
        refs[logical_id] = logical_id.lower()
        attributes[f"{logical_id}.Arn"] = f"arn:aws:service:::{logical_id.lower()}"
    return refs, attributes


def validate(service, operation, params):
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(params, model.operation_model(operation).input_shape)
    assert not report.has_errors(), report.generate_report()


def test_the_workgroup_is_one_athena_accepts():
    _, template = log_archive()
    refs, attributes = refs_of(template)
    ((_, workgroup),) = resources(template, "AWS::Athena::WorkGroup").items()
    configuration = evaluate(workgroup["WorkGroupConfiguration"], refs, attributes)
    validate("athena", "CreateWorkGroup", {"Name": workgroup["Name"], "Description": workgroup["Description"], "Configuration": configuration})
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["BytesScannedCutoffPerQuery"] == 100 * 1024**3
    assert configuration["EngineVersion"] == {"SelectedEngineVersion": "Athena engine version 3"}
    assert configuration["ResultConfiguration"]["EncryptionConfiguration"]["EncryptionOption"] == "SSE_KMS"


def test_the_table_is_one_glue_accepts():
    athena, template = log_archive()
    refs, attributes = refs_of(template)
    ((_, table),) = resources(template, "AWS::Glue::Table").items()
    table_input = evaluate(table["TableInput"], refs, attributes)
    validate("glue", "CreateTable", {"CatalogId": table["CatalogId"], "DatabaseName": table["DatabaseName"], "TableInput": table_input})
    assert table["DatabaseName"] == athena.database_name == "org_trail_o_a1b2c3d4e5"
    assert [k["Name"] for k in table_input["PartitionKeys"]] == ["account", "region", "timestamp"]
    assert table_input["StorageDescriptor"]["Location"] == f"s3://org-trail-logs/org/AWSLogs/{ORG}"
    assert table_input["Parameters"]["projection.account.values"] == f"{MANAGEMENT},{LOG_ARCHIVE}"


def test_one_named_query_per_preset_with_the_sql_python_generates():
    athena, template = log_archive()
    queries = list(resources(template, "AWS::Athena::NamedQuery").values())
    assert [q["Name"] for q in queries] == PRESET_NAMES
    assert len(athena.named_queries) == len(PRESETS)
    table = f'"{athena.database_name}"."{athena.table_name}"'
    for query in queries:
        validate("athena", "CreateNamedQuery", {k: query[k] for k in ("Name", "Description", "Database", "QueryString", "WorkGroup")})
        preset = getattr(patterns.IamEventPattern, _snake(query["Name"]))()
        expected = patterns.CloudTrailQuery.for_iam_event_pattern(
            query["Name"], preset, dialect=patterns.QueryDialect.ATHENA, table=table
        )
        assert query["QueryString"] == expected.sql
        assert expected.exact


def test_grant_query_gives_the_role_the_workgroup_and_the_trail_key():
    _, template = log_archive()
    statements = [s for p in resources(template, "AWS::IAM::Policy").values() for s in p["PolicyDocument"]["Statement"]]
    refs, attributes = refs_of(template)
    evaluated = evaluate(statements, refs, attributes)
    assert {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": KEY_ARN,
        "Condition": {
            "StringEquals": {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN},
            "StringLike": {"kms:ViaService": "s3.*.amazonaws.com"},
        },
    } in evaluated
    (athena_statement,) = [s for s in evaluated if "athena:StartQueryExecution" in s["Action"]]
    assert athena_statement["Resource"] == f"arn:aws:athena:us-east-1:{LOG_ARCHIVE}:workgroup/org-trail-{ORG}"


def test_a_bytes_scanned_limit_below_athenas_minimum_fails_with_a_fix_python_can_follow():
    with pytest.raises(Exception, match=r"LogArchive/TrailQueries: bytesScannedCutoffPerQuery is 9437184 bytes.*Fix: give at least Size\.mebibytes\(10\)"):
        log_archive(bytes_scanned_cutoff_per_query=cdk.Size.mebibytes(9))


def test_an_unknown_preset_fails_naming_the_known_ones():
    with pytest.raises(Exception, match=r"presets lists 'iam_changes', which is not an IamEventPattern preset\. Fix: use the factory names: allApiCalls"):
        log_archive_with_presets(["iam_changes"])


def log_archive_with_presets(presets):
    stack = cdk.Stack(cdk.App(), "LogArchive", env=cdk.Environment(account=LOG_ARCHIVE, region="us-east-1"))
    return OrgTrailAthena(
        stack,
        "TrailQueries",
        bucket=s3.Bucket.from_bucket_name(stack, "TrailBucket", "org-trail-logs"),
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
        accounts=[MANAGEMENT],
        regions=["us-east-1"],
        first_day="2024-01-01",
        presets=presets,
    )


def _snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
