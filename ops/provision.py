"""Create the table, queues, bucket and mail identity if they are absent (idempotent)."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib import settings

DLQ_SUFFIX = "-dlq"
MAX_RECEIVES = 5  # deliveries before a message is parked in the dead-letter queue


def queue_names() -> list[str]:
    """Every work queue of the stage (each gets a dead-letter queue)."""
    return [settings.outbox_queue_name()]


def create_table() -> None:
    """The single table with its stream and TTL."""
    from chalicelib.dal.models import DiaryItem

    if not DiaryItem.exists():
        DiaryItem.create_table(wait=True)
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


def verify_sender() -> None:
    """SES refuses mail from an unverified sender (moto too)."""
    boto3.client("ses").verify_email_identity(EmailAddress=settings.get_settings().mail_sender)


def provision() -> None:
    """Everything the app needs to run."""
    create_table()
    create_queues()
    verify_sender()
