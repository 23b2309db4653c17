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


def after_failure(policy: Policy, failures: int, last_failure_at: int, now: int) -> tuple[int, int]:
    """The count and lock to store once an admitted attempt is counted as a failure (before the
    password is even checked, so parallel attempts cannot all slip past the rules)."""
    counted = 1 if is_stale(last_failure_at, now) else failures + 1
    return counted, lock_until(policy, counted, now) or 0


# --- fixed-window quotas: how often something may happen per address or per client -----------


@dataclass(frozen=True)
class Quota:
    """At most `limit` times per fixed window of `window_seconds`, per key."""

    scope: str
    limit: int
    window_seconds: int

    def window(self, now: int) -> tuple[int, int]:
        """The window `now` falls in, and the second it ends."""
        index = now // self.window_seconds
        return index, (index + 1) * self.window_seconds


# Every registration and resend mails a code (or a notice) to the address: few per address, so
# nobody's mailbox is bombed; more per client, which may be a school's NAT.
MAIL_TO_ADDRESS = Quota("mail-to-address", limit=5, window_seconds=3600)
MAIL_FROM_CLIENT = Quota("mail-from-client", limit=20, window_seconds=3600)
# Guesses at an address's code: a new code gives fresh guesses only up to this total per day,
# so a six-digit code is found by chance at most 10 in 10^6 a day.
CODE_GUESSES = Quota("code-guesses", limit=10, window_seconds=24 * 3600)
GUESSES_PER_CODE = 5
CODE_GUESSES_FROM_CLIENT = Quota("code-guesses-from-client", limit=50, window_seconds=3600)
# "Someone tried to register with your address": the owner hears of it, but not on every try.
REGISTRATION_NOTICE = Quota("registration-notice", limit=3, window_seconds=24 * 3600)
