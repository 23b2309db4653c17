"""Unit tests of the failed-login rules (no I/O)."""

from __future__ import annotations

from chalicelib.domain import throttle

NOW = 1_800_000_000


def test_first_failures_are_free():
    assert throttle.judge(throttle.ACCOUNT, 2, NOW - 1, 0, NOW).allowed


def test_delay_doubles_after_free_failures_and_is_capped():
    assert throttle.judge(throttle.ACCOUNT, 3, NOW, 0, NOW).retry_after == 1
    assert throttle.judge(throttle.ACCOUNT, 5, NOW, 0, NOW).retry_after == 4
    assert throttle.judge(throttle.ACCOUNT, 9, NOW, 0, NOW).retry_after == 30
    assert throttle.judge(throttle.ACCOUNT, 5, NOW - 4, 0, NOW).allowed


def test_lock_starts_at_the_limit_and_ends_after_fifteen_minutes():
    assert throttle.lock_until(throttle.ACCOUNT, 9, NOW) is None
    until = throttle.lock_until(throttle.ACCOUNT, 10, NOW)
    assert until == NOW + 900
    verdict = throttle.judge(throttle.ACCOUNT, 10, NOW, until, NOW + 60)
    assert (verdict.allowed, verdict.code, verdict.retry_after) == (False, "account_locked", 840)
    assert throttle.judge(throttle.ACCOUNT, 10, NOW, until, until + 1).allowed


def test_a_client_gets_more_room_than_an_account():
    assert throttle.judge(throttle.CLIENT, 10, NOW, 0, NOW).allowed
    assert throttle.lock_until(throttle.CLIENT, 50, NOW) is None


def test_old_failures_are_forgotten():
    assert throttle.judge(throttle.ACCOUNT, 9, NOW - 16 * 60, 0, NOW).allowed
    assert throttle.is_stale(NOW - 16 * 60, NOW)


def test_an_attempt_is_counted_as_a_failure_and_locks_at_the_limit():
    assert throttle.after_failure(throttle.ACCOUNT, 2, NOW - 1, NOW) == (3, 0)
    assert throttle.after_failure(throttle.ACCOUNT, 9, NOW - 1, NOW) == (10, NOW + 900)
    assert throttle.after_failure(throttle.ACCOUNT, 9, NOW - 16 * 60, NOW) == (1, 0)  # stale: afresh


def test_a_quota_window_is_fixed_and_ends_on_its_boundary():
    index, ends = throttle.MAIL_TO_ADDRESS.window(NOW)
    assert ends - 3600 <= NOW < ends and ends % 3600 == 0
    assert throttle.MAIL_TO_ADDRESS.window(ends) == (index + 1, ends + 3600)
