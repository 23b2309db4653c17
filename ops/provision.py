"""Create the table, queues, bucket, mail identity and SNS topics if they are absent (idempotent)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from chalicelib import settings
from chalicelib.events.batch import MAX_RECEIVES  # deliveries before a message is parked in the dead-letter queue

DLQ_SUFFIX = "-dlq"
SNS_MIRROR_SUFFIX = "-to-pump"


def queue_names() -> list[str]:
    """Every work queue of the stage (each gets a dead-letter queue)."""
    return [settings.outbox_queue_name(), settings.applications_queue_name(), settings.uploads_queue_name(),
            settings.alerts_queue_name()]


def audit_dead_letter_queue_name(stage: str | None = None) -> str:
    """Where audit-log events the audit function could not store end (in AWS its on-failure
    destination, ops/package.py); the running stage's unless one is named."""
    return f"ediary-{stage or os.environ.get('STAGE', 'local')}-audit-trail-dlq"


def create_table() -> None:
    """The single table with its stream and TTL."""
    from pynamodb.exceptions import TableError

    from chalicelib.dal.models import DiaryItem

    for attempt in range(6):
        try:
            if not DiaryItem.exists():
                DiaryItem.create_table(wait=True)
            break
        except TableError as error:
            # DynamoDB Local's first calls can outlast the client's read timeout on a busy machine,
            # and a CreateTable retried after one finds the table its first try made: try again.
            if attempt == 5 or not ("ResourceInUseException" in str(error) or "timeout" in str(error).lower()):
                raise
    ddb = boto3.client("dynamodb")
    ttl = ddb.describe_time_to_live(TableName=settings.table_name())["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        ddb.update_time_to_live(
            TableName=settings.table_name(),
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
        )


def create_queues(visibility_timeout: int = 30) -> dict[str, Any]:
    """Each queue with a dead-letter queue behind it; returns {name: url}."""
    sqs = boto3.client("sqs")
    urls = {}
    for name in queue_names():
        dlq_url = sqs.create_queue(QueueName=name + DLQ_SUFFIX)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[name] = sqs.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": str(visibility_timeout),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES}),
            },
        )["QueueUrl"]
        urls[name + DLQ_SUFFIX] = dlq_url
    return urls


def create_upload_bucket(queue_urls: dict[str, Any]) -> None:
    """The bucket school systems PUT files to, notifying the uploads queue of each new object."""
    s3 = boto3.client("s3")
    bucket = settings.upload_bucket_name()
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        region = settings.region()
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **extra)
    queue_arn = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_urls[settings.uploads_queue_name()], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}}},
    ]})


def sns_mirror_queue_name(topic: str) -> str:
    """The local queue subscribed to a topic, which the pump reads to invoke the topic's handler
    (AWS invokes the Lambda from SNS itself; moto's SNS can only deliver to queues)."""
    return topic + SNS_MIRROR_SUFFIX


def create_topics(topics: list[str]) -> dict[str, str]:
    """Each topic the app listens to, with its mirror queue subscribed; returns {topic: arn}."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    arns = {}
    for topic in topics:
        arn = sns.create_topic(Name=topic)["TopicArn"]
        dlq_url = sqs.create_queue(QueueName=sns_mirror_queue_name(topic) + DLQ_SUFFIX)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(QueueName=sns_mirror_queue_name(topic), Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        subscribed = {s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", [])}
        if queue_arn not in subscribed:
            sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)  # the SNS envelope, as Lambda gets it
        arns[topic] = arn
    return arns


def verify_sender() -> None:
    """SES refuses mail from an unverified sender (moto too)."""
    boto3.client("ses").verify_email_identity(EmailAddress=settings.get_settings().mail_sender)


def provision() -> None:
    """Everything the app needs to run."""
    create_table()
    urls = create_queues()
    create_upload_bucket(urls)
    create_topics([settings.ses_feedback_topic_name()])  # SES bounces and complaints
    boto3.client("sqs").create_queue(QueueName=audit_dead_letter_queue_name())
    verify_sender()
