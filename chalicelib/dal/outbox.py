"""The outbox: outgoing email and SMS go through an SQS queue, and each is sent once.

A message is claimed before sending with a lease (state "sending"), marked "sent" after;
a crash mid-send lets the lease lapse so a redelivery can try again, while a duplicate
delivery of a sent message finds the mark and is skipped.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import aws, clock, settings
from chalicelib.dal import keys
from chalicelib.dal.models import SentMessage
from chalicelib.dal.store import storing
from chalicelib.errors import ConflictError, UnavailableError

LEASE_SECONDS = 60
KEEP_MARK = timedelta(days=14)  # longer than any queue retention, so redeliveries still find it


def send_email(to: str, template: str, language: str, data: dict[str, Any], dedupe_key: str) -> None:
    """Queue an email built from `template` in `language`."""
    _enqueue({"channel": "email", "to": to, "template": template, "language": language,
              "data": data, "dedupe_key": dedupe_key})


def queue_account_step(step: str, data: dict[str, Any], dedupe_key: str) -> None:
    """Queue a registration step: the outbox handler carries it out once, off the request."""
    _enqueue({"channel": "account", "step": step, "data": data, "dedupe_key": dedupe_key})


def send_sms(to: str, template: str, language: str, data: dict[str, Any], dedupe_key: str) -> None:
    """Queue an SMS built from `sms_<template>` in `language`."""
    _enqueue({"channel": "sms", "to": to, "template": template, "language": language,
              "data": data, "dedupe_key": dedupe_key})


def _enqueue(message: dict[str, Any]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("sqs").send_message(
            QueueUrl=aws.queue_url(settings.outbox_queue_name()),
            MessageBody=json.dumps(message, ensure_ascii=False),
        )
    except (BotoCoreError, ClientError) as exc:
        raise UnavailableError() from exc


def claim(dedupe_key: str, channel: str) -> bool:
    """Take the right to send this message; False when it was sent or is being sent."""
    now = clock.epoch()
    mark = SentMessage(*keys.sent_mark(dedupe_key), channel=channel)
    mark.state = "sending"
    mark.lease_until = now + LEASE_SECONDS
    mark.expires_at = KEEP_MARK
    try:
        with storing():
            mark.save(
                condition=SentMessage.pk.does_not_exist()
                | ((SentMessage.state == "sending") & (SentMessage.lease_until < now))
            )
    except ConflictError:
        return False
    return True


def mark_sent(dedupe_key: str) -> None:
    """The message left: never send it again."""
    with storing():
        SentMessage(*keys.sent_mark(dedupe_key)).update(actions=[SentMessage.state.set("sent")])


def release(dedupe_key: str) -> None:
    """Sending failed: let the retry claim it."""
    with storing():
        SentMessage(*keys.sent_mark(dedupe_key)).delete()
