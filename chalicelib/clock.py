"""The time as the whole service counts it: epoch seconds for validity and TTL, ISO 8601 in UTC
for what is shown and stored. A leaf, so the domain and the data layer read one clock (tests
move it by patching the name where it is used)."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_iso() -> str:
    """The current instant, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def epoch() -> int:
    """Seconds since the epoch."""
    return int(time.time())


def iso_of_epoch(seconds: int | float) -> str:
    """An instant kept as epoch seconds (TTL, validity checks) as the API shows every time:
    ISO 8601 in UTC, `+00:00` (docs/api-conventions.md, "Times")."""
    return datetime.fromtimestamp(int(seconds), UTC).isoformat(timespec="seconds")
