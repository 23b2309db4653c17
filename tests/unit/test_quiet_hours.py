"""When an alert may leave (chalicelib/domain/alert_rules.py): quiet hours on the school's clock,
which may cross midnight, the evening digest, and the quarter-hour slots held SMS wait in."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.alert_rules import digest_due, in_quiet_hours, slot_of, slots_until, sms_due

NIGHT = ("21:00", "08:00")  # the default
MOSCOW = "Europe/Moscow"  # UTC+3 all year


def at(hour: int, minute: int = 0, day: int = 7, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def wall(hour: int, minute: int = 0) -> datetime:
    """A time on the school's clock."""
    return datetime(2026, 9, 7, hour, minute)


def test_quiet_hours_across_midnight_hold_from_their_start_to_just_before_their_end():
    quiet = {f"{h:02d}:{m:02d}": in_quiet_hours(wall(h, m), NIGHT)
             for h, m in ((20, 59), (21, 0), (23, 59), (0, 0), (7, 59), (8, 0))}
    assert quiet == {"20:59": False, "21:00": True, "23:59": True, "00:00": True, "07:59": True, "08:00": False}


def test_quiet_hours_within_a_day_and_none():
    assert [in_quiet_hours(wall(h), ("13:00", "15:00")) for h in (12, 13, 14, 15)] == [
        False, True, True, False]
    assert in_quiet_hours(wall(23), None) is False


def test_an_sms_at_night_waits_for_the_morning_of_the_schools_clock():
    # 18:00 UTC is 21:00 in Moscow, the start: held until 08:00 the next day
    assert sms_due(at(18), MOSCOW, NIGHT).isoformat() == "2026-09-08T08:00:00+03:00"
    # 21:30 UTC is already 00:30 on the 8th in Moscow: the morning of that same day
    assert sms_due(at(21, 30), MOSCOW, NIGHT).isoformat() == "2026-09-08T08:00:00+03:00"
    # 04:59 UTC is 07:59 in Moscow, held a minute; 05:00 UTC is 08:00 there and leaves at once
    assert sms_due(at(4, 59), MOSCOW, NIGHT).isoformat() == "2026-09-07T08:00:00+03:00"
    assert sms_due(at(5), MOSCOW, NIGHT) is None


def test_the_same_instant_is_night_in_one_school_and_day_in_another():
    # 10:30 UTC: 13:30 in Moscow, 20:30 in Vladivostok, 22:30 in Kamchatka
    assert sms_due(at(10, 30), MOSCOW, NIGHT) is None
    assert sms_due(at(10, 30), "Asia/Vladivostok", NIGHT) is None
    assert sms_due(at(10, 30), "Asia/Kamchatka", NIGHT).isoformat() == "2026-09-08T08:00:00+12:00"


def test_the_morning_is_eight_on_the_wall_clock_across_a_daylight_saving_change():
    # Berlin moves from +01:00 to +02:00 in the night to 29 March 2026: 22:30 on the 28th is held
    # until 08:00 summer time, 06:00 UTC (not 07:00, a day of 24 hours later)
    due = sms_due(at(21, 30, day=28, month=3), "Europe/Berlin", NIGHT)
    assert due.isoformat() == "2026-03-29T08:00:00+02:00"
    assert due.astimezone(UTC).hour == 6


def test_a_persons_own_quiet_hours_and_none_at_all():
    assert sms_due(at(19, 30), MOSCOW, ("23:00", "07:00")) is None  # 22:30 there: before their quiet hours
    assert sms_due(at(20, 30), MOSCOW, ("23:00", "07:00")).isoformat() == "2026-09-08T07:00:00+03:00"
    assert sms_due(at(21, 30), MOSCOW, None) is None


def test_the_digest_leaves_at_seven_in_the_evening_school_time():
    assert digest_due(at(15, 59), MOSCOW).isoformat() == "2026-09-07T19:00:00+03:00"
    # at 19:00 itself today's has gone: the next is tomorrow's
    assert digest_due(at(16), MOSCOW).isoformat() == "2026-09-08T19:00:00+03:00"


def test_a_held_alert_waits_in_the_next_quarter_hour_slot_never_an_earlier_one():
    assert [slot_of(at(5, m)) for m in (0, 1, 14, 15, 59)] == [
        "2026-09-07T05:00", "2026-09-07T05:15", "2026-09-07T05:15", "2026-09-07T05:15", "2026-09-07T06:00"]
    # A Moscow morning (08:00+03:00) is the 05:00 UTC slot
    assert slot_of(sms_due(at(22), MOSCOW, NIGHT)) == "2026-09-08T05:00"


def test_slots_are_released_once_begun_from_the_one_after_the_last_released():
    assert slots_until(at(5, 31), "2026-09-07T05:00") == ["2026-09-07T05:15", "2026-09-07T05:30"]
    assert slots_until(at(5, 44), "2026-09-07T05:30") == []
    # With none released yet, a day of slots (96), the last the one begun
    everything = slots_until(at(5, 31), None)
    assert (len(everything), everything[-1], everything[0]) == (96, "2026-09-07T05:30", "2026-09-06T05:45")
