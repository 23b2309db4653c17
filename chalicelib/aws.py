"""AWS clients, created lazily once per container so nothing touches the network at import."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    """A boto3 client for `service`; endpoints come from AWS_ENDPOINT_URL_* when set (local)."""
    import boto3

    return boto3.session.Session().client(service)


@cache
def queue_url(queue_name: str) -> str:
    """The URL of an SQS queue, looked up once per container."""
    return str(client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"])
