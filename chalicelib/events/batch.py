"""Partial batch failures: only the records that failed go back to the queue."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

# Deliveries of a message before its queue parks it in the dead-letter queue (the redrive policy of
# ops/provision.py and infra/permissions.json `dlq_max_receive_count`).
MAX_RECEIVES = 5


def receive_count(record: Any) -> int:
    """Which delivery of its message this record is (1 the first; SQS's ApproximateReceiveCount)."""
    attributes = record.to_dict().get("attributes") or {}
    try:
        return int(attributes.get("ApproximateReceiveCount", 1))
    except (TypeError, ValueError):
        return 1


def last_delivery(record: Any) -> bool:
    """Whether a failure now would send the message to the dead-letter queue."""
    return receive_count(record) >= MAX_RECEIVES


class PermanentError(Exception):
    """A record that can never succeed (malformed): retrying only delays its trip to the DLQ."""


def process_batch(records: Iterable[Any], handle: Callable[[Any], None]) -> dict[str, list[dict[str, str]]]:
    """Run `handle` on each SQS record; report the failed ones as Lambda expects."""
    failures = []
    for record in records:
        try:
            handle(record)
        except Exception:  # each record fails alone; the queue retries it, then dead-letters it
            log.exception("record %s failed", getattr(record, "message_id", "?"))
            failures.append({"itemIdentifier": record.to_dict()["messageId"]})
    return {"batchItemFailures": failures}
