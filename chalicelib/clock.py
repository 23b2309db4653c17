"""The one clock of the service: every "now" is read here.

Modules call `clock.now()` (never `from chalicelib.clock import now`), so a test that stands the
service at 22:30 or freezes a throttle window patches ONE attribute, `chalicelib.clock.now`, and
every stamp, lease, window and quiet hour moves with it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def epoch() -> int:
    """The current instant in whole seconds since the epoch (TTLs, leases, validity, quota windows)."""
    return int(now().timestamp())


def now_iso() -> str:
    """The current instant as the API and the table show it: ISO 8601 in UTC, to the second."""
    return now().isoformat(timespec="seconds")
