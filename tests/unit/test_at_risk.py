"""Who the teacher's journal marks at risk (chalicelib/domain/gradebook.py): a weighted average
below 3.0, or absent from 30 % or more of the lessons held so far; the page: tests/functional/test_diary.py."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.diary import average
from chalicelib.domain.gradebook import risk_reasons


def test_an_average_below_three_is_at_risk_and_three_itself_is_not():
    assert risk_reasons(Decimal("2.99"), 0, 10) == ["low_average"]
    assert risk_reasons(Decimal("3.00"), 0, 10) == []
    # A 2 of weight 2 and a 4 of weight 1: (2·2 + 4) / 3 = 2.67, at risk though one mark is good
    assert risk_reasons(average(2 * 2 + 4, 3), 0, 10) == ["low_average"]
    # The same marks with the 4 weighing 2: (2 + 4·2) / 3 = 3.33, not at risk
    assert risk_reasons(average(2 + 4 * 2, 3), 0, 10) == []


def test_a_student_without_grades_is_not_at_risk_for_the_average():
    assert risk_reasons(None, 0, 10) == []


def test_absent_from_thirty_percent_of_the_lessons_held_is_at_risk():
    assert risk_reasons(Decimal("4.50"), 3, 10) == ["absences"]  # exactly 30 %
    assert risk_reasons(Decimal("4.50"), 2, 10) == []
    assert risk_reasons(Decimal("4.50"), 1, 3) == ["absences"]  # 33 %
    assert risk_reasons(Decimal("4.50"), 2, 7) == []  # 28.6 %


def test_absences_count_against_lessons_held_only():
    # Nothing held yet (the term's first lesson is tomorrow): no share, whatever is marked
    assert risk_reasons(Decimal("4.00"), 1, 0) == []


def test_both_reasons_are_given_low_average_first():
    assert risk_reasons(Decimal("2.50"), 4, 10) == ["low_average", "absences"]
