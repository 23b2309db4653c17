"""The diary's numbers without I/O: weighted average, projected term grade, attendance rate (domain/diary.py,
"Numbers, the same everywhere"); the statistics page that shows them: tests/functional/test_statistics.py."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.diary import attendance_rate, average, projected


def test_rounding_rules():
    assert average(17, 4) == Decimal("4.25") and projected(Decimal("4.25")) == 4
    assert average(9, 2) == Decimal("4.50") and projected(Decimal("4.50")) == 5
    assert average(14, 3) == Decimal("4.67") and projected(Decimal("3.49")) == 3
    assert average(0, 0) is None and projected(None) is None


def test_the_average_weighs_each_grade_by_its_weight():
    # A test 5 of weight 2 and a classwork 4 of weight 1: (5·2 + 4·1) / (2 + 1) = 14/3
    assert average(5 * 2 + 4 * 1, 2 + 1) == Decimal("4.67")
    # The same marks unweighted would be 4.50: the weight moves the average, not the count
    assert average(5 + 4, 2) == Decimal("4.50")
    # 5·2 + 2·1 + 3·3 over 2 + 1 + 3: exactly 3.50
    assert average(5 * 2 + 2 * 1 + 3 * 3, 6) == Decimal("3.50")


def test_the_average_rounds_half_up_at_the_third_decimal():
    # 33/8 = 4.125: half up gives 4.13 (a banker's rounding would give 4.12)
    assert average(33, 8) == Decimal("4.13")
    assert average(8979, 2000) == Decimal("4.49")  # 4.4895
    # Aggregates arrive from DynamoDB as Decimals: the same figures
    assert average(Decimal(33), Decimal(8)) == Decimal("4.13")


def test_no_weight_means_no_average():
    assert average(0, 0) is None and average(12, None) is None


def test_the_term_grade_rounds_the_two_decimal_average_half_up():
    assert [projected(Decimal(a)) for a in ("4.49", "4.50", "3.49", "3.50", "2.50", "1.00", "5.00")] == [
        4, 5, 3, 4, 3, 1, 5]
    # 899/200 = 4.495: the average shown is 4.50, so the grade it points to is 5, not 4
    shown = average(899, 200)
    assert (shown, projected(shown)) == (Decimal("4.50"), 5)


def test_the_term_grade_stays_on_the_five_point_scale():
    assert projected(Decimal("0.40")) == 1 and projected(Decimal("5.49")) == 5


def test_the_attendance_rate_counts_lessons_held_not_missed():
    # 3 lessons held, 1 missed: 2/3 present, to one decimal
    assert attendance_rate(3, 1) == 66.7
    assert attendance_rate(8, 1) == 87.5
    assert (attendance_rate(7, 0), attendance_rate(6, 6)) == (100.0, 0.0)
    # Before the first lesson is held there is no rate, rather than 0 % or 100 %
    assert attendance_rate(0, 0) is None
