"""Environment parsed once per container into one typed settings object.

`get_settings()` reads every variable once, at the first call of a cold start, and is what the
code uses at run time. One documented exception: the names of the stage's resources (table,
queues, topic, bucket, region) are also needed by decorators and model classes at IMPORT time,
before anything calls `get_settings()`, in processes that hold no signing secret (`chalice
package`, ops scripts), and tests set the environment just before importing `app`. `names()`
reads those without caching and without asking for the secret; the one-line accessors below
(`table_name()`, `alerts_queue_name()`, …) read its fields and exist for those import-time callers.
Both are parsed by the same function, so a variable is spelled and defaulted in one place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Names:
    """What the stage's resources are called (see .chalice/config.json); needs no secret."""

    stage: str
    table_name: str
    region: str
    outbox_queue: str
    applications_queue: str
    uploads_queue: str
    alerts_queue: str
    alerts_dead_letter_queue: str  # the stack and ops/provision.py name every queue's DLQ so
    ses_feedback_topic: str
    ses_configuration_set: str | None  # routes bounces and complaints to the topic (None locally)
    upload_bucket: str
    sms_sender_id: str  # the alphanumeric sender an SMS shows (where the country allows one)


@dataclass(frozen=True)
class Settings(Names):
    """Everything the running stage is configured with."""

    signing_secret: str
    mail_sender: str
    public_url: str
    access_token_minutes: int
    refresh_token_days: int
    cabinet_url: str = "http://127.0.0.1:8080"  # the families' cabinet, where emails link to
    fast_password_hashing: bool = False  # argon2id's floor cost: the test stage alone (domain/secrets.py)


def _names(env: Mapping[str, str]) -> Names:
    alerts = env.get("ALERTS_QUEUE", "ediary-local-alerts")
    return Names(
        stage=env.get("STAGE", "local"),
        table_name=env.get("DIARY_TABLE", "ediary-local"),
        # Lambda sets AWS_REGION; locally AWS_DEFAULT_REGION
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-central-1",
        outbox_queue=env.get("OUTBOX_QUEUE", "ediary-local-outbox"),
        applications_queue=env.get("APPLICATIONS_QUEUE", "ediary-local-applications"),
        uploads_queue=env.get("UPLOADS_QUEUE", "ediary-local-uploads"),
        alerts_queue=alerts,
        alerts_dead_letter_queue=alerts + "-dlq",
        ses_feedback_topic=env.get("SES_FEEDBACK_TOPIC", "ediary-local-ses-feedback"),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET") or None,
        upload_bucket=env.get("UPLOAD_BUCKET", "ediary-local-uploads"),
        sms_sender_id=env.get("SMS_SENDER_ID", "EDIARY"),
    )


# tests/conftest.py sets PASSWORD_HASHING to this: the suite hashes and checks thousands of passwords.
FAST_PASSWORD_HASHING = "test-only-fast"


def read(env: Mapping[str, str]) -> Settings:
    """Parse a whole environment; RuntimeError when the signing secret is missing or short."""
    secret = env.get("SIGNING_SECRET", "")
    if len(secret) < 32:
        raise RuntimeError("SIGNING_SECRET must be set to at least 32 characters")
    names = _names(env)
    return Settings(
        **vars(names),
        signing_secret=secret,
        mail_sender=env.get("MAIL_SENDER", "noreply@ediary.example.org"),
        public_url=env.get("PUBLIC_URL", "http://127.0.0.1:8000"),
        access_token_minutes=int(env.get("ACCESS_TOKEN_MINUTES", "15")),
        refresh_token_days=int(env.get("REFRESH_TOKEN_DAYS", "30")),
        cabinet_url=env.get("CABINET_URL", "http://127.0.0.1:8080").rstrip("/"),
        # honoured by the test stage alone: a `make run` a test session starts inherits it and ignores it
        fast_password_hashing=names.stage == "test" and env.get("PASSWORD_HASHING") == FAST_PASSWORD_HASHING,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The environment, read once per container."""
    return read(os.environ)


def names() -> Names:
    """The resources' names, read now (import time; no secret needed): see the module's comment."""
    return _names(os.environ)


# --- import-time accessors (decorators, model classes, ops scripts) ----------------------------


def table_name() -> str:
    """The single DynamoDB table of this stage."""
    return names().table_name


def region() -> str:
    """The AWS region."""
    return names().region


def outbox_queue_name() -> str:
    """The SQS queue that carries outgoing email and SMS."""
    return names().outbox_queue


def applications_queue_name() -> str:
    """The SQS queue that carries approved applications to be matched against the roster."""
    return names().applications_queue


def uploads_queue_name() -> str:
    """The SQS queue that S3 notifies of arrived files, and that carries upload chunks."""
    return names().uploads_queue


def alerts_queue_name() -> str:
    """The SQS queue that carries alerts: events to expand, then one job per person and channel."""
    return names().alerts_queue


def alerts_dead_letter_queue_name() -> str:
    """Where alert jobs that can never succeed end."""
    return names().alerts_dead_letter_queue


def ses_feedback_topic_name() -> str:
    """The SNS topic SES reports bounces and complaints to."""
    return names().ses_feedback_topic


def sms_sender_id() -> str:
    """The alphanumeric sender an SMS shows."""
    return names().sms_sender_id


def upload_bucket_name() -> str:
    """The S3 bucket school systems upload files to."""
    return names().upload_bucket


@lru_cache(maxsize=1)
def validate_responses() -> bool:
    """Whether every answer is checked against its declared response model before it leaves
    (api/answers.py): on under `chalice local` and in tests, where a drift from the OpenAPI document
    must fail loudly; off on AWS, where a drift should not cost families their diary and the check
    would only repeat, on every answer, what the tests already proved."""
    return os.environ.get("VALIDATE_RESPONSES", "").lower() in {"1", "true", "on", "yes"}
