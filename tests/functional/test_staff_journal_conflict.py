"""The class journal's conflicts (issue 15): a stale edit's 409 names the record as it is now, so the
teacher's grid can show both values and let the teacher choose; "put mine" is a PATCH at that version."""

from __future__ import annotations

from tests.functional.test_journal import delete, put, school  # noqa: F401 (the fixture)
from tests.journeys import get, patch, post


def test_a_stale_grade_edit_names_the_grade_as_it_is_now_and_mine_wins_at_that_version(client, school):  # noqa: F811
    teacher = school["teacher"]
    grade = post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 3},
                 teacher).json_body
    path = f"/schools/{school['id']}/students/{school['pupil']}/grades/{grade['grade_id']}"
    assert patch(client, path, {"value": 4, "version": 1}, teacher).status_code == 200  # the other screen
    stale = patch(client, path, {"value": 2, "version": 1}, teacher)
    assert stale.status_code == 409
    error = stale.json_body["error"]
    assert error["code"] == "stale_version" and error["field"] == "version"
    assert (error["current"]["value"], error["current"]["version"], error["current"]["grade_id"]) == (
        4, 2, grade["grade_id"])
    # nothing was written by the refused edit
    assert [e["action"] for e in get(client, f"{path}/history", teacher).json_body["items"]] == [
        "created", "corrected"]
    # "put mine": the same edit at the version the conflict named
    mine = patch(client, path, {"value": 2, "version": error["current"]["version"]}, teacher)
    assert (mine.status_code, mine.json_body["value"], mine.json_body["version"]) == (200, 2, 3)
    # a stale deletion is refused the same way, with the grade as it is now
    gone = delete(client, f"{path}?version=2", teacher)
    assert gone.status_code == 409 and gone.json_body["error"]["current"]["value"] == 2


def test_a_stale_attendance_change_names_the_mark_as_it_is_now(client, school):  # noqa: F811
    path = f"{school['lesson_path']}/attendance/{school['pupil']}"
    assert put(client, path, {"mark": "absent"}, school["teacher"]).status_code == 200
    assert put(client, path, {"mark": "late", "minutes_late": 5, "version": 1}, school["teacher"]).status_code == 200
    stale = put(client, path, {"mark": "absent", "version": 1}, school["teacher"])
    assert stale.status_code == 409
    assert (stale.json_body["error"]["current"]["mark"], stale.json_body["error"]["current"]["version"]) == ("late", 2)

