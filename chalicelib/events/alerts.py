"""Alerts: the table's stream → event jobs; the alerts queue → expansion and delivery; SES
feedback (SNS) → suppressed addresses; a quarter-hourly release of held alerts (domain/alerts/)."""

from __future__ import annotations

import json
import logging
from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib import settings
from chalicelib.events.aggregates import stream_arn
from chalicelib.events.batch import PermanentError, process_batch

alerts = Blueprint(__name__)
log = logging.getLogger(__name__)


@alerts.on_dynamodb_record(stream_arn=stream_arn(), batch_size=100, starting_position="TRIM_HORIZON")
def produce_alerts(event: Any) -> None:
    """A failure raises and Lambda retries the batch; a redelivered record makes the same jobs,
    whose keys were already claimed, so nobody hears twice, and a replayed one tells nobody
    linked since the change (domain/alerts/expansion.py)."""
    from boto3.dynamodb.types import TypeDeserializer

    from chalicelib.domain.alerts import produce

    des = TypeDeserializer()

    def plain(image: dict[str, Any] | None) -> dict[str, Any] | None:
        return {k: des.deserialize(v) for k, v in image.items()} if image else None

    produce((r.to_dict().get("eventID", ""), plain(r.old_image), plain(r.new_image), _recorded_at(r)) for r in event)


def _recorded_at(record: Any) -> str | None:
    """When the stream recorded the change (Chalice reads ApproximateCreationDateTime as naive UTC)."""
    from datetime import UTC

    stamp = getattr(record, "timestamp", None)
    return stamp.replace(tzinfo=UTC).isoformat(timespec="seconds") if stamp is not None else None


@alerts.on_sqs_message(queue=settings.alerts_queue_name(), batch_size=10)
def deliver_alerts(event: Any) -> dict[str, Any]:
    """Expand and send alerts; only the failed records come back (partial batch failure). Names
    are read once for the batch, fresh for the next."""
    from chalicelib.domain.alerts import fresh_names

    with fresh_names():
        return process_batch(event, _job)


def _job(record: Any) -> None:
    from chalicelib.domain.alerts import handle

    try:
        job = json.loads(record.body)
    except ValueError as exc:
        raise PermanentError(f"malformed alert job: {exc}") from exc
    handle(job)


@alerts.on_sns_message(topic=settings.ses_feedback_topic_name())
def ses_feedback(event: Any) -> None:
    """Hard bounces and complaints (SES v1 notifications or v2 event destinations) suppress the address."""
    from chalicelib.domain.alerts import suppress

    try:
        notice = json.loads(event.message)
    except (TypeError, ValueError):
        notice = None
    addresses = _suppressed_by(notice)
    if addresses is None:
        log.warning("SES feedback that is not a notification: %.200s", event.message)
        return  # retrying cannot make it readable; dropping it keeps the topic's handler unstuck
    if addresses:
        suppress(addresses)


def _suppressed_by(notice: Any) -> list[str] | None:
    """The addresses a notification says to stop mailing ([] for a transient bounce or a
    delivery); None when it is not an SES notification at all."""
    if not isinstance(notice, dict):
        return None
    kind = notice.get("notificationType") or notice.get("eventType")
    if kind == "Bounce":
        body, field = notice.get("bounce"), "bouncedRecipients"
        if isinstance(body, dict) and body.get("bounceType") != "Permanent":
            return []  # a transient bounce: the address still works
    elif kind == "Complaint":
        body, field = notice.get("complaint"), "complainedRecipients"
    else:
        return [] if isinstance(kind, str) else None  # a delivery, a send, an open …
    recipients = body.get(field) if isinstance(body, dict) else None
    if not isinstance(recipients, list):
        return None
    return [r["emailAddress"] for r in recipients if isinstance(r, dict) and isinstance(r.get("emailAddress"), str)]


@alerts.schedule(Rate(15, unit=Rate.MINUTES))
def release_held_alerts(event: Any) -> None:
    """SMS held over quiet hours and the evening digests leave when their slot begins."""
    from chalicelib.domain.alerts import release_due

    release_due()
