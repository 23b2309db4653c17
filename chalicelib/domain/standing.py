"""The child's standing among the graded classmates of one subject and term, and when it is withheld.

A group is the students of the class with at least one grade in the subject that term, the child
included. Any figure over a group says something about its members: with 2 students a class
average of 3.5 beside the child's own 5 gives the other child's 2.0. So:

- below MIN_GROUP_SIZE members nothing comparative is shown (no rank, percentile, class average
  or distribution), only why (`withheld`);
- ties are not published: rank counts those strictly above, and the percentile is the share of
  the others not above the child, so rank and percentile together never tell how many share
  the child's average (with "0 % below, rank 1" a group all tied would give away every average).
  The two are one figure said twice, (of − rank)/(of − 1), and `summary` says it in words:
  «2-е место из 5: средний балл не ниже, чем у 75 % одноклассников» (never "higher than": with
  ties that would be untrue, and the share strictly below would count the ties);
- the class average is rounded to CLASS_AVERAGE_STEP, coarser than any child's average, so it
  gives the sum of the others only to within ±n·0.05 (at 0.01, a class average of 5.00 would say
  every classmate has 5.00);
- a distribution bucket holding fewer than MIN_BUCKET_SIZE students (none included) is shown as
  null, so a lone classmate's mark never shows; when the hidden counts could still be worked out
  from the group size, the smallest shown bucket is hidden too; and when, taking the child out,
  every classmate would show in one bucket (a class all at 5 but the child), all are hidden.

Everything here is pure: averages in, the page's figures out.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chalicelib import i18n
from chalicelib.domain.grade_math import average, projected

MIN_GROUP_SIZE = 5
MIN_BUCKET_SIZE = 3
CLASS_AVERAGE_STEP = Decimal("0.1")
MARKS = ("1", "2", "3", "4", "5")
GROUP_TOO_SMALL = "group_too_small"


def group_averages(class_item: Mapping[str, Any]) -> dict[str, Decimal]:
    """Each graded student's average, from the class × subject × term aggregate."""
    averages: dict[str, Decimal] = {}
    for key, weight in class_item.items():
        if key.startswith("w_") and int(weight) > 0:
            avg = average(class_item.get(f"vw_{key[2:]}", 0), weight)
            if avg is not None:
                averages[key[2:]] = avg
    return averages


def withheld_reason(group_size: int) -> str | None:
    """Why nothing comparative may be shown for a group of this size, or None when it may."""
    return GROUP_TOO_SMALL if group_size < MIN_GROUP_SIZE else None


def rank(mine: Decimal, others: list[Decimal]) -> int:
    """1 + how many are strictly above: equal averages share the better rank."""
    return 1 + sum(a > mine for a in others)


def percentile(rank_: int, group_size: int) -> int:
    """The share (%) of the others the child is not below: follows from rank and size alone."""
    return round(100 * (group_size - rank_) / (group_size - 1)) if group_size > 1 else 100


def class_average(averages: list[Decimal]) -> Decimal:
    """The mean of the group's averages, rounded half up to CLASS_AVERAGE_STEP."""
    return (sum(averages, Decimal(0)) / len(averages)).quantize(CLASS_AVERAGE_STEP, rounding=ROUND_HALF_UP)


def distribution(averages: list[Decimal], mine: Decimal) -> dict[str, int | None]:
    """How many averages point to each mark; counts below MIN_BUCKET_SIZE (zero too) are null,
    and all are when the child's classmates would all show in one bucket."""
    counts = dict.fromkeys(MARKS, 0)
    for avg in averages:
        counts[str(projected(avg))] += 1
    hidden = {m for m, c in counts.items() if c < MIN_BUCKET_SIZE}
    while _recoverable([counts[m] for m in hidden]) and len(hidden) < len(MARKS):
        hidden.add(min((m for m in MARKS if m not in hidden), key=lambda m: (counts[m], m)))
    if _uniform_to_the_child(counts, hidden, str(projected(mine))):
        hidden = set(MARKS)
    return {m: None if m in hidden else c for m, c in counts.items()}


def _recoverable(hidden: list[int]) -> bool:
    # The group size minus the shown counts is the hidden total: one hidden bucket holds all of
    # it, and hidden buckets all at the largest hidden count are the only way to reach that total.
    total = sum(hidden)
    return total > 0 and (len(hidden) == 1 or total == (MIN_BUCKET_SIZE - 1) * len(hidden))


def _uniform_to_the_child(counts: dict[str, int], hidden: set[str], own: str) -> bool:
    # Taking itself out, the child sees where its classmates are: all in one shown bucket
    # (none left for the hidden ones) would tell every classmate's projected mark.
    classmates = {m: c - (m == own) for m, c in counts.items()}
    shown_with_classmates = [m for m in MARKS if m not in hidden and classmates[m] > 0]
    return len(shown_with_classmates) == 1 and sum(classmates[m] for m in hidden) == 0


def _ordinal(place: int, lang: str) -> str:
    if lang == i18n.EN:
        suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
        return f"{place}{suffix}"
    return str(place)  # «2-е место»: the ending is in the sentence


def in_words(standing: Mapping[str, Any], lang: str) -> str:
    """The standing as a parent reads it, in the reader's language: the place, and the share of
    classmates whose average is not above the child's (the percentile); or why it is withheld."""
    if standing.get("withheld"):
        return i18n.message("standing_withheld", lang, min=standing["min_group_size"])
    share = int(standing["percentile"])
    code = "standing_not_below_all" if share == 100 else "standing_not_below" if share > 0 else "standing_place"
    return i18n.message(code, lang, place=_ordinal(int(standing["rank"]), lang), of=standing["of"], percent=share)


def class_standing(averages: Mapping[str, Decimal], student_id: str, lang: str = i18n.RU) -> dict[str, Any] | None:
    """The child's standing among the graded students; None when the child has no grade yet."""
    mine = averages.get(student_id)
    if mine is None:
        return None
    limits = {"min_group_size": MIN_GROUP_SIZE, "min_bucket_size": MIN_BUCKET_SIZE}
    reason = withheld_reason(len(averages))
    if reason:
        found: dict[str, Any] = {"rank": None, "of": None, "percentile": None, "class_average": None,
                                 "distribution": None, "withheld": reason, **limits}
    else:
        others = [a for who, a in averages.items() if who != student_id]
        place = rank(mine, others)
        found = {"rank": place, "of": len(averages), "percentile": percentile(place, len(averages)),
                 "class_average": float(class_average(list(averages.values()))),
                 "distribution": distribution(list(averages.values()), mine), "withheld": None, **limits}
    return {**found, "summary": in_words(found, lang)}
