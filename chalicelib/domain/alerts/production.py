"""Production: the table's stream → event jobs on the alerts queue. It never happens in a request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.dal import alerts as store
from chalicelib.domain.alert_rules import events_of_change
from chalicelib.domain.alerts.jobs import EventJob


def produce(changes: Iterable[tuple[Any, ...]]) -> int:
    """Turn stream records (event id, old image, new image[, when the stream recorded it, ISO])
    into event jobs; returns how many."""
    jobs = [EventJob(event).wire()
            for event_id, old, new, *recorded in changes
            for event in events_of_change(event_id, old, new, recorded[0] if recorded else None)]
    if jobs:
        store.enqueue(jobs)
    return len(jobs)
