"""The access-analyzer constructs and the policy-generation request, used from Python.

Synthesizes the constructs through the jsii bindings and compares the statements with the ones the
IAM User Guide prints ("Generate a policy using AWS CloudTrail data in another account"),
after evaluating the template's intrinsic functions as CloudFormation would in the aws partition.
"""
import datetime
import json

import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk import assertions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from botocore.validate import ParamValidator

from cdk_iam_change_alerts import (
    AccessAnalyzerServiceRole,
    AccessAnalyzerServiceRoleRollout,
    OrgTrailAnalyzerAccess,
    StackSetCaller,
    StartPolicyGenerationRequest,
)

ORG = "o-a1b2c3d4e5"
MANAGEMENT = "111122223333"
MEMBER = "444455556666"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-trail"
BUCKET = "org-trail-logs"
ROLE_PATTERN = "arn:aws:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*"


def documented_bucket_statement(prefix=None):
    path = f"{prefix}/" if prefix else ""
    return {
        "Sid": "PolicyGenerationBucketPolicy",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [
            f"arn:aws:s3:::{BUCKET}",
            f"arn:aws:s3:::{BUCKET}/{path}AWSLogs/{ORG}/${{aws:PrincipalAccount}}/*",
        ],
        "Condition": {
            "StringEquals": {"aws:PrincipalOrgID": ORG},
            "StringLike": {"aws:PrincipalArn": ROLE_PATTERN},
        },
    }


DOCUMENTED_KEY_STATEMENT = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "kms:Decrypt",
    "Resource": "*",
    "Condition": {
        "StringEquals": {
            "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN,
            "aws:PrincipalOrgID": ORG,
        },
        "StringLike": {
            "kms:ViaService": "s3.*.amazonaws.com",
            "aws:PrincipalArn": ROLE_PATTERN,
        },
    },
}

# The role trust policy of the IAM User Guide ("Permissions required for service role"), which has
# no condition: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
DOCUMENTED_TRUST_STATEMENT = {
    "Effect": "Allow",
    "Principal": {"Service": "access-analyzer.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def evaluate(value, refs, attributes=None):
    """Replaces Ref, Fn::GetAtt and Fn::Join by their values; anything else unknown fails the test."""
    attributes = attributes or {}
    if isinstance(value, list):
        return [evaluate(item, refs, attributes) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref":
            return refs[argument]
        if key == "Fn::GetAtt":
            return attributes[".".join(argument)]
        if key == "Fn::Join":
            separator, parts = argument
            return separator.join(evaluate(parts, refs, attributes))
        assert not key.startswith("Fn::"), f"cannot evaluate {key}"
    return {key: evaluate(item, refs, attributes) for key, item in value.items()}


def aws_refs(account, **more):
    return {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::AccountId": account, **more}


def log_archive(prefix=None):
    stack = cdk.Stack(cdk.App(), "LogArchive")
    key = kms.Key(stack, "TrailKey", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "TrailBucket", bucket_name=BUCKET)
    access = OrgTrailAnalyzerAccess(
        stack, "AnalyzerAccess", bucket=bucket, organization_id=ORG, trail_arn=TRAIL_ARN, encryption_key=key, prefix=prefix
    )
    template = assertions.Template.from_stack(stack).to_json()
    bucket_id = next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::S3::Bucket")
    attributes = {f"{bucket_id}.Arn": f"arn:aws:s3:::{BUCKET}"}
    return access, template, attributes


def resources_of_type(template, resource_type):
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == resource_type]


def test_bucket_policy_statement_is_the_documented_one():
    _, template, attributes = log_archive()
    (policy,) = resources_of_type(template, "AWS::S3::BucketPolicy")
    (statement,) = [s for s in policy["PolicyDocument"]["Statement"] if s.get("Sid") == "PolicyGenerationBucketPolicy"]
    assert evaluate(statement, aws_refs(MANAGEMENT), attributes) == documented_bucket_statement()


def test_bucket_policy_statement_with_a_prefix():
    _, template, attributes = log_archive(prefix="org")
    (policy,) = resources_of_type(template, "AWS::S3::BucketPolicy")
    (statement,) = [s for s in policy["PolicyDocument"]["Statement"] if s.get("Sid") == "PolicyGenerationBucketPolicy"]
    assert evaluate(statement, aws_refs(MANAGEMENT), attributes) == documented_bucket_statement("org")


def test_key_policy_statement_is_the_documented_one():
    _, template, attributes = log_archive()
    (key,) = resources_of_type(template, "AWS::KMS::Key")
    (statement,) = [s for s in key["KeyPolicy"]["Statement"] if s["Action"] == "kms:Decrypt"]
    assert evaluate(statement, aws_refs(MANAGEMENT), attributes) == DOCUMENTED_KEY_STATEMENT


def test_policy_variable_reaches_the_template_literally():
    _, template, _ = log_archive()
    text = json.dumps(template)
    assert "Fn::Sub" not in text
    assert text.count("${aws:PrincipalAccount}") == 3


def test_object_ownership_is_bucket_owner_enforced():
    _, template, _ = log_archive()
    (bucket,) = resources_of_type(template, "AWS::S3::Bucket")
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_imported_bucket_statement_is_an_output_and_a_method():
    stack = cdk.Stack(cdk.App(), "LogArchive")
    access = OrgTrailAnalyzerAccess(
        stack,
        "AnalyzerAccess",
        bucket=s3.Bucket.from_bucket_name(stack, "TrailBucket", BUCKET),
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
    )
    assert access.bucket_policy_applied is False
    outputs = assertions.Template.from_stack(stack).to_json()["Outputs"]
    (value,) = [o["Value"] for k, o in outputs.items() if k.startswith("AnalyzerAccessBucketPolicyToApply")]
    assert json.loads(evaluate(value, aws_refs(MANAGEMENT))) == {
        "Version": "2012-10-17",
        "Statement": [documented_bucket_statement()],
    }
    assert stack.resolve(access.bucket_policy_json()) == value
    assert access.key_policy_json() is None


def test_member_service_role_trust_and_permissions():
    stack = cdk.Stack(cdk.App(), "Member")
    role = AccessAnalyzerServiceRole(stack, "AnalyzerRole", organization_id=ORG, trail_arn=TRAIL_ARN, bucket_name=BUCKET)
    (properties,) = resources_of_type(assertions.Template.from_stack(stack).to_json(), "AWS::IAM::Role")
    deployed = evaluate(properties, aws_refs(MEMBER))
    assert role.role_name == "AccessAnalyzerMonitorServiceRole"
    assert deployed["Path"] == "/service-role/"
    assert deployed["AssumeRolePolicyDocument"]["Statement"] == [DOCUMENTED_TRUST_STATEMENT]
    statements = {s["Sid"]: (s["Action"], s["Resource"]) for s in deployed["Policies"][0]["PolicyDocument"]["Statement"]}
    assert statements == {
        "ReadTrailSettings": ("cloudtrail:GetTrail", TRAIL_ARN),
        "GenerateServiceLastAccessedDetails": (
            "iam:GenerateServiceLastAccessedDetails",
            [f"arn:aws:iam::{MEMBER}:role/*", f"arn:aws:iam::{MEMBER}:user/*"],
        ),
        "GetServiceLastAccessedDetails": ("iam:GetServiceLastAccessedDetails", "*"),
        "ListTrailBucket": ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
        "ReadOwnAccountLogs": ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/AWSLogs/{ORG}/{MEMBER}/*"),
    }


def test_member_service_role_require_source_account_adds_the_condition():
    stack = cdk.Stack(cdk.App(), "Member")
    AccessAnalyzerServiceRole(
        stack,
        "AnalyzerRole",
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
        bucket_name=BUCKET,
        require_source_account=True,
    )
    (properties,) = resources_of_type(assertions.Template.from_stack(stack).to_json(), "AWS::IAM::Role")
    deployed = evaluate(properties, aws_refs(MEMBER))
    assert deployed["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "access-analyzer.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": MEMBER}},
            }
        ],
    }


def only_stack_set(stack):
    (stack_set,) = resources_of_type(assertions.Template.from_stack(stack).to_json(), "AWS::CloudFormation::StackSet")
    return stack_set


def test_rollout_is_one_service_managed_stack_set_in_one_region_with_the_role_as_member_template():
    stack = cdk.Stack(cdk.App(), "Management", env=cdk.Environment(account=MANAGEMENT, region="eu-west-1"))
    rollout = AccessAnalyzerServiceRoleRollout(
        stack,
        "AnalyzerRoles",
        organizational_unit_ids=["r-ab12"],
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
        bucket_name=BUCKET,
        role_name_suffix="_Org",
        call_as=StackSetCaller.SELF,
    )
    stack_set = only_stack_set(stack)
    assert rollout.region == "us-east-1"
    assert rollout.role_name == "AccessAnalyzerMonitorServiceRole_Org"
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    assert stack_set["CallAs"] == "SELF"
    assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert stack_set["StackInstancesGroup"] == [
        {"DeploymentTargets": {"OrganizationalUnitIds": ["r-ab12"]}, "Regions": ["us-east-1"]}
    ]
    assert stack_set["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
    assert parameters == {"OrganizationId": ORG, "TrailArn": TRAIL_ARN, "TrailBucketName": BUCKET}

    member = json.loads(stack_set["TemplateBody"])
    (role,) = member["Resources"].values()
    deployed = evaluate(role["Properties"], aws_refs(MEMBER, **parameters))
    assert deployed["RoleName"] == "AccessAnalyzerMonitorServiceRole_Org"
    assert deployed["Path"] == "/service-role/"
    assert deployed["AssumeRolePolicyDocument"]["Statement"] == [DOCUMENTED_TRUST_STATEMENT]
    read = next(s for s in deployed["Policies"][0]["PolicyDocument"]["Statement"] if s["Sid"] == "ReadOwnAccountLogs")
    assert read["Resource"] == f"arn:aws:s3:::{BUCKET}/AWSLogs/{ORG}/{MEMBER}/*"


def test_member_rollout_of_org_trail_analyzer_access_passes_the_bucket_and_key():
    stack = cdk.Stack(cdk.App(), "LogArchive")
    key = kms.Key(stack, "TrailKey", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "TrailBucket", bucket_name=BUCKET)
    access = OrgTrailAnalyzerAccess(
        stack,
        "AnalyzerAccess",
        bucket=bucket,
        organization_id=ORG,
        trail_arn=TRAIL_ARN,
        encryption_key=key,
        member_rollout={"organizational_unit_ids": ["ou-ab12-cdef3456"], "region": "eu-west-1",
                        "stack_set_name": "analyzer-roles", "max_concurrent_percentage": 25, "failure_tolerance_percentage": 5},
    )
    assert access.member_rollout.region == "eu-west-1"
    assert only_stack_set(stack)["StackSetName"] == "analyzer-roles"
    assert only_stack_set(stack)["OperationPreferences"]["MaxConcurrentPercentage"] == 25
    assert only_stack_set(stack)["OperationPreferences"]["FailureTolerancePercentage"] == 5
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in only_stack_set(stack)["Parameters"]}
    assert parameters["TrailBucketName"] == stack.resolve(bucket.bucket_name)
    assert parameters["TrailKeyArn"] == stack.resolve(key.key_arn)


def test_rollout_bad_unit_id_names_the_path_and_the_fix():
    stack = cdk.Stack(cdk.App(), "Management")
    with pytest.raises(Exception) as err:
        AccessAnalyzerServiceRoleRollout(
            stack, "AnalyzerRoles", organizational_unit_ids=["ou-xyz"], organization_id=ORG, trail_arn=TRAIL_ARN, bucket_name=BUCKET
        )
    assert "Management/AnalyzerRoles/StackSet: organizationalUnitIds entry 'ou-xyz' is not valid." in str(err.value)
    assert "Fix:" in str(err.value)


def test_bad_organization_id_names_the_path_and_the_fix():
    stack = cdk.Stack(cdk.App(), "Member")
    with pytest.raises(Exception) as err:
        AccessAnalyzerServiceRole(stack, "AnalyzerRole", organization_id="o-ABC", trail_arn=TRAIL_ARN, bucket_name=BUCKET)
    assert "Member/AnalyzerRole: organizationId 'o-ABC' is not an organization id" in str(err.value)
    assert "Fix:" in str(err.value)


def request(**overrides):
    options = {
        "trail_arn": TRAIL_ARN,
        "access_role_arn": f"arn:aws:iam::{MEMBER}:role/service-role/AccessAnalyzerMonitorServiceRole",
        "start_time": datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc),
        "end_time": datetime.datetime(2024, 4, 1, tzinfo=datetime.timezone.utc),
        **overrides,
    }
    return StartPolicyGenerationRequest.for_principal(f"arn:aws:iam::{MEMBER}:role/app", **options)


def test_request_is_valid_input_for_boto3():
    params = json.loads(request(regions=["us-east-1", "eu-west-1"]).to_cli_input_json())
    operation = botocore.session.get_session().get_service_model("accessanalyzer").operation_model("StartPolicyGeneration")
    report = ParamValidator().validate(params, operation.input_shape)
    assert not report.has_errors(), report.generate_report()
    assert params["cloudTrailDetails"]["startTime"] == "2024-03-01T00:00:00.000Z"
    assert params["cloudTrailDetails"]["trails"] == [{"cloudTrailArn": TRAIL_ARN, "regions": ["us-east-1", "eu-west-1"]}]


def test_request_rejects_a_period_over_90_days():
    with pytest.raises(Exception) as err:
        request(end_time=datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc))
    assert "Access Analyzer analyses at most 90" in str(err.value)
