"""Send quotas: counters of one fixed window each, taken together or not at all.

A counter is a RateCounter item (PK=RATE#<whose>, SK=<quota>#<window number>, TTL). Taking
increments every counter of a request in one transaction whose conditions say "still under its
limit", so parallel requests can never pass a limit and a refused request counts nowhere.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.dal.keys import quota_window_key
from chalicelib.dal.models import RateCounter
from chalicelib.dal.store import connection, storing

KEEP_AFTER_WINDOW = timedelta(hours=1)
CONTENDED_TRIES = 4  # DynamoDB cancels a transaction that races another on the same item


@dataclass(frozen=True)
class Window:
    """One counter: whose sends, which quota, which window, its limit and when the window ends."""

    whose: str
    quota: str
    number: int
    limit: int
    ends: int


def counter_key(window: Window) -> tuple[str, str]:
    """Where a window's counter is stored."""
    return quota_window_key(window.whose, window.quota, window.number)


def take(windows: list[Window]) -> list[Window] | None:
    """Count one send in every window if none is full; returns the full windows ([] when counted,
    nothing counted otherwise), or None when other requests kept winning the race for them."""
    for attempt in range(CONTENDED_TRIES):
        with storing():
            try:
                with TransactWrite(connection=connection()) as tx:
                    for window in windows:
                        pk, sk = counter_key(window)
                        expires = datetime.fromtimestamp(window.ends, UTC) + KEEP_AFTER_WINDOW
                        tx.update(RateCounter(pk, sk),
                                  actions=[RateCounter.times.add(1), RateCounter.expires_at.set(expires)],
                                  condition=RateCounter.times.does_not_exist() | (RateCounter.times < window.limit))
                return []
            except TransactWriteError as error:
                reasons = list(error.cancellation_reasons or [])
                full = [w for w, r in zip(windows, reasons, strict=False)
                        if r is not None and r.code == "ConditionalCheckFailed"]
                if full:
                    return full
                if not any(r is not None and r.code == "TransactionConflict" for r in reasons):
                    raise
        time.sleep(random.uniform(0.02, 0.08) * (attempt + 1))  # noqa: S311 - jitter, not a secret
    return None


def used(window: Window) -> int:
    """How many sends a window has counted (tests and operators)."""
    pk, sk = counter_key(window)
    with storing():
        try:
            return int(RateCounter.get(pk, sk, consistent_read=True).times)
        except RateCounter.DoesNotExist:
            return 0
