"""Applications queue handler: an approved application is matched against the school's roster."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint

from chalicelib import settings
from chalicelib.events.batch import PermanentError, process_batch

applications = Blueprint(__name__)


@applications.on_sqs_message(queue=settings.applications_queue_name(), batch_size=10)
def process_applications(event: Any) -> dict[str, Any]:
    """Match each approved application; issue and email the access code on a match."""
    return process_batch(event, handle)


def handle(record: Any) -> None:
    """Process one application (idempotent: a redelivered message changes nothing)."""
    from chalicelib.domain.applications import process

    try:
        application_id = str(json.loads(record.body)["application_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PermanentError(f"malformed application message: {exc}") from exc
    process(application_id)
