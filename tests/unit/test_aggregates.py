"""The statistics' arithmetic (chalicelib/domain/aggregates.py): what one stream record adds to the
term aggregates, a correction or a deletion moving them by the difference, and the week pages a
batch writes. The terms are given, not read; applying to the table: tests/functional/test_statistics.py."""

from __future__ import annotations

from typing import Any

from chalicelib.dal.diary import stat_sk, week_page_key
from chalicelib.domain.aggregates import Change, deltas, grade_news, monday_of, week_pages

SCHOOL, PUPIL, CLASS, MATHS = "school-1", "pupil-1", "class-5a", "maths"


class Quarter:
    """One school's first quarter, as `aggregates.Terms` would read it."""

    def of(self, school_id: str, date: str) -> str | None:
        return "q1" if school_id == SCHOOL and "2026-09-01" <= date <= "2026-10-26" else None


def grade(value: int, weight: int = 1, date: str = "2026-09-10", **more: Any) -> dict[str, Any]:
    return {"kind": "Grade", "school_id": SCHOOL, "class_id": CLASS, "student_id": PUPIL, "subject_id": MATHS,
            "date": date, "value": value, "weight": weight, **more}


def sums(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    """What the record adds, per owner (the pupil's or the class's aggregate), all in q1's maths."""
    updates = deltas(Change("event-1", old, new), Quarter())
    assert {sk for _, sk, _ in updates} <= {stat_sk("q1", MATHS)}
    return {pk.rsplit("#", 1)[-1]: values for pk, _, values in updates}


def test_a_new_grade_adds_its_weighted_value_to_the_pupil_and_the_class():
    # 2026-09-10 is a Thursday: its week is the one of Monday 7 September
    assert sums(None, grade(4, weight=3)) == {
        PUPIL: {"sum_vw": 12, "sum_w": 3, "n": 1, "c4": 1, "wvw_2026-09-07": 12, "ww_2026-09-07": 3},
        CLASS: {f"vw_{PUPIL}": 12, f"w_{PUPIL}": 3},
    }


def test_a_grade_without_a_weight_weighs_one():
    assert sums(None, {**grade(5), "weight": None})[PUPIL]["sum_w"] == 1


def test_a_correction_moves_the_sums_by_the_difference_only():
    # 4 → 5 at weight 2: Σvw +2, the 4 becomes a 5, the count and the weights stay
    assert sums(grade(4, weight=2), grade(5, weight=2)) == {
        PUPIL: {"sum_vw": 2, "c4": -1, "c5": 1, "wvw_2026-09-07": 2},
        CLASS: {f"vw_{PUPIL}": 2},
    }
    # a weight changed from 1 to 3 on a 5
    assert sums(grade(5), grade(5, weight=3))[PUPIL] == {"sum_vw": 10, "sum_w": 2, "wvw_2026-09-07": 10,
                                                          "ww_2026-09-07": 2}


def test_a_correction_that_changes_nothing_counted_moves_nothing():
    assert sums(grade(4, remark=None), grade(4, remark="Молодец")) == {}


def test_a_deletion_takes_its_part_back_out():
    assert sums(grade(3, weight=2), None) == {
        PUPIL: {"sum_vw": -6, "sum_w": -2, "n": -1, "c3": -1, "wvw_2026-09-07": -6, "ww_2026-09-07": -2},
        CLASS: {f"vw_{PUPIL}": -6, f"w_{PUPIL}": -2},
    }


def test_a_grade_moved_to_another_week_leaves_one_week_for_the_other():
    moved = sums(grade(4, date="2026-09-10"), grade(4, date="2026-09-14"))[PUPIL]
    assert moved == {"wvw_2026-09-07": -4, "ww_2026-09-07": -1, "wvw_2026-09-14": 4, "ww_2026-09-14": 1}


def test_outside_every_term_nothing_is_counted():
    assert sums(None, grade(5, date="2026-10-30")) == {}  # the autumn holidays
    assert sums(None, {**grade(5), "school_id": "another-school"}) == {}


def test_attendance_counts_the_mark_and_whether_it_was_excused():
    mark = {"kind": "AttendanceMark", "school_id": SCHOOL, "student_id": PUPIL, "subject_id": MATHS,
            "date": "2026-09-10", "mark": "absent", "excused": False}
    assert sums(None, mark) == {PUPIL: {"absent": 1, "unexcused": 1}}
    # excused afterwards: the absence stays, it moves from unexcused to excused
    assert sums(mark, {**mark, "excused": True}) == {PUPIL: {"unexcused": -1, "excused": 1}}


def test_a_lesson_held_counts_for_the_class_and_a_cancelled_one_does_not():
    lesson = {"kind": "Lesson", "school_id": SCHOOL, "class_id": CLASS, "subject_id": MATHS, "date": "2026-09-10"}
    assert sums(None, lesson) == {CLASS: {"l_2026-09-10": 1}}
    assert sums(None, {**lesson, "cancelled": True}) == {}
    assert sums(lesson, {**lesson, "cancelled": True}) == {CLASS: {"l_2026-09-10": -1}}


def test_other_records_are_not_statistics():
    assert sums(None, {"kind": "Homework", "school_id": SCHOOL, "subject_id": MATHS, "date": "2026-09-10"}) == {}
    assert sums(None, {**grade(5), "subject_id": None}) == {}


def test_the_school_week_begins_on_monday():
    assert [monday_of(d) for d in ("2026-09-07", "2026-09-13", "2026-09-14", "2026-01-01")] == [
        "2026-09-07", "2026-09-07", "2026-09-14", "2025-12-29"]


def test_a_batch_sets_and_removes_week_page_entries_the_last_record_winning():
    posted = {**grade(5), "PK": f"STUDENT#{PUPIL}", "grade_id": "g-1", "lesson_id": "l-1", "work_kind": "test"}
    corrected = {**posted, "value": 4}
    pages = week_pages([Change("e1", None, posted), Change("e2", posted, corrected)])
    [(key, entries)] = pages.items()
    assert key == week_page_key(posted["PK"], "2026-09-07")
    assert entries == {"G#g-1": {"grade_id": "g-1", "lesson_id": "l-1", "date": "2026-09-10", "value": 4, "weight": 1,
                                 "work_kind": "test", "remark": None}}
    # deleted in the same batch: the entry is removed
    assert week_pages([Change("e1", None, posted), Change("e3", posted, None)])[key] == {"G#g-1": None}


def test_grade_news_is_a_grade_posted_or_taken_away_never_a_correction():
    posted = {**grade(5), "grade_id": "g-1"}
    assert grade_news([Change("e1", None, posted)]) == {PUPIL: {"g-1": True}}
    assert grade_news([Change("e2", posted, None)]) == {PUPIL: {"g-1": False}}
    assert grade_news([Change("e3", posted, {**posted, "value": 4})]) == {}
