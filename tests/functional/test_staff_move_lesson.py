"""Moving a lesson to another day («перенос урока», docs/staff.md «Timetable, events and news»): one
call makes the new lesson and cancels the old in one transaction; a graded lesson stays put; the
families are alerted of both; a stale topic or homework edit names the record as it is now."""

from __future__ import annotations

from chalicelib.domain.alert_rules import events_of_change
from tests.functional.test_journal import put, school  # noqa: F401 (the fixture)
from tests.journeys import get, patch, post

MOVE = {"date": "2026-09-09", "starts_at": "10:30", "ends_at": "11:15", "version": 1}


def week(client, school):  # noqa: F811
    base = f"/schools/{school['id']}/classes/{school['class_id']}/lessons"
    return get(client, f"{base}?from=2026-09-07&to=2026-09-13", school["admin"]).json_body["items"]


def test_a_lesson_moves_to_another_day_in_one_call(client, school):  # noqa: F811
    moved = post(client, f"{school['lesson_path']}/move", MOVE, school["admin"])
    assert moved.status_code == 200, moved.body
    new, old = moved.json_body["lesson"], moved.json_body["cancelled"]
    assert (new["date"], new["starts_at"], new["ends_at"], new["room"], new["cancelled"], new["version"]) == (
        "2026-09-09", "10:30", "11:15", "214", False, 1)
    assert new["subject_id"] == school["subject_id"] and new["lesson_id"].startswith("2026-09-09")
    assert (old["lesson_id"], old["cancelled"], old["version"]) == (school["lesson"], True, 2)
    items = {i["lesson_id"]: i for i in week(client, school)}
    assert items[school["lesson"]]["cancelled"] is True and items[new["lesson_id"]]["cancelled"] is False
    # the old one moved already: a second move at the read version is stale, with the lesson as it is now
    again = post(client, f"{school['lesson_path']}/move", MOVE, school["admin"])
    assert again.status_code == 409 and again.json_body["error"]["code"] == "stale_version"
    assert again.json_body["error"]["current"]["cancelled"] is True
    # the teacher of the subject writes the moved lesson's journal
    path = f"/schools/{school['id']}/classes/{school['class_id']}/lessons/{new['lesson_id']}"
    assert put(client, f"{path}/topic", {"topic": "Дроби"}, school["teacher"]).status_code == 200


def test_a_move_is_refused_without_writing_anything(client, school):  # noqa: F811
    path = f"{school['lesson_path']}/move"
    cases = [({**MOVE, "date": "2026-09-07"}, 400, "same_day", "date"),
             ({**MOVE, "ends_at": "10:00"}, 400, "lesson_times", "ends_at"),
             ({**MOVE, "teacher_id": "nobody"}, 404, "teacher_not_found", "teacher_id"),
             ({**MOVE, "version": 7}, 409, "stale_version", "version")]
    for body, status, code, field in cases:
        answer = post(client, path, body, school["admin"])
        assert (answer.status_code, answer.json_body["error"]["code"], answer.json_body["error"]["field"]) == (
            status, code, field), body
    assert post(client, path, {k: v for k, v in MOVE.items() if k != "date"}, school["admin"]).status_code == 422
    assert post(client, path, MOVE, school["teacher"]).status_code == 403
    # the new day's slot taken: nothing written, the old lesson not cancelled
    base = f"/schools/{school['id']}/classes/{school['class_id']}/lessons"
    assert post(client, base, {"date": "2026-09-09", "starts_at": "10:30", "ends_at": "11:15",
                               "subject_id": school["subject_id"]}, school["admin"]).status_code == 201
    taken = post(client, path, MOVE, school["admin"])
    assert (taken.status_code, taken.json_body["error"]["code"], taken.json_body["error"]["field"]) == (
        409, "lesson_exists", "date")
    items = {i["lesson_id"]: i for i in week(client, school)}
    assert (items[school["lesson"]]["cancelled"], items[school["lesson"]]["version"]) == (False, 1)
    assert len(items) == 2


def test_a_lesson_with_grades_or_attendance_stays_on_its_day(client, school):  # noqa: F811
    assert put(client, f"{school['lesson_path']}/attendance/{school['pupil']}", {"mark": "absent"},
               school["teacher"]).status_code == 200
    refused = post(client, f"{school['lesson_path']}/move", MOVE, school["admin"])
    error = refused.json_body["error"]
    assert (refused.status_code, error["code"], error["field"]) == (409, "lesson_has_marks", "date")
    assert "оценки" in error["message"]
    assert [i["cancelled"] for i in week(client, school)] == [False]
    # a move within the day is still the PATCH of before
    assert patch(client, school["lesson_path"], {"starts_at": "09:30", "ends_at": "10:15", "version": 1},
                 school["admin"]).status_code == 200


def test_both_days_alert_the_families():
    old = {"kind": "Lesson", "school_id": "s", "class_id": "c", "subject_id": "m", "lesson_id": "2026-09-07-x",
           "date": "2026-09-07", "starts_at": "08:30", "cancelled": False, "change": "created", "pk": "CLASS#c",
           "sk": "D#2026-09-07#L#2026-09-07-x"}
    cancelled = events_of_change("e1", old, {**old, "cancelled": True, "change": "cancelled"})
    new = {**old, "lesson_id": "2026-09-09-y", "date": "2026-09-09", "sk": "D#2026-09-09#L#2026-09-09-y",
           "change": "moved"}
    arrived = events_of_change("e2", None, new)
    assert [(e.kind, e.data["date"], e.data["cancelled"]) for e in cancelled + arrived] == [
        ("schedule_change", "2026-09-07", True), ("schedule_change", "2026-09-09", False)]
    assert events_of_change("e3", None, {**new, "change": "created"}) == []  # a new lesson, as before


def test_a_stale_topic_or_homework_edit_names_the_record_as_it_is_now(client, school):  # noqa: F811
    path, teacher = school["lesson_path"], school["teacher"]
    assert put(client, f"{path}/topic", {"topic": "Дроби", "version": 1}, teacher).status_code == 200
    stale = put(client, f"{path}/topic", {"topic": "Проценты", "version": 1}, teacher)
    assert stale.status_code == 409
    current = stale.json_body["error"]["current"]
    assert (current["topic"], current["version"]) == ("Дроби", 2)
    mine = put(client, f"{path}/topic", {"topic": "Проценты", "version": current["version"]}, teacher)
    assert (mine.status_code, mine.json_body["topic"]) == (200, "Проценты")
    body = {"text": "№ 12", "due_date": "2026-09-08"}
    assert put(client, f"{path}/homework", body, teacher).status_code == 200
    assert put(client, f"{path}/homework", {**body, "text": "№ 13", "version": 1}, teacher).status_code == 200
    stale = put(client, f"{path}/homework", {**body, "text": "№ 14", "version": 1}, teacher)
    assert stale.status_code == 409
    assert (stale.json_body["error"]["current"]["text"], stale.json_body["error"]["current"]["version"]) == ("№ 13", 2)
