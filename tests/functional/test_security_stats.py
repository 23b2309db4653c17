"""Statistics in small groups: nothing comparative below the minimum group size, nothing that
gives one classmate's average away above it (docs/security.md, "Statistics in small groups")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.standing import (
    MIN_BUCKET_SIZE,
    MIN_GROUP_SIZE,
    class_average,
    class_standing,
    distribution,
    percentile,
    rank,
)
from tests.functional.test_diary import _school_clock, school  # noqa: F401  (the same school and clock)
from tests.journeys import get, post

COMPARATIVE = ("rank", "of", "percentile", "class_average", "distribution")


def group(*averages: str) -> dict[str, Decimal]:
    """The child ("child") first, then classmates."""
    return {("child" if i == 0 else f"mate-{i}"): Decimal(a) for i, a in enumerate(averages)}


# --- the rules, without I/O -------------------------------------------------------------------


def test_the_minimum_group_is_five():
    assert (MIN_GROUP_SIZE, MIN_BUCKET_SIZE) == (5, 3)


@pytest.mark.parametrize("averages", [("5.00", "2.00"), ("5.00", "2.00", "4.00", "3.50")])
def test_below_the_minimum_nothing_comparative_is_shown_only_why(averages):
    # Given 2 students, a class average of 3.5 beside the child's own 5 would give the other's 2.0
    standing = class_standing(group(*averages), "child")
    assert standing is not None
    assert {k: standing[k] for k in COMPARATIVE} == dict.fromkeys(COMPARATIVE)
    assert (standing["withheld"], standing["min_group_size"]) == ("group_too_small", 5)


def test_from_the_minimum_on_the_standing_is_shown():
    standing = class_standing(group("4.25", "5.00", "2.50", "3.00", "4.00"), "child")
    assert standing is not None and standing["withheld"] is None
    assert (standing["rank"], standing["of"], standing["percentile"]) == (2, 5, 75)
    assert standing["class_average"] == 3.8  # 18.75 / 5 = 3.75, to 0.1 half up


def test_a_child_without_grades_has_no_standing():
    assert class_standing(group("4.00", "5.00", "3.00", "4.00", "5.00"), "somebody-else") is None


def test_ties_are_not_published():
    # All five tied at 4.00: with "share strictly below" (0 %) and rank 1, every average is known.
    tied = class_standing(group("4.00", "4.00", "4.00", "4.00", "4.00"), "child")
    above = class_standing(group("4.00", "3.00", "3.50", "2.00", "3.90"), "child")
    assert tied is not None and above is not None
    assert (tied["rank"], tied["percentile"]) == (above["rank"], above["percentile"]) == (1, 100)
    # rank and size alone decide the percentile, so together they never count the ties
    assert rank(Decimal("4.00"), [Decimal("4.00"), Decimal("4.50")]) == 2
    assert [percentile(r, 5) for r in range(1, 6)] == [100, 75, 50, 25, 0]


def test_the_class_average_is_coarser_than_any_childs():
    # At 0.01 a class of 5.00 would say every classmate has 5.00; at 0.1 only that each is above 4.75
    assert class_average([Decimal("5.00")] * 4 + [Decimal("4.76")]) == Decimal("5.0")
    assert class_average([Decimal("4.25"), Decimal("4.26")]) == Decimal("4.3")


def test_a_bucket_of_one_never_shows():
    # Twelve students: one alone at 2 beside the child's 3 would single that classmate out
    averages = [Decimal(a) for a in ("3.00", "2.00", "3.00", "3.00", "4.00", "4.00", "4.00",
                                     "5.00", "5.00", "5.00", "5.00", "5.00")]
    shown = distribution(averages, Decimal("3.00"))
    assert shown == {"1": None, "2": None, "3": 3, "4": 3, "5": 5}


def test_a_lone_hidden_count_is_hidden_with_the_next_smallest():
    # 1:3 2:3 3:3 4:1 5:4 — hiding only "4" would leave it as 14 minus the rest
    averages = [Decimal(a) for a in ["1.00"] * 3 + ["2.00"] * 3 + ["3.00"] * 3 + ["4.00"] + ["5.00"] * 4]
    shown = distribution(averages, Decimal("5.00"))
    assert shown["4"] is None and sum(v is None for v in shown.values()) >= 2
    assert shown["5"] == 4


def test_hidden_counts_all_at_the_largest_hidden_value_are_hidden_with_more():
    # 1:2 2:2 3:3 4:3 5:3 — "1" and "2" hidden hold 4 of 13: both must be 2
    averages = [Decimal(a) for a in ["1.00"] * 2 + ["2.00"] * 2 + ["3.00"] * 3 + ["4.00"] * 3 + ["5.00"] * 3]
    shown = distribution(averages, Decimal("5.00"))
    assert sum(v is None for v in shown.values()) >= 3


def test_classmates_all_at_one_mark_hide_the_whole_distribution():
    # The child at 3, the other four at 5: "5: 4" would give every classmate's term grade
    assert set(distribution([Decimal("3.00")] + [Decimal("5.00")] * 4, Decimal("3.00")).values()) == {None}
    # ...while the same bucket seen by one of those four tells only that the others are 5 or hidden
    assert distribution([Decimal("3.00")] * 3 + [Decimal("5.00")] * 3, Decimal("5.00"))["5"] == 3


# --- the statistics page ------------------------------------------------------------------------


def _standing(client, school, subject_name):  # noqa: F811
    response = get(client, f"/children/{school['child']}/statistics", school["parent"])
    assert response.status_code == 200, response.body
    return next(s for s in response.json_body["subjects"] if s["subject_name"] == subject_name)["standing"]


def test_the_page_withholds_comparisons_with_2_and_4_graded_students_and_shows_them_with_5(client, school):  # noqa: F811
    base = f"/schools/{school['id']}"

    def lesson(subject):
        made = post(client, f"{base}/classes/{school['class_id']}/lessons", {
            "date": "2026-09-16", "starts_at": "12:00" if subject == school["maths"] else "13:00",
            "ends_at": "12:45" if subject == school["maths"] else "13:45", "subject_id": subject}, school["admin"])
        assert made.status_code == 201, made.body
        return f"{base}/classes/{school['class_id']}/lessons/{made.json_body['lesson_id']}"

    def grade(lesson_path, student, value):
        made = post(client, f"{lesson_path}/grades", {"student_id": student, "value": value}, school["teacher"])
        assert made.status_code == 201, made.body

    def new_pupil(last_name):
        made = post(client, f"{base}/students", {"last_name": last_name, "first_name": "Б",
                                                  "birth_date": "2015-02-02", "class_id": school["class_id"]},
                    school["admin"])
        assert made.status_code == 201, made.body
        return made.json_body["student_id"]

    maths, russian = lesson(school["maths"]), lesson(school["russian"])
    # Given Russian graded for the child and one classmate: two students
    grade(russian, school["mates"][0], 2)
    # and maths for the child, two classmates and a newcomer: four
    grade(maths, new_pupil("Васильев"), 4)
    school["pump"].drain()
    for subject in ("Русский язык", "Математика"):
        standing = _standing(client, school, subject)
        assert {k: standing[k] for k in COMPARATIVE} == dict.fromkeys(COMPARATIVE), subject
        assert (standing["withheld"], standing["min_group_size"]) == ("group_too_small", 5)
    # When a fifth student gets a maths grade, the comparison appears
    grade(maths, new_pupil("Григорьев"), 3)
    school["pump"].drain()
    standing = _standing(client, school, "Математика")
    # Averages 4.25 (the child), 5.00, 2.50, 4.00, 3.00
    assert standing["withheld"] is None
    assert (standing["rank"], standing["of"], standing["percentile"], standing["class_average"]) == (2, 5, 75, 3.8)
    assert standing["summary"] == "2-е место из 5: средний балл не ниже, чем у 75 % одноклассников"
    assert set(standing["distribution"]) == {"1", "2", "3", "4", "5"}
