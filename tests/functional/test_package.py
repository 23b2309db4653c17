"""`make package`: the CloudFormation template chalice produces, merged with infra/, for stage dev.

Packaged once per module, offline (no Python dependencies in the zip: the template is the same),
then linted with cfn-lint and checked for what chalice cannot express on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ops import package as packaging

ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_DEFAULT_REGION": "eu-central-1"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package") / STAGE
    done = subprocess.run([sys.executable, "-m", "ops.package", "--stage", STAGE, "--out", str(out), "--no-deps"],
                          cwd=ROOT, env={**os.environ, **OFFLINE}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def template(out) -> dict[str, Any]:
    return json.loads((out / "sam.json").read_text(encoding="utf-8"))


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def stage_env() -> dict[str, str]:
    return packaging.stage_environment(STAGE)


def test_cfn_lint_reports_nothing(out):
    # No rule is ignored: any error or warning fails the test.
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run([str(cfn_lint), str(out / "sam.json")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **OFFLINE})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""


def test_every_sqs_event_source_reports_batch_item_failures(template):
    sources = [(lid, name, event["Properties"])
               for lid, fn in of_type(template, "AWS::Serverless::Function").items()
               for name, event in fn["Properties"].get("Events", {}).items() if event["Type"] == "SQS"]
    assert {packaging.queue_name_of(p["Queue"]) for _, _, p in sources} >= {
        stage_env()["OUTBOX_QUEUE"], stage_env()["APPLICATIONS_QUEUE"], stage_env()["UPLOADS_QUEUE"]}
    queue_names = {q["Properties"]["QueueName"]: lid for lid, q in of_type(template, "AWS::SQS::Queue").items()}
    for lid, name, props in sources:
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], f"{lid}.{name}"
        queue = queue_names[packaging.queue_name_of(props["Queue"])]  # the queue is created in this stack
        assert queue in template["Resources"][lid]["DependsOn"]


def test_table_matches_the_model(template):
    [table] = of_type(template, "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["TableName"] == stage_env()["DIARY_TABLE"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": "PK", "KeyType": "HASH"},
                                  {"AttributeName": "SK", "KeyType": "RANGE"}]
    [gsi] = props["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "GSI1"
    assert gsi["KeySchema"] == [{"AttributeName": "GSI1PK", "KeyType": "HASH"},
                                {"AttributeName": "GSI1SK", "KeyType": "RANGE"}]
    assert gsi["Projection"] == {"ProjectionType": "ALL"}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}


def test_table_agrees_with_pynamodb():
    from chalicelib.dal.models import DiaryItem

    assert DiaryItem.Meta.stream_view_type == "NEW_AND_OLD_IMAGES"
    assert DiaryItem.Meta.billing_mode == "PAY_PER_REQUEST"
    assert DiaryItem._hash_key_attribute().attr_name == "PK"
    assert DiaryItem._range_key_attribute().attr_name == "SK"
    assert DiaryItem.expires_at.attr_name == "expires_at"


def test_every_queue_has_a_dead_letter_queue_and_alarms(template):
    queues = of_type(template, "AWS::SQS::Queue")
    work = {lid: q for lid, q in queues.items() if "RedrivePolicy" in q["Properties"]}
    names = {q["Properties"]["QueueName"] for q in work.values()}
    config_queues = {value for var, value in stage_env().items() if var.endswith("_QUEUE")}
    assert names >= config_queues | {f"ediary-{STAGE}-uploads"}
    destinations = {c["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
                    for c in of_type(template, "AWS::Lambda::EventInvokeConfig").values()}
    assert set(queues) == set(work) | destinations | {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0] for q in work.values()}
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    watched = {(a["Properties"]["MetricName"], a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0])
               for a in alarms}
    timeouts = {packaging.queue_name_of(e["Properties"]["Queue"]): fn["Properties"]["Timeout"]
                for fn in of_type(template, "AWS::Serverless::Function").values()
                for e in fn["Properties"].get("Events", {}).values() if e["Type"] == "SQS"}
    for lid, queue in work.items():
        props = queue["Properties"]
        dlq = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert props["RedrivePolicy"]["maxReceiveCount"] == 5
        assert queues[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert props["VisibilityTimeout"] >= 6 * timeouts.get(props["QueueName"], 60)
        assert ("ApproximateNumberOfMessagesVisible", dlq) in watched, lid
        assert ("ApproximateAgeOfOldestMessage", lid) in watched, lid
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    dlq_alarms = [a["Properties"] for a in alarms
                  if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"]
    assert all(a["Threshold"] == 0 and a["ComparisonOperator"] == "GreaterThanThreshold" for a in dlq_alarms)


def test_a_new_queue_in_the_config_gets_its_infrastructure(template):
    env = {**stage_env(), "GRADES_QUEUE": "ediary-dev-grades"}
    merged = packaging.merge_template(template, STAGE, env)["Resources"]
    assert merged["GradesQueue"]["Properties"]["QueueName"] == "ediary-dev-grades"
    assert merged["GradesQueueDeadLetters"]["Properties"]["QueueName"] == "ediary-dev-grades-dlq"
    assert "GradesQueueDeadLettersAlarm" in merged and "GradesQueueAgeAlarm" in merged


def test_upload_bucket_is_private_encrypted_and_notifies_the_uploads_queue(template):
    # (the other bucket holds the cabinet's files: test_the_cabinet_is_served_from_a_private_bucket…)
    [bucket] = [b for lid, b in of_type(template, "AWS::S3::Bucket").items() if lid != "WebBucket"]
    props = bucket["Properties"]
    assert props["BucketName"] == stage_env()["UPLOAD_BUCKET"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    expiring = [r for r in props["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == "processed/"]
    assert expiring and expiring[0]["ExpirationInDays"] == 30 and expiring[0]["Status"] == "Enabled"
    [notification] = props["NotificationConfiguration"]["QueueConfigurations"]
    uploads = template["Resources"][notification["Queue"]["Fn::GetAtt"][0]]
    assert uploads["Properties"]["QueueName"] == stage_env()["UPLOADS_QUEUE"]
    [policy] = of_type(template, "AWS::SQS::QueuePolicy").values()
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"
    assert bucket["DependsOn"] == "UploadsQueuePolicy"


def test_gateway_responses_use_the_error_envelope(template):
    responses = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    assert set(responses) >= {"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED",
                              "MISSING_AUTHENTICATION_TOKEN", "UNSUPPORTED_MEDIA_TYPE"}
    expected = {"UNAUTHORIZED": ("401", "unauthenticated", "Нужно войти в систему. / You need to log in."),
                "ACCESS_DENIED": ("403", "forbidden",
                                  "Недостаточно прав для этого действия. / You are not allowed to do this."),
                "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", "Не найдено. / Not found.")}
    for kind, (status, code, message) in expected.items():
        body = json.loads(responses[kind]["responseTemplates"]["application/json"])
        assert body == {"error": {"code": code, "message": message, "field": None}}, kind
        assert responses[kind]["statusCode"] == status, kind
    assert responses["UNAUTHORIZED"]["responseParameters"]["gatewayresponse.header.WWW-Authenticate"] == "'Bearer'"
    assert "statusCode" not in responses["DEFAULT_4XX"]  # keeps the status API Gateway chose


def test_functions_get_the_secret_and_least_privilege_roles(template):
    functions = of_type(template, "AWS::Serverless::Function")
    roles = [fn["Properties"]["Role"]["Fn::GetAtt"][0] for fn in functions.values()]
    assert len(set(roles)) == len(functions)  # one role per function
    for lid, fn in functions.items():
        variables = fn["Properties"]["Environment"]["Variables"]
        assert variables["SIGNING_SECRET"] == "{{resolve:ssm:/ediary/dev/signing-secret}}", lid
        role = template["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
        for policy in role["Properties"]["Policies"]:
            for statement in policy["PolicyDocument"]["Statement"]:
                assert statement.get("Resource") not in ("*", ["*"]), (lid, statement)
    assert template["Resources"]["AccessTokenRole"]["Properties"]["Policies"] == []  # the authorizer reads nothing


def test_mail_bounces_and_complaints_go_to_sns(template):
    [destination] = of_type(template, "AWS::SES::ConfigurationSetEventDestination").values()
    event = destination["Properties"]["EventDestination"]
    assert {"bounce", "complaint"} <= set(event["MatchingEventTypes"])
    assert event["SnsDestination"]["TopicARN"] == {"Ref": "MailEventsTopic"}


def test_the_alerts_handler_may_send_mail_and_sms_and_park_failures(template):
    """deliver_alerts sends through SES (single and bulk) and SNS, and dead-letters rejected sends."""
    functions = of_type(template, "AWS::Serverless::Function")
    role = template["Resources"][functions["DeliverAlerts"]["Properties"]["Role"]["Fn::GetAtt"][0]]
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {"ses:SendEmail", "ses:SendBulkTemplatedEmail", "ses:CreateTemplate", "sns:Publish",
            "sns:CheckIfPhoneNumberIsOptedOut", "sqs:SendMessage"} <= actions
    [parking] = [s for s in statements if s["Action"] == "sqs:SendMessage"]
    assert parking["Resource"] == [{"Fn::GetAtt": ["AlertsQueueDeadLetters", "Arn"]}]


def test_ses_feedback_listens_to_the_topic_ses_reports_to(template):
    functions = of_type(template, "AWS::Serverless::Function")
    [event] = functions["SesFeedback"]["Properties"]["Events"].values()
    topic = template["Resources"]["MailEventsTopic"]["Properties"]["TopicName"]
    assert event["Type"] == "SNS" and json.dumps(event["Properties"]["Topic"]).endswith(f':{topic}"}}'), event


def test_the_api_log_carries_audit_lines_to_the_audit_function_which_parks_failures(template):
    """Openings of a diary are printed by the API and stored by AuditTrail (chalicelib/dal/audit_log.py)."""
    from chalicelib.dal.audit_log import FILTER_PATTERN

    resources = template["Resources"]
    group = resources["ApiLogGroup"]
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${APIHandler}"}
    [subscription] = of_type(template, "AWS::Logs::SubscriptionFilter").values()
    assert subscription["Properties"]["FilterPattern"] == FILTER_PATTERN
    assert subscription["Properties"]["DestinationArn"] == {"Fn::GetAtt": ["AuditTrail", "Arn"]}
    permission = resources["AuditTrailLogPermission"]
    assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": ["AuditTrail", "Arn"]}
    assert permission["Properties"]["Principal"] == "logs.amazonaws.com"
    assert permission["Properties"]["SourceArn"] == {"Fn::GetAtt": ["ApiLogGroup", "Arn"]}
    assert subscription["DependsOn"] == "AuditTrailLogPermission"
    assert resources["AuditTrail"]["Properties"]["Handler"] == "chalicelib.events.audit.store_audit_lines"
    [invoke] = of_type(template, "AWS::Lambda::EventInvokeConfig").values()
    assert invoke["Properties"]["FunctionName"] == {"Ref": "AuditTrail"}
    assert invoke["Properties"]["MaximumRetryAttempts"] == 2
    dlq = invoke["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert resources[dlq]["Properties"]["QueueName"] == "ediary-dev-audit-trail-dlq"
    assert resources[dlq + "Alarm"]["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    role = resources[resources["AuditTrail"]["Properties"]["Role"]["Fn::GetAtt"][0]]
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [dlq, "Arn"]}} in statements
    assert any("dynamodb:BatchWriteItem" in s["Action"] for s in statements)
    assert template["Outputs"]["AuditTrailFunction"] == {"Value": {"Ref": "AuditTrail"}}  # ops/replay_audit.py


def test_every_function_logs_to_a_group_that_expires(template):
    functions = of_type(template, "AWS::Serverless::Function")
    groups = {g["Properties"]["LogGroupName"]["Fn::Sub"]: g["Properties"]["RetentionInDays"]
              for g in of_type(template, "AWS::Logs::LogGroup").values()}
    assert groups == {f"/aws/lambda/${{{lid}}}": 90 for lid in functions}


def test_the_cabinet_is_served_from_a_private_bucket_that_only_its_distribution_reads(template):
    resources = template["Resources"]
    web = resources["WebBucket"]["Properties"]
    assert web["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert "WebsiteConfiguration" not in web  # never an S3 website: the distribution is the only way in
    [allow] = [s for s in resources["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
               if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert "${CabinetDistribution}" in allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    config = resources["CabinetDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    files = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert files["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert files["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    assert resources["WebOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert template["Outputs"]["CabinetUrl"] == {"Value": {"Fn::Sub": "https://${CabinetDistribution.DomainName}"}}
    assert template["Outputs"]["CabinetBucket"] == {"Value": {"Ref": "WebBucket"}}


def test_the_distribution_forwards_api_to_the_stage_uncached_with_every_header_and_cookie(template):
    config = template["Resources"]["CabinetDistribution"]["Properties"]["DistributionConfig"]
    [api] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    origin = {o["Id"]: o for o in config["Origins"]}[api["TargetOriginId"]]
    assert origin["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert "OriginPath" not in origin  # the stage is named api: /api/x is the stage's /x
    assert template["Resources"]["RestAPI"]["Properties"]["StageName"] == "api"
    assert api["CachePolicyId"] == packaging.CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == packaging.ALL_VIEWER_EXCEPT_HOST
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])


def test_the_distribution_sends_the_local_systems_security_headers(template):
    from ops.web_server import CONTENT_SECURITY_POLICY

    resources = template["Resources"]
    config = resources["CabinetDistribution"]["Properties"]["DistributionConfig"]
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "CabinetSecurityHeaders"}
    headers = resources["CabinetSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "same-origin"


def test_the_distribution_forwards_a_presigned_upload_put_to_the_bucket_with_its_query_only(template):
    # The cabinet's browser PUTs to /<bucket>/incoming/...?X-Amz-... on its own origin (docs/staff.md).
    resources = template["Resources"]
    config = resources["CabinetDistribution"]["Properties"]["DistributionConfig"]
    bucket = stage_env().get("UPLOAD_BUCKET", f"ediary-{STAGE}-uploads")
    [put] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == f"/{bucket}/incoming/*"]
    origin = {o["Id"]: o for o in config["Origins"]}[put["TargetOriginId"]]
    # path-style, the host the signature covers (files.cabinet_put_path), the path unchanged
    assert origin["DomainName"] == {"Fn::Sub": "s3.${AWS::Region}.${AWS::URLSuffix}"}
    assert "OriginPath" not in origin and origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert put["CachePolicyId"] == packaging.CACHING_DISABLED and "PUT" in put["AllowedMethods"]
    forwarded = resources[put["OriginRequestPolicyId"]["Ref"]]["Properties"]["OriginRequestPolicyConfig"]
    assert forwarded["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    assert forwarded["CookiesConfig"] == {"CookieBehavior": "none"}  # the session stays with the cabinet
    assert "Host" not in forwarded["HeadersConfig"].get("Headers", [])
    assert "Authorization" not in forwarded["HeadersConfig"].get("Headers", [])
