"""How much mail and SMS one person may send to addresses they do not own (pure policy and one
call to count it). Limits are fixed windows: at a window's edge up to twice a limit may pass
within a short time, which the longer window (a day) bounds."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import clock
from chalicelib.dal import quotas as store
from chalicelib.errors import TooManyAttemptsError

HOUR, DAY = 3600, 86_400


@dataclass(frozen=True)
class Quota:
    """At most `times` sends per `seconds` (a fixed window) for one sender or one target."""

    name: str
    times: int
    seconds: int


# A family invites a handful of relatives and a tutor; hundreds are a mail bomb.
INVITATIONS_PER_PARENT_HOUR = Quota("INVITATIONS-HOUR", 10, HOUR)
INVITATIONS_PER_PARENT_DAY = Quota("INVITATIONS-DAY", 30, DAY)
INVITATIONS_PER_CHILD_DAY = Quota("INVITATIONS-CHILD-DAY", 20, DAY)
# Each code is a paid SMS to a number nobody has confirmed yet: few per account and per number.
PHONE_CODES_PER_ACCOUNT_HOUR = Quota("PHONE-CODES-HOUR", 3, HOUR)
PHONE_CODES_PER_ACCOUNT_DAY = Quota("PHONE-CODES-DAY", 10, DAY)
PHONE_CODES_PER_NUMBER_DAY = Quota("PHONE-CODES-NUMBER-DAY", 5, DAY)


def windows(charges: list[tuple[Quota, str]], at: int) -> list[store.Window]:
    """The counters a send is charged to: one per (quota, whose), in the window holding `at`."""
    return [store.Window(whose, quota.name, at // quota.seconds, quota.times, (at // quota.seconds + 1) * quota.seconds)
            for quota, whose in charges]


def spend(code: str, *charges: tuple[Quota, str]) -> None:
    """Count one send against every charge, all or none; refused with 429 `code` and Retry-After
    (until the fullest window ends) when any of them is used up."""
    at = clock.epoch()  # tests stand the one clock still, so no window edge falls inside a test
    full = store.take(windows(list(charges), at))
    if full is None:
        raise TooManyAttemptsError(retry_after=1, code=code)
    if full:
        raise TooManyAttemptsError(retry_after=max(1, max(w.ends for w in full) - at), code=code)
# Access codes (domain/access_codes.py). Every redeem is counted before any code is compared,
# whichever code it is aimed at: 20 guesses a day at 32^8 codes find one by chance about once in
# 5 * 10^10 days. Each code has its own 5 tries on top (domain/children.py).
ACCESS_CODE_GUESSES_PER_ACCOUNT_HOUR = Quota("ACCESS-CODE-GUESSES-HOUR", 10, HOUR)
ACCESS_CODE_GUESSES_PER_ACCOUNT_DAY = Quota("ACCESS-CODE-GUESSES-DAY", 20, DAY)
# A new code is an email to the code's holder: a few per code, and per person asking (a parent,
# an invitee, an administrator at the desk).
NEW_ACCESS_CODES_PER_CODE_DAY = Quota("NEW-ACCESS-CODES-CODE-DAY", 3, DAY)
NEW_ACCESS_CODES_PER_ACCOUNT_HOUR = Quota("NEW-ACCESS-CODES-HOUR", 5, HOUR)
NEW_ACCESS_CODES_PER_ACCOUNT_DAY = Quota("NEW-ACCESS-CODES-DAY", 20, DAY)
