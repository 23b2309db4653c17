"""How repeated failed logins are slowed and then locked out (pure rules, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

WINDOW = timedelta(minutes=15)
MAX_DELAY_SECONDS = 30
LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Policy:
    """Where slowing starts and lockout begins for one kind of key."""

    scope: str
    free_failures: int
    lock_after: int


# Mistypes are human: the first few cost nothing. A client (one IP) may be a whole
# school behind one NAT, so it gets far more room than a single account.
ACCOUNT = Policy("account", free_failures=3, lock_after=10)
CLIENT = Policy("client", free_failures=20, lock_after=100)


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead, and if not why and for how long."""

    allowed: bool
    code: str = ""
    retry_after: int = 0


def judge(policy: Policy, failures: int, last_failure_at: int, locked_until: int, now: int) -> Verdict:
    """Decide on an attempt given the recorded failures."""
    if locked_until > now:
        return Verdict(False, "account_locked", locked_until - now)
    if now - last_failure_at > WINDOW.total_seconds():
        return Verdict(True)
    if failures >= policy.free_failures:
        delay = min(2 ** (failures - policy.free_failures), MAX_DELAY_SECONDS)
        wait = last_failure_at + delay - now
        if wait > 0:
            return Verdict(False, "too_many_attempts", wait)
    return Verdict(True)


def is_stale(last_failure_at: int, now: int) -> bool:
    """Failures older than the window are forgotten."""
    return now - last_failure_at > WINDOW.total_seconds()


def lock_until(policy: Policy, failures: int, now: int) -> int | None:
    """When the failure count reaches the policy's limit, the moment the lock ends."""
    return now + LOCK_SECONDS if failures >= policy.lock_after else None
