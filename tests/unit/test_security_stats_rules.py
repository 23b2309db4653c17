"""Statistics in small groups, the rules without I/O: nothing comparative below the minimum group
size, nothing that gives one classmate's average away above it (docs/security.md, "Statistics in
small groups"); the page itself: tests/functional/test_security_stats.py."""

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

COMPARATIVE = ("rank", "of", "percentile", "class_average", "distribution")


def group(*averages: str) -> dict[str, Decimal]:
    """The child ("child") first, then classmates."""
    return {("child" if i == 0 else f"mate-{i}"): Decimal(a) for i, a in enumerate(averages)}


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
