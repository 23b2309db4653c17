"""Outbox queue handler: renders and sends queued email and SMS (the codes that confirm an address
or a number, notices), and carries out registration steps queued so the API answers alike for any
address."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint

from chalicelib import settings
from chalicelib.events.batch import PermanentError, process_batch

outbox = Blueprint(__name__)


@outbox.on_sqs_message(queue=settings.outbox_queue_name(), batch_size=10)
def deliver_outbox(event: Any) -> dict[str, Any]:
    """Send each queued message exactly once."""
    return process_batch(event, deliver)


def deliver(record: Any) -> None:
    """Send one queued message unless it was already sent."""
    from chalicelib.domain.send_once import send_once
    from chalicelib.mail.render import render_email
    from chalicelib.mail.send import send_email
    from chalicelib.mail.sms import render_sms, send_sms

    try:
        message = json.loads(record.body)
        key, channel = message["dedupe_key"], message.get("channel")
        if channel in ("email", "sms"):
            to, template = message["to"], message["template"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PermanentError(f"malformed outbox message: {exc}") from exc
    if channel == "account":
        _account_step(message, key)
        return
    language, data = message.get("language", "ru"), message.get("data", {})
    if channel not in ("email", "sms"):
        raise PermanentError(f"unknown channel {channel!r}")
    with send_once(key, channel) as mine:
        if mine and channel == "sms":
            send_sms(to, render_sms(template, language, data))
        elif mine:
            send_email(to, render_email(template, language, data))


def _account_step(message: dict[str, Any], key: str) -> None:
    """A registration, resend or password reset, done once even if the queue delivers it twice."""
    from chalicelib.domain import accounts, password_reset
    from chalicelib.domain.send_once import send_once

    data = message.get("data")
    steps = (*accounts.ACCOUNT_STEPS, password_reset.STEP)
    if message.get("step") not in steps or not isinstance(data, dict) or "email" not in data:
        raise PermanentError(f"malformed account step {message.get('step')!r}")
    with send_once(key, "account") as mine:
        if mine and message["step"] == password_reset.STEP:
            password_reset.send_code(data["email"])
        elif mine:
            accounts.carry_out(message["step"], data, key)
