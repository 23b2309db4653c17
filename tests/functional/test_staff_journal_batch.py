"""A lesson's column in one call (issue 15): PUT …/lessons/{l}/grades. Each item is its own write
with its own outcome — posted, corrected, marked, or refused with a clear code (a stale version's 409
names the record as it is now) — and a refused item writes nothing while the others stand."""

from __future__ import annotations

import json

from tests.functional.test_journal import put, school  # noqa: F401 (the fixture)
from tests.journeys import get, patch, post


def _column(client, school, items, token):  # noqa: F811
    return put(client, f"{school['lesson_path']}/grades", {"items": items}, token)


def test_a_column_in_one_call_each_item_on_its_own(client, school):  # noqa: F811
    teacher = school["teacher"]
    from chalicelib.dal import journal as store

    # A pupil of another class refuses the whole column, before anything is written
    stranger = _column(client, school, [{"student_id": school["pupil"], "value": 5},
                                        {"student_id": school["stranger"], "value": 4}], teacher)
    assert (stranger.status_code, stranger.json_body["error"]["code"], stranger.json_body["error"]["field"]) == (
        404, "student_not_in_class", "items.1.student_id")
    assert store.student_days(school["pupil"], "2026-09-01", "2026-09-30") == []
    answer = _column(client, school, [
        {"student_id": school["pupil"], "value": 5, "remark": "Отлично"},
        {"student_id": school["pupil"], "grade_id": "2026-09-07-nope", "value": 4, "version": 1},  # no such grade
        {"student_id": school["pupil"], "mark": "late"},
    ], teacher)
    assert answer.status_code == 200, answer.body
    posted, refused, marked = answer.json_body["items"]
    assert (posted["status"], posted["grade"]["value"], posted["grade"]["version"]) == (201, 5, 1)
    assert (refused["status"], refused["code"]) == (404, "grade_not_found")
    assert refused["message"] and refused.get("grade") is None
    assert (marked["status"], marked["attendance"]["mark"]) == (200, "late")
    # the refused item wrote nothing; the others stand
    assert len(store.student_days(school["pupil"], "2026-09-01", "2026-09-30")) == 2

    # Corrections: one at the version read, one stale (another teacher's screen changed it meanwhile)
    path = f"/schools/{school['id']}/students/{school['pupil']}/grades/{posted['grade']['grade_id']}"
    assert patch(client, path, {"value": 4, "version": 1}, teacher).status_code == 200
    again = _column(client, school, [
        {"student_id": school["pupil"], "grade_id": posted["grade"]["grade_id"], "value": 2, "version": 1},
        {"student_id": school["pupil"], "mark": "absent", "version": 1},
    ], teacher).json_body["items"]
    assert (again[0]["status"], again[0]["code"]) == (409, "stale_version")
    assert (again[0]["current"]["value"], again[0]["current"]["version"]) == (4, 2)
    assert (again[1]["status"], again[1]["attendance"]["mark"], again[1]["attendance"]["version"]) == (200, "absent", 2)
    assert get(client, path + "/history", teacher).json_body["items"][-1]["after"] == {"value": 4}
    mine = _column(client, school, [{"student_id": school["pupil"], "grade_id": posted["grade"]["grade_id"],
                                      "value": 2, "version": 2}], teacher).json_body["items"][0]
    assert (mine["status"], mine["grade"]["value"], mine["grade"]["version"]) == (200, 2, 3)


def test_a_column_is_refused_whole_when_malformed_or_not_the_callers(client, school):  # noqa: F811
    both = _column(client, school, [{"student_id": school["pupil"], "value": 5, "mark": "absent"}], school["teacher"])
    assert both.status_code == 422
    unversioned = _column(client, school, [{"student_id": school["pupil"], "grade_id": "2026-09-07-x", "value": 5}],
                          school["teacher"])
    assert unversioned.status_code == 422
    assert _column(client, school, [], school["teacher"]).status_code == 422
    other = _column(client, school, [{"student_id": school["pupil"], "value": 5}], school["other_teacher"])
    assert (other.status_code, json.loads(other.body)["error"]["code"]) == (403, "not_your_class")
    from chalicelib.dal import journal as store

    assert store.student_days(school["pupil"], "2026-09-01", "2026-09-30") == []
    assert post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 3},
                school["teacher"]).status_code == 201  # the single route stands beside it
