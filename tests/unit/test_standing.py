"""The child's standing in the class from the stream's class aggregate (chalicelib/domain/diary.py
`standing`, chalicelib/domain/standing.py): each classmate's weighted average from their sums, then
rank, percentile, class average and distribution. What small groups withhold:
tests/unit/test_security_stats_rules.py; the page: tests/functional/test_security_stats.py."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.diary import standing
from chalicelib.domain.standing import group_averages, in_words


def aggregate(**sums: tuple[int, int]) -> dict[str, int]:
    """A class × subject × term aggregate: Σ(value·weight) and Σ(weight) per student, and lessons held."""
    item = {"l_2026-09-10": 1, "l_2026-09-14": 1}
    for student, (vw, w) in sums.items():
        item.update({f"vw_{student}": vw, f"w_{student}": w})
    return item


def test_each_classmates_average_is_weighted_and_rounded_like_the_childs():
    # 5·2 + 4 + 3 over 4 = 4.25; 9/2 = 4.50; a student whose only grade was deleted (0/0) is not in the group
    averages = group_averages(aggregate(anna=(17, 4), boris=(9, 2), vera=(0, 0)))
    assert averages == {"anna": Decimal("4.25"), "boris": Decimal("4.50")}


def test_the_standing_of_a_child_among_five_graded_classmates():
    item = aggregate(child=(17, 4), anna=(10, 2), boris=(5, 2), vera=(12, 4), gleb=(8, 2))
    # averages 4.25 (the child), 5.00, 2.50, 3.00, 4.00: one above the child
    found = standing(item, "child")
    assert found is not None
    assert (found["rank"], found["of"], found["percentile"], found["withheld"]) == (2, 5, 75, None)
    assert found["class_average"] == 3.8  # 18.75 / 5 = 3.75, half up to 0.1
    # projected marks 4, 5, 3, 3, 4: no bucket reaches three students, so none is shown
    assert found["distribution"] == dict.fromkeys("12345")
    assert found["summary"] == "2-е место из 5: средний балл не ниже, чем у 75 % одноклассников"
    english = standing(item, "child", "en")
    assert english is not None
    assert english["summary"] == "2nd of 5: an average as high as or higher than 75% of classmates'"


def test_a_child_not_yet_graded_has_no_standing_and_an_empty_aggregate_none_either():
    assert standing(aggregate(anna=(10, 2)), "child") is None
    assert standing(None, "child") is None


def test_english_places_take_their_ordinal_endings():
    places = [in_words({"rank": r, "of": 200, "percentile": 50}, "en").split(" ", 1)[0]
              for r in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert places == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th",
                      "112th"]
