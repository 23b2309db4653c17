"""Partial batch failures: only the records that failed go back to the queue."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)


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
