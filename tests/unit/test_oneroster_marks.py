"""OneRoster results on our scale, without I/O: a score becomes a mark of five, a category the kind
of work (chalicelib/domain/oneroster.py); whole packages: tests/functional/test_oneroster.py."""

from __future__ import annotations

import pytest

from chalicelib.domain import oneroster


@pytest.mark.parametrize(("score", "maximum", "mark"), [
    (5, 5, 5), (3, None, 3), (4.5, 5, 5), (73, 100, 4), (100, 100, 5), (10, 100, 1), (1, 100, 1), (7, 10, 4),
])
def test_scores_become_marks_on_the_five_point_scale(score, maximum, mark):
    assert oneroster.score_to_mark(score, maximum) == mark


def test_categories_pick_the_kind_of_work():
    assert [oneroster.work_kind(t) for t in ("Контрольная работа", "Quiz", "Домашнее задание", "Разное", None)] == [
        "control", "test", "homework", "other", "classwork"]
