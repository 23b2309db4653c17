"""Cheap, fast probes of the table and the queues for the health check."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib import settings


@cache
def _impatient(service: str) -> Any:
    # The health check must answer fast when a dependency is down, not after minutes of retries.
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service, config=Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1})
    )


def database() -> str:
    """Whether the table answers."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _impatient("dynamodb").describe_table(TableName=settings.table_name())
    except (BotoCoreError, ClientError):
        return "down"
    return "ok"


def queues() -> str:
    """Whether the outbox queue answers."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _impatient("sqs").get_queue_url(QueueName=settings.outbox_queue_name())
    except (BotoCoreError, ClientError):
        return "down"
    return "ok"
