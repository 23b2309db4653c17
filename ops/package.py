"""Package the app for CloudFormation, offline: chalice's SAM template merged with our resources.

    python -m ops.package --stage dev [--out build/dev] [--no-deps]

1. `chalice package` (app code only, no merge) to learn the functions chalice generates: their
   logical ids, timeouts and SQS event sources.
2. Build the merge template: infra/resources.json (table, bucket, SES, SNS) with this stage's
   names, API Gateway's own answers in our error envelope (GATEWAY_RESPONSES), the cabinet (a
   private bucket for web/ behind a CloudFront distribution that also forwards /api/*), plus per queue
   (every `*_QUEUE` variable of the stage, every queue a handler listens to, and the uploads
   queue) a dead-letter queue and two alarms, a role per
   function (grants: infra/permissions.json) and each SQS event source patched with
   `ReportBatchItemFailures`; the API's log group and the subscription that carries its audit
   lines to the audit function, which parks what it cannot store on its own dead-letter queue.
3. `chalice package --merge-template` into the output directory, then check the result.

Dependencies for the Lambda zip come from `.local/wheelhouse` only (`make wheelhouse` fills it once,
online); `--no-deps` leaves them out (the template is the same; used by the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
WHEELHOUSE = ROOT / ".local" / "wheelhouse"
SQS_EVENT = "SQS"
BATCH_FAILURES = "ReportBatchItemFailures"
DEFAULT_LAMBDA_TIMEOUT = 60  # chalice's default
RETAINED_STAGES = {"prod"}  # their table and bucket outlive the stack
API_FUNCTION, AUDIT_FUNCTION = "APIHandler", "AuditTrail"  # chalicelib/events/audit.py's audit_trail
ASYNC_RETRIES = 2  # Lambda's own retries of an asynchronous call (CloudWatch Logs calls so)
# What API Gateway answers itself, as our error envelope: its response type, the status (None: the one
# API Gateway chose) and our error code. ops/local_gateway.py answers the same way under `chalice local`.
GATEWAY_RESPONSES: dict[str, tuple[int | None, str]] = {
    "UNAUTHORIZED": (401, "unauthenticated"),  # no Authorization header: the authorizer never ran
    "ACCESS_DENIED": (403, "forbidden"),
    # an unknown route, or a method its path lacks: API Gateway tells neither apart, so both are 404
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),
    "RESOURCE_NOT_FOUND": (404, "not_found"),
    "REQUEST_TOO_LARGE": (413, "request_too_large"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type"),
    "THROTTLED": (429, "too_many_requests"),
    "QUOTA_EXCEEDED": (429, "too_many_requests"),
    "INTEGRATION_TIMEOUT": (504, "gateway_timeout"),
    "DEFAULT_4XX": (None, "bad_request"),
    "DEFAULT_5XX": (None, "internal_error"),
}


def signing_secret_parameter(stage: str) -> str:
    """The SSM parameter (type String) CloudFormation reads SIGNING_SECRET from at deploy time."""
    return f"/ediary/{stage}/signing-secret"


def stage_environment(stage: str) -> dict[str, str]:
    """The environment variables of a stage, as chalice merges them (the stage wins)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    if stage not in config.get("stages", {}):
        raise SystemExit(f"stage {stage!r} is not in .chalice/config.json")
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def camel(name: str) -> str:
    """OUTBOX_QUEUE / ediary-dev-outbox -> OutboxQueue / EdiaryDevOutbox (a logical id)."""
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_") if part.isalnum())


def substitute(value: Any, tokens: dict[str, Any]) -> Any:
    """Replace __TOKEN__ placeholders: a whole-string token takes the value's type."""
    if isinstance(value, dict):
        return {key: substitute(item, tokens) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, tokens) for item in value]
    if isinstance(value, str):
        if value in tokens:
            return tokens[value]
        for token, replacement in tokens.items():
            value = value.replace(token, str(replacement))
    return value


def queue_name_of(queue: Any) -> str:
    """The queue name in chalice's event source (an ARN, or Fn::Sub of one)."""
    arn = queue.get("Fn::Sub") if isinstance(queue, dict) else queue
    if not isinstance(arn, str):
        raise SystemExit(f"cannot read the queue of event source {queue!r}")
    return arn.rsplit(":", 1)[-1]


def sqs_sources(function: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The SQS event sources of a SAM function, by event name."""
    events = function["Properties"].get("Events", {})
    return {name: event["Properties"] for name, event in events.items() if event.get("Type") == SQS_EVENT}


def authorizer_ids(sam: dict[str, Any]) -> set[str]:
    """Functions the REST API calls as authorizers (named in the swagger's authorizerUri)."""
    api = sam["Resources"].get("RestAPI", {}).get("Properties", {}).get("DefinitionBody", {})
    found = set()
    for definition in api.get("securityDefinitions", {}).values():
        uri = json.dumps(definition.get("x-amazon-apigateway-authorizer", {}).get("authorizerUri", ""))
        found |= {lid for lid in sam["Resources"] if "${" + lid + ".Arn}" in uri}
    return found


def discover_queues(stage: str, env: dict[str, str], functions: dict[str, Any]) -> dict[str, str]:
    """{queue name: logical id} for every queue of the stage."""
    queues = {value: camel(var) for var, value in sorted(env.items()) if var.endswith("_QUEUE")}
    queues.setdefault(env.get("UPLOADS_QUEUE", f"ediary-{stage}-uploads"), "UploadsQueue")
    for function in functions.values():
        for source in sqs_sources(function).values():
            name = queue_name_of(source["Queue"])
            queues.setdefault(name, camel(name.removeprefix(f"ediary-{stage}-")) + "Queue")
    return queues


def dead_letter_resources(dlq: str, queue_name: str, description: str, settings: dict[str, Any]) -> dict[str, Any]:
    """A dead-letter queue and the alarm that fires as soon as anything waits on it."""
    alarm_topic = [{"Ref": "AlarmTopic"}]
    return {
        dlq: {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": queue_name, "MessageRetentionPeriod": settings["dlq_retention_seconds"],
            "SqsManagedSseEnabled": True}},
        dlq + "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": description,
            "Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
            "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
            "AlarmActions": alarm_topic, "OKActions": alarm_topic}},
    }


def queue_resources(name: str, lid: str, visibility: int, settings: dict[str, Any]) -> dict[str, Any]:
    """A work queue, its dead-letter queue and the alarms on both."""
    dlq, alarm_topic = lid + "DeadLetters", [{"Ref": "AlarmTopic"}]
    return {
        **dead_letter_resources(dlq, name + "-dlq",
                                f"Messages of {name} were dead-lettered: inspect {name}-dlq, then redrive.", settings),
        lid: {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": name, "VisibilityTimeout": visibility, "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                              "maxReceiveCount": settings["dlq_max_receive_count"]}}},
        lid + "AgeAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": f"The oldest message of {name} waits too long: its handler is failing or behind.",
            "Namespace": "AWS/SQS", "MetricName": "ApproximateAgeOfOldestMessage",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [lid, "QueueName"]}}],
            "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 5, "DatapointsToAlarm": 5,
            "Threshold": settings["queue_age_alarm_seconds"], "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching", "AlarmActions": alarm_topic, "OKActions": alarm_topic}},
    }


def grant_statements(grants: list[str], consumes: list[str], queues: dict[str, str], env: dict[str, str],
                     stage: str) -> list[dict[str, Any]]:
    """IAM statements for a function's grants (names from infra/permissions.json)."""
    bucket, sender = env.get("UPLOAD_BUCKET", f"ediary-{stage}-uploads"), env.get("MAIL_SENDER", "")
    arn = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"
    catalogue: dict[str, dict[str, Any]] = {
        "table": {"Action": ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                             "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem",
                             "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                  "Resource": [{"Fn::GetAtt": ["DiaryTable", "Arn"]}, {"Fn::Sub": "${DiaryTable.Arn}/index/*"}]},
        "send_to_queues": {"Action": ["sqs:GetQueueUrl", "sqs:SendMessage"],
                           "Resource": [{"Fn::GetAtt": [lid, "Arn"]} for lid in sorted(queues.values())]},
        "bucket": {"Action": ["s3:GetObject", "s3:PutObject"],
                   "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{bucket}/*"}},
        "mail": {"Action": ["ses:SendEmail", "ses:SendRawEmail"],
                 "Resource": [{"Fn::Sub": arn % ("ses", "identity/*")},
                              {"Fn::Sub": arn % ("ses", "configuration-set/${MailConfigurationSet}")}],
                 "Condition": {"StringEquals": {"ses:FromAddress": sender}}},
        # School news: SES v1 bulk templated email from a template the handler keeps up to date.
        "bulk_mail": {"Action": ["ses:SendBulkTemplatedEmail", "ses:CreateTemplate", "ses:UpdateTemplate"],
                      "Resource": [{"Fn::Sub": arn % ("ses", "identity/*")},
                                   {"Fn::Sub": arn % ("ses", f"template/ediary-{stage}-*")},
                                   {"Fn::Sub": arn % ("ses", "configuration-set/${MailConfigurationSet}")}]},
        # Opted-out numbers are skipped; like Publish to a phone these calls name no topic.
        "sms_opt_out": {"Action": ["sns:CheckIfPhoneNumberIsOptedOut", "sns:ListPhoneNumbersOptedOut"],
                        "NotResource": "arn:*:sns:*:*:*"},
        # The audit function's on-failure destination (Lambda sends with the function's role).
        "audit_dead_letters": {"Action": "sqs:SendMessage",
                               "Resource": {"Fn::GetAtt": [AUDIT_FUNCTION + "DeadLetters", "Arn"]}},
        # A job that can never succeed is parked in its own queue's dead-letter queue at once.
        "dead_letters": {"Action": "sqs:SendMessage",
                         "Resource": [{"Fn::GetAtt": [lid + "DeadLetters", "Arn"]} for lid in consumes]},
        # Text messages go straight to phone numbers; NotResource keeps every topic out of reach.
        "sms": {"Action": "sns:Publish", "NotResource": "arn:*:sns:*:*:*"},
        "parameter": {"Action": "ssm:GetParameter",
                      "Resource": {"Fn::Sub": arn % ("ssm", "parameter" + signing_secret_parameter(stage))}},
    }
    unknown = set(grants) - set(catalogue)
    if unknown:
        raise SystemExit(f"infra/permissions.json: unknown grants {sorted(unknown)}")
    statements = [{"Effect": "Allow", **catalogue[grant]} for grant in grants]
    if consumes:
        statements.append({"Effect": "Allow", "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
                                                         "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                           "Resource": [{"Fn::GetAtt": [lid, "Arn"]} for lid in consumes]})
    return statements


def role(lid: str, statements: list[dict[str, Any]]) -> dict[str, Any]:
    """A Lambda execution role: CloudWatch Logs plus the given statements."""
    properties: dict[str, Any] = {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "ManagedPolicyArns": [
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}],
        "Policies": [],
    }
    if statements:
        properties["Policies"] = [{"PolicyName": f"{lid}Access",
                                   "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
    return {"Type": "AWS::IAM::Role", "Properties": properties}


def log_group_id(function_lid: str) -> str:
    """The logical id of a function's log group (the API's is the one the audit trail reads)."""
    return "ApiLogGroup" if function_lid == API_FUNCTION else function_lid + "LogGroup"


def log_groups(functions: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """Every function's log group, made by the stack so that logs (ids of accounts and children
    among them) expire after `log_retention_days` instead of being kept for ever."""
    return {log_group_id(lid): {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": {"Fn::Sub": "/aws/lambda/${" + lid + "}"},
        "RetentionInDays": settings["log_retention_days"]}} for lid in functions}


def audit_trail_resources(stage: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The subscription handing the API log's audit lines (chalicelib/dal/audit_log.py) to the
    audit function; what that function fails to store, after Lambda's two retries, waits on its
    dead-letter queue behind an alarm."""
    from chalicelib.dal.audit_log import FILTER_PATTERN
    from ops.provision import audit_dead_letter_queue_name

    dlq = AUDIT_FUNCTION + "DeadLetters"
    return {
        **dead_letter_resources(dlq, audit_dead_letter_queue_name(stage),
                                "Audit lines the audit function could not store are parked: mend the cause, "
                                "then run python -m ops.replay_audit.", settings),
        AUDIT_FUNCTION + "InvokeConfig": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": AUDIT_FUNCTION}, "Qualifier": "$LATEST", "MaximumRetryAttempts": ASYNC_RETRIES,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq, "Arn"]}}}}},
        AUDIT_FUNCTION + "LogPermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": [AUDIT_FUNCTION, "Arn"]},
            "Principal": "logs.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::GetAtt": ["ApiLogGroup", "Arn"]}}},
        AUDIT_FUNCTION + "Subscription": {"Type": "AWS::Logs::SubscriptionFilter",
                                          "DependsOn": AUDIT_FUNCTION + "LogPermission", "Properties": {
            "LogGroupName": {"Ref": "ApiLogGroup"}, "FilterPattern": FILTER_PATTERN,
            "DestinationArn": {"Fn::GetAtt": [AUDIT_FUNCTION, "Arn"]}}},
    }


def gateway_responses() -> dict[str, Any]:
    """API Gateway's own refusals in our error envelope (x-amazon-apigateway-gateway-responses).
    They cannot read Accept-Language, so `message` carries both languages, Russian first."""
    from chalicelib import i18n

    responses: dict[str, Any] = {}
    for kind, (status, code) in GATEWAY_RESPONSES.items():
        message = " / ".join(i18n.message(code, lang) for lang in (i18n.RU, i18n.EN))
        body = json.dumps({"error": {"code": code, "message": message, "field": None}}, ensure_ascii=False)
        if "$" in body:  # API Gateway substitutes $context and $stageVariables in these templates
            raise SystemExit(f"gateway response {kind}: {body} holds a $")
        headers = {"gatewayresponse.header.Content-Type": "'application/json; charset=utf-8'"}
        if status == 401:
            headers["gatewayresponse.header.WWW-Authenticate"] = "'Bearer'"
        responses[kind] = {"responseParameters": headers, "responseTemplates": {"application/json": body}}
        if status is not None:
            responses[kind]["statusCode"] = str(status)  # a string in the OpenAPI extension
    return responses


# The cabinet (web/) in AWS: CloudFront's managed policies (the same ids in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized: the static files
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled: /api/*
# Managed-AllViewerExceptHostHeader: every header (Authorization, Cookie, X-Ediary-Client), cookie
# and query string, but the Host (API Gateway answers only to its own name).
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CABINET_FILES, CABINET_API, CABINET_UPLOADS = "cabinet-files", "api", "upload-bucket"


def security_headers_policy(stage: str) -> dict[str, Any]:
    """The distribution's response-headers policy, built from ops/web_server.py's SECURITY_HEADERS:
    one policy for the local system and AWS."""
    from ops.web_server import SECURITY_HEADERS

    hsts = dict(part.strip().partition("=")[::2] for part in SECURITY_HEADERS["Strict-Transport-Security"].split(";"))
    return {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {
        "Name": f"ediary-{stage}-cabinet",
        "Comment": "The cabinet's CSP (no inline script, no eval, nothing from another host) and security headers",
        "SecurityHeadersConfig": {
            # An API page with its own, stricter CSP (the unsubscribe page) keeps it: Override false.
            "ContentSecurityPolicy": {"ContentSecurityPolicy": SECURITY_HEADERS["Content-Security-Policy"],
                                      "Override": False},
            "StrictTransportSecurity": {"AccessControlMaxAgeSec": int(hsts["max-age"]),
                                        "IncludeSubdomains": "includeSubDomains" in hsts, "Override": True},
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {"ReferrerPolicy": SECURITY_HEADERS["Referrer-Policy"], "Override": True},
            "FrameOptions": {"FrameOption": SECURITY_HEADERS["X-Frame-Options"], "Override": True},
        }}}}


def cabinet_resources(stage: str, upload_bucket: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """(resources, outputs) of the families' cabinet: web/ in a private bucket that only the
    distribution reads (origin access control), the distribution serving it, and /api/* forwarded
    uncached to the API Gateway stage, on one origin: no CORS, and a cookie that is first-party.
    Chalice's stage is named `api`, so /api/x at the distribution is resource /x of that stage:
    no origin path. Upload: README "Deploying to AWS" (aws s3 sync, then an invalidation).

    An administrator's browser PUTs an upload to `/<upload bucket>/incoming/...?X-Amz-...` on the
    same origin (the API's `cabinet_path`, pre-signed path-style for `s3.<region>.amazonaws.com`):
    that behaviour forwards it, uncached, to that endpoint with the query string and nothing else of
    the viewer's (no cookie, no Authorization); CloudFront sets the Host to the origin's name, the
    host the signature covers, and the path is unchanged, so S3 checks the signature as if the
    browser had gone there (docs/staff.md «Uploads»)."""
    upload_bucket = upload_bucket or f"ediary-{stage}-uploads"
    methods = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    resources: dict[str, Any] = {
        "WebBucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}},
        "WebBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "WebBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "TheDistributionOnly", "Effect": "Allow",
                 "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                 "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
                 "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
                     "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${CabinetDistribution}")}}}},
                {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [{"Fn::GetAtt": ["WebBucket", "Arn"]}, {"Fn::Sub": "${WebBucket.Arn}/*"}],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
        "WebOriginAccessControl": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
            "OriginAccessControlConfig": {"Name": f"ediary-{stage}-web", "OriginAccessControlOriginType": "s3",
                                          "SigningBehavior": "always", "SigningProtocol": "sigv4"}}},
        "CabinetSecurityHeaders": security_headers_policy(stage),
        "UploadForwarding": {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {
            "OriginRequestPolicyConfig": {
                "Name": f"ediary-{stage}-upload-put", "Comment": "A pre-signed PUT: its query string only",
                "QueryStringsConfig": {"QueryStringBehavior": "all"},
                "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["Content-Type", "Content-MD5"]},
                "CookiesConfig": {"CookieBehavior": "none"}}}},
        "CabinetDistribution": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
            "Enabled": True, "Comment": f"ediary {stage}: the families' cabinet and /api/*",
            "DefaultRootObject": "index.html", "HttpVersion": "http2and3", "IPV6Enabled": True,
            "PriceClass": "PriceClass_100",
            "Origins": [
                {"Id": CABINET_FILES, "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
                 "S3OriginConfig": {"OriginAccessIdentity": ""},
                 "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}},
                {"Id": CABINET_API,
                 "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                 "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}},
                {"Id": CABINET_UPLOADS, "DomainName": {"Fn::Sub": "s3.${AWS::Region}.${AWS::URLSuffix}"},
                 "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}},
            ],
            "DefaultCacheBehavior": {
                "TargetOriginId": CABINET_FILES, "ViewerProtocolPolicy": "redirect-to-https",
                "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"], "Compress": True,
                "CachePolicyId": CACHING_OPTIMIZED,
                "ResponseHeadersPolicyId": {"Ref": "CabinetSecurityHeaders"}},
            "CacheBehaviors": [{
                "PathPattern": "/api/*", "TargetOriginId": CABINET_API, "ViewerProtocolPolicy": "https-only",
                "AllowedMethods": methods, "CachedMethods": ["GET", "HEAD"], "Compress": True,
                "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                "ResponseHeadersPolicyId": {"Ref": "CabinetSecurityHeaders"}}, {
                "PathPattern": f"/{upload_bucket}/incoming/*", "TargetOriginId": CABINET_UPLOADS,
                "ViewerProtocolPolicy": "https-only", "AllowedMethods": methods, "CachedMethods": ["GET", "HEAD"],
                "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": {"Ref": "UploadForwarding"},
                "ResponseHeadersPolicyId": {"Ref": "CabinetSecurityHeaders"}}],
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
        }}},
    }
    outputs = {
        # The address families open; emails link to it once CABINET_URL is set to it (README).
        "CabinetUrl": {"Value": {"Fn::Sub": "https://${CabinetDistribution.DomainName}"}},
        "CabinetBucket": {"Value": {"Ref": "WebBucket"}},  # aws s3 sync build/web/ s3://<this>/ --delete
        "CabinetDistributionId": {"Value": {"Ref": "CabinetDistribution"}},  # for the invalidation
    }
    return resources, outputs


def merge_template(sam: dict[str, Any], stage: str, env: dict[str, str]) -> dict[str, Any]:
    """Our resources, and the patches to chalice's, for one stage."""
    settings = json.loads((INFRA / "permissions.json").read_text(encoding="utf-8"))
    functions = {lid: r for lid, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    queues = discover_queues(stage, env, functions)
    uploads_lid = queues[env.get("UPLOADS_QUEUE", f"ediary-{stage}-uploads")]
    retained = stage in RETAINED_STAGES
    tokens = {
        "__STAGE__": stage,
        "__DIARY_TABLE__": env.get("DIARY_TABLE", f"ediary-{stage}"),
        "__UPLOAD_BUCKET__": env.get("UPLOAD_BUCKET", f"ediary-{stage}-uploads"),
        "__MAIL_DOMAIN__": env.get("MAIL_SENDER", "noreply@ediary.example.org").rpartition("@")[2],
        "__UPLOADS_QUEUE_RESOURCE__": uploads_lid,
        "__RETAIN__": "Retain" if retained else "Delete",
        "__DELETION_PROTECTION__": retained,
    }
    merged = substitute(json.loads((INFRA / "resources.json").read_text(encoding="utf-8")), tokens)
    resources, outputs = merged["Resources"], merged["Outputs"]

    # Which function consumes which queue, and the visibility timeout each queue needs.
    consumers: dict[str, list[str]] = {}
    visibility = dict.fromkeys(queues, 6 * DEFAULT_LAMBDA_TIMEOUT)
    for lid, function in functions.items():
        for source in sqs_sources(function).values():
            name = queue_name_of(source["Queue"])
            consumers.setdefault(lid, []).append(name)
            needed = 6 * int(function["Properties"].get("Timeout", DEFAULT_LAMBDA_TIMEOUT))
            needed += int(source.get("MaximumBatchingWindowInSeconds", 0))
            visibility[name] = max(visibility[name], needed)
    for name, lid in queues.items():
        resources.update(queue_resources(name, lid, visibility[name], settings))
        outputs[lid + "Url"] = {"Value": {"Ref": lid}}
    resources.update(log_groups(functions, settings))
    cabinet, cabinet_outputs = cabinet_resources(stage, str(tokens["__UPLOAD_BUCKET__"]))
    resources.update(cabinet)
    outputs.update(cabinet_outputs)
    resources["RestAPI"] = {"Properties": {"DefinitionBody": {
        "x-amazon-apigateway-gateway-responses": gateway_responses()}}}
    if AUDIT_FUNCTION in functions:
        resources.update(audit_trail_resources(stage, settings))
        outputs["AuditTrailFunction"] = {"Value": {"Ref": AUDIT_FUNCTION}}  # for ops/replay_audit.py

    variable_of = {value: var for var, value in env.items() if var.endswith("_QUEUE")}
    authorizers = authorizer_ids(sam)
    for lid, function in functions.items():
        own = consumers.get(lid, [])
        if lid in authorizers:
            grants = settings["authorizer"]
        elif function["Properties"].get("Handler") == "app.app":
            grants = settings["api"]
        elif lid == AUDIT_FUNCTION:
            grants = settings["audit"]
        elif own:
            grants = sorted({g for name in own
                             for g in settings["queues"].get(variable_of.get(name, ""), settings["queues"]["*"])})
        else:
            grants = settings["other"]
        statements = grant_statements(grants, [queues[name] for name in own], queues, env, stage)
        # The API handler keeps chalice's DefaultRole (its policy replaced); every other function gets its own.
        role_id = "DefaultRole" if function["Properties"].get("Handler") == "app.app" else lid + "Role"
        resources[role_id] = role(lid, statements) if role_id != "DefaultRole" else {
            "Properties": role(lid, statements)["Properties"]}
        patch: dict[str, Any] = {
            "Role": {"Fn::GetAtt": [role_id, "Arn"]},
            "Environment": {"Variables": {
                "SIGNING_SECRET": "{{resolve:ssm:" + signing_secret_parameter(stage) + "}}",
                "SES_CONFIGURATION_SET": {"Ref": "MailConfigurationSet"},
            }},
        }
        events = {name: {"Properties": {"FunctionResponseTypes": [BATCH_FAILURES]}} for name in sqs_sources(function)}
        resources[lid] = {"Properties": patch}
        if events:
            patch["Events"] = events
            # chalice names the queue by ARN: the mapping must wait for our queue to exist
            resources[lid]["DependsOn"] = sorted({queues[name] for name in own})
    return merged


def verify(template: dict[str, Any]) -> None:
    """What chalice cannot express must be in the final template."""
    for lid, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for name, source in sqs_sources(resource).items():
            if source.get("FunctionResponseTypes") != [BATCH_FAILURES]:
                raise SystemExit(f"{lid}.{name} lacks {BATCH_FAILURES}")
        role_id = resource["Properties"]["Role"]["Fn::GetAtt"][0]
        if template["Resources"].get(role_id, {}).get("Type") != "AWS::IAM::Role":
            raise SystemExit(f"{lid}: its role {role_id} is missing from the template")


def app_only_copy(into: Path) -> Path:
    """The app without its requirements: enough for chalice to describe the functions."""
    shutil.copytree(ROOT / "chalicelib", into / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "app.py", into / "app.py")
    (into / ".chalice").mkdir()
    shutil.copy2(ROOT / ".chalice" / "config.json", into / ".chalice" / "config.json")
    (into / "requirements.txt").write_text("", encoding="utf-8")
    return into


def chalice_package(project: Path, stage: str, out: Path, merge: Path | None = None) -> None:
    """Run `chalice package` offline: pip may only read the wheelhouse."""
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PIP_CONFIG_FILE": os.devnull,
           "AWS_EC2_METADATA_DISABLED": "true"}
    env.setdefault("AWS_DEFAULT_REGION", "eu-central-1")  # the template uses ${AWS::Region}; any will do
    command = [sys.executable, "-c", "from chalice.cli import main; main()", "package", "--stage", stage]
    if merge is not None:
        command += ["--merge-template", str(merge)]
    done = subprocess.run([*command, str(out)], cwd=project, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or "Could not install dependencies" in done.stdout + done.stderr:
        raise SystemExit(f"chalice package failed:\n{done.stdout}\n{done.stderr}")


def package(stage: str, out: Path, with_deps: bool = True) -> dict[str, Any]:
    """Write the merged template (sam.json) and deployment.zip into `out`; returns the template."""
    if with_deps and not any(WHEELHOUSE.glob("*.whl")):
        raise SystemExit(f"{WHEELHOUSE} is empty: run `make wheelhouse` once (online) first")
    env = stage_environment(stage)
    with tempfile.TemporaryDirectory(prefix="ediary-package-") as tmp:
        work = Path(tmp)
        app = app_only_copy(work / "app")
        chalice_package(app, stage, work / "plain")
        sam = json.loads((work / "plain" / "sam.json").read_text(encoding="utf-8"))
        merge = work / "merge-template.json"
        merge.write_text(json.dumps(merge_template(sam, stage, env), indent=2, ensure_ascii=False), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        chalice_package(ROOT if with_deps else app, stage, out.resolve(), merge)
        shutil.copy2(merge, out / "merge-template.json")
    template: dict[str, Any] = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    verify(template)
    return template


def main() -> None:
    """Command line: `python -m ops.package --stage dev`."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", type=Path, help="default: build/<stage>")
    parser.add_argument("--no-deps", action="store_true", help="leave Python dependencies out of the zip")
    args = parser.parse_args()
    out = args.out or ROOT / "build" / args.stage
    template = package(args.stage, out, with_deps=not args.no_deps)
    functions = [lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
    print(f"{out}/sam.json: {len(template['Resources'])} resources, functions {', '.join(functions)}")


if __name__ == "__main__":
    main()
