"""Environment parsed once per container into a typed settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    """What the running stage is configured with (see .chalice/config.json)."""

    stage: str
    table_name: str
    outbox_queue: str
    signing_secret: str
    mail_sender: str
    public_url: str
    access_token_minutes: int
    refresh_token_days: int


# Names that decorators need at import time (queue names, table name) are read
# here without caching so tests can set the environment before importing app.
def table_name() -> str:
    """The single DynamoDB table of this stage."""
    return os.environ.get("DIARY_TABLE", "ediary-local")


def region() -> str:
    """The AWS region (Lambda sets AWS_REGION; locally AWS_DEFAULT_REGION)."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"


def outbox_queue_name() -> str:
    """The SQS queue that carries outgoing email and SMS."""
    return os.environ.get("OUTBOX_QUEUE", "ediary-local-outbox")


def applications_queue_name() -> str:
    """The SQS queue that carries approved applications to be matched against the roster."""
    return os.environ.get("APPLICATIONS_QUEUE", "ediary-local-applications")


def uploads_queue_name() -> str:
    """The SQS queue that S3 notifies of arrived files, and that carries upload chunks."""
    return os.environ.get("UPLOADS_QUEUE", "ediary-local-uploads")


def alerts_queue_name() -> str:
    """The SQS queue that carries alerts: events to expand, then one job per person and channel."""
    return os.environ.get("ALERTS_QUEUE", "ediary-local-alerts")


def alerts_dead_letter_queue_name() -> str:
    """Where alert jobs that can never succeed end (the stack and ops/provision.py name every
    queue's dead-letter queue so)."""
    return alerts_queue_name() + "-dlq"


def ses_feedback_topic_name() -> str:
    """The SNS topic SES reports bounces and complaints to."""
    return os.environ.get("SES_FEEDBACK_TOPIC", "ediary-local-ses-feedback")


def sms_sender_id() -> str:
    """The alphanumeric sender an SMS shows (where the country allows one)."""
    return os.environ.get("SMS_SENDER_ID", "EDIARY")


def upload_bucket_name() -> str:
    """The S3 bucket school systems upload files to."""
    return os.environ.get("UPLOAD_BUCKET", "ediary-local-uploads")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per container."""
    secret = os.environ.get("SIGNING_SECRET", "")
    if len(secret) < 32:
        raise RuntimeError("SIGNING_SECRET must be set to at least 32 characters")
    return Settings(
        stage=os.environ.get("STAGE", "local"),
        table_name=table_name(),
        outbox_queue=outbox_queue_name(),
        signing_secret=secret,
        mail_sender=os.environ.get("MAIL_SENDER", "noreply@ediary.example.org"),
        public_url=os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000"),
        access_token_minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", "15")),
        refresh_token_days=int(os.environ.get("REFRESH_TOKEN_DAYS", "30")),
    )


@lru_cache(maxsize=1)
def validate_responses() -> bool:
    """Whether every answer is checked against its declared response model before it leaves
    (api/answers.py): on under `chalice local` and in tests, where a drift from the OpenAPI document
    must fail loudly; off on AWS, where a drift should not cost families their diary and the check
    would only repeat, on every answer, what the tests already proved."""
    return os.environ.get("VALIDATE_RESPONSES", "").lower() in {"1", "true", "on", "yes"}
