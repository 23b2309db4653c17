"""The one clock of the service: every "now" is read here.

Modules call `clock.now()` (never `from chalicelib.clock import now`), so a test that stands the
service at 22:30 or freezes a throttle window patches ONE attribute, `chalicelib.clock.now`, and
every stamp, lease, window and quiet hour moves with it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_last_stamp = [datetime.min.replace(tzinfo=UTC)]
_stamping = threading.Lock()


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def epoch() -> int:
    """The current instant in whole seconds since the epoch (TTLs, leases, validity, quota windows)."""
    return int(now().timestamp())


def now_iso() -> str:
    """The current instant as the API and the table show it: ISO 8601 in UTC, to the second."""
    return now().isoformat(timespec="seconds")


def ordered_stamp() -> str:
    """Now to the microsecond, strictly later than the last stamp this process gave: sort keys
    built of it (audit entries, messages) keep the order things happened in, even while a test
    stands the clock still or moves it back."""
    with _stamping:
        at = max(now(), _last_stamp[0] + timedelta(microseconds=1))
        _last_stamp[0] = at
    return at.isoformat(timespec="microseconds")


def iso_of_epoch(seconds: int | float) -> str:
    """An instant kept as epoch seconds (TTL, validity checks) as the API shows every time:
    ISO 8601 in UTC, `+00:00` (docs/api-conventions.md, "Times")."""
    return datetime.fromtimestamp(int(seconds), UTC).isoformat(timespec="seconds")
