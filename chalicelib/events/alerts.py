"""Alerts: the table's stream → event jobs; the alerts queue → expansion and delivery; SES
feedback (SNS) → suppressed addresses; a quarter-hourly release of held alerts (domain/alerts.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import settings
from chalicelib.events.aggregates import stream_arn
from chalicelib.events.batch import PermanentError, process_batch

alerts = Blueprint(__name__)
log = logging.getLogger(__name__)


@alerts.on_dynamodb_record(stream_arn=stream_arn(), batch_size=100, starting_position="TRIM_HORIZON")
def produce_alerts(event: Any) -> None:
    """A failure raises and Lambda retries the batch; a redelivered record makes the same jobs,
    whose keys were already claimed, so nobody hears twice."""
    from boto3.dynamodb.types import TypeDeserializer

    from chalicelib.domain.alerts import produce

    des = TypeDeserializer()

    def plain(image: dict[str, Any] | None) -> dict[str, Any] | None:
        return {k: des.deserialize(v) for k, v in image.items()} if image else None

    produce((r.to_dict().get("eventID", ""), plain(r.old_image), plain(r.new_image)) for r in event)


@alerts.on_sqs_message(queue=settings.alerts_queue_name(), batch_size=10)
def deliver_alerts(event: Any) -> dict[str, Any]:
    """Expand and send alerts; only the failed records come back (partial batch failure)."""
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
    except ValueError:
        log.warning("SES feedback that is not JSON: %.200s", event.message)
        return
    kind = notice.get("notificationType") or notice.get("eventType")
    if kind == "Bounce" and notice.get("bounce", {}).get("bounceType") == "Permanent":
        addresses = [r["emailAddress"] for r in notice["bounce"].get("bouncedRecipients", [])]
    elif kind == "Complaint":
        addresses = [r["emailAddress"] for r in notice.get("complaint", {}).get("complainedRecipients", [])]
    else:
        return  # a transient bounce or a delivery: the address still works
    suppress(addresses)


@alerts.schedule(Rate(15, unit=Rate.MINUTES))
def release_held_alerts(event: Any) -> None:
    """SMS held over quiet hours and the evening digests leave when their slot begins."""
    from chalicelib.domain.alerts import release_due

    release_due()
