"""Issue 17, first-hour defects: the audit trail names people (item 6), times are ISO 8601 with an
offset (16), a lesson gets the assigned teacher (18), an upload counts rows, not items (20)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import requests

from tests.journeys import get, linked_parent, post, school_with_admin, verified_account

# --- item 16: every time in an answer is ISO 8601 with an offset ------------------------------

# Fields that name an instant. Durations (`expires_in`, seconds from now) are numbers on purpose.
TIME_FIELD = re.compile(r"(_at|_until|^since|_since)$|^expires(?!_in$)|^valid_(?!days$)")


def _types(schema: dict[str, Any]) -> set[str]:
    found = {schema["type"]} if isinstance(schema.get("type"), str) else set(schema.get("type") or ())
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []):
        found |= _types(alternative)
    return found


def test_no_response_model_declares_a_time_as_a_number(client):
    document = client.http.get("/openapi.json").json_body
    numeric = [f"{name}.{field}"
               for name, schema in document["components"]["schemas"].items()
               for field, prop in (schema.get("properties") or {}).items()
               if TIME_FIELD.search(field) and _types(prop) & {"integer", "number"}]
    assert numeric == []
    # the walk sees the fields it judges
    assert "valid_until" in document["components"]["schemas"]["InvitationOut"]["properties"]


def _times_in(answer: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(answer, dict):
        return [found for key, value in answer.items()
                for found in ([(f"{path}{key}", value)] if TIME_FIELD.search(key) else [])
                + _times_in(value, f"{path}{key}.")]
    if isinstance(answer, list):
        return [found for value in answer for found in _times_in(value, path)]
    return []


def _refuse_bad_times(answer: Any) -> list[tuple[str, Any]]:
    """The times of an answer that are numbers, or instants without an offset."""
    bad = []
    for where, value in _times_in(answer):
        if value is None or (isinstance(value, str) and re.fullmatch(r"\d\d:\d\d", value)):
            continue  # not set, or a lesson's wall-clock time ("08:30"), which is no instant
        if not isinstance(value, str) or dt.datetime.fromisoformat(value).utcoffset() is None:
            bad.append((where, value))
    return bad


def test_an_invitation_answers_when_it_lapses_as_an_iso_time_with_offset(client, pump):
    _, _, student_id, _, parent = linked_parent(client, pump)
    sent = post(client, f"/children/{student_id}/invitations",
                {"email": "tutor@example.com", "role": "tutor", "scope": ["grades"]}, parent)
    assert sent.status_code == 201, sent.body
    lapses = dt.datetime.fromisoformat(sent.json_body["valid_until"])
    assert lapses.utcoffset() == dt.timedelta(0)
    assert dt.timedelta(days=6, hours=23) < lapses - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    listed = get(client, f"/children/{student_id}/invitations", parent).json_body
    audit = get(client, f"/children/{student_id}/audit", parent).json_body
    for answer in (sent.json_body, listed, audit, get(client, "/children", parent).json_body):
        assert _refuse_bad_times(answer) == []
    assert _refuse_bad_times({"valid_until": 1_790_000_000, "created_at": "2026-09-01T08:00:00"}) == [
        ("valid_until", 1_790_000_000), ("created_at", "2026-09-01T08:00:00")]


# --- item 18: a lesson without a named teacher gets the one assigned --------------------------


@pytest.fixture
def timetable(client, pump):
    """A school with class 5А, mathematics taught there by one teacher, English by two (groups)."""
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    subjects = {name: post(client, f"{base}/subjects", {"name": name}, admin).json_body["subject_id"]
                for name in ("Математика", "Английский язык", "Музыка")}
    teachers = {}
    for name in ("Петрова Анна Сергеевна", "Смит Джон", "Браун Мэри"):
        email = verified_account(client, pump, name=name)
        teachers[name] = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
    for teacher, subject in [("Петрова Анна Сергеевна", "Математика"), ("Смит Джон", "Английский язык"),
                             ("Браун Мэри", "Английский язык")]:
        assigned = post(client, f"{base}/teachings", {"teacher_id": teachers[teacher], "class_id": class_id,
                                                      "subject_id": subjects[subject]}, admin)
        assert assigned.status_code == 201, assigned.body
    return {"lessons": f"{base}/classes/{class_id}/lessons", "admin": admin, "subjects": subjects,
            "teachers": teachers}


def _lesson(client, timetable, subject: str, starts_at: str, **extra: Any) -> dict[str, Any]:
    created = post(client, timetable["lessons"], {"date": "2026-09-07", "starts_at": starts_at, "ends_at": "23:00",
                                                  "subject_id": timetable["subjects"][subject], **extra},
                   timetable["admin"])
    assert created.status_code == 201, created.body
    return dict(created.json_body)


def test_a_lesson_gets_the_teacher_assigned_to_its_class_and_subject(client, timetable):
    maths = _lesson(client, timetable, "Математика", "08:30")
    assert maths["teacher_id"] == timetable["teachers"]["Петрова Анна Сергеевна"]
    # the teacher's own schedule has it too (the lesson is indexed under its teacher)
    listed = get(client, f"{timetable['lessons']}?from=2026-09-07&to=2026-09-07", timetable["admin"]).json_body
    assert [lesson["teacher_id"] for lesson in listed["items"]] == [maths["teacher_id"]]
    # named explicitly: the administrator's choice stands
    named = _lesson(client, timetable, "Математика", "10:30", teacher_id=timetable["teachers"]["Смит Джон"])
    assert named["teacher_id"] == timetable["teachers"]["Смит Джон"]


def test_a_lesson_with_several_or_no_assigned_teachers_is_left_without_one(client, timetable):
    assert _lesson(client, timetable, "Английский язык", "09:25")["teacher_id"] is None  # two groups: the school picks
    assert _lesson(client, timetable, "Музыка", "11:30")["teacher_id"] is None  # nobody assigned


# --- item 20: an upload reports the rows it changed ---------------------------------------------


def _upload(client, pump, school_id: str, system: str, filename: str, body: bytes) -> dict[str, Any]:
    ticket = post(client, f"/schools/{school_id}/uploads", {"filename": filename}, system)
    assert ticket.status_code == 201, ticket.body
    assert requests.put(ticket.json_body["upload_url"], data=body, timeout=10).status_code == 200
    pump.drain(timeout=60)
    return dict(get(client, f"/schools/{school_id}/uploads/{ticket.json_body['upload_id']}", system).json_body)


def test_an_upload_of_n_rows_reports_n_rows_changed_and_the_items_apart(client, pump):
    school_id, admin = school_with_admin(client, pump)
    post(client, f"/schools/{school_id}/classes", {"name": "5А", "grade_level": 5}, admin)
    secret = post(client, f"/schools/{school_id}/credentials", {"name": "АИС"}, admin).json_body["secret"]
    system = post(client, "/machine/token", {"credential": secret}).json_body["access_token"]
    students = ("student_id,last_name,first_name,middle_name,birth_date,class\n"
                "S-1,Иванов,Пётр,Сергеевич,2015-03-14,5А\n"
                "S-2,Алексеева,Дарья,,2015-07-02,5А\n"
                "S-3,Соколов,Михаил,,2015-01-20,5А\n")
    first = _upload(client, pump, school_id, system, "students.csv", students.encode())
    assert first["state"] == "done", first
    # a student row is two items (the student and its roster entry): three rows, six items
    assert (first["rows_done"], first["rows_changed"], first["items_changed"]) == (3, 3, 6)
    renamed = students.replace("Соколов,Михаил", "Соколов,Максим")
    again = _upload(client, pump, school_id, system, "students.csv", renamed.encode())
    # one row changed: its student item, a roster entry under the new name and the old one removed,
    # in the same write (issue 14, item 12)
    assert (again["rows_changed"], again["items_changed"]) == (1, 3)
    classes = _upload(client, pump, school_id, system, "classes.csv", "name,grade_level\n6Б,6\n7В,7\n".encode())
    assert (classes["rows_changed"], classes["items_changed"]) == (2, 4)  # a class and its name claim each


# --- item 6: the audit trail names people and their roles --------------------------------------


def _audit(client, student_id: str, parent: str, lang: str = "ru") -> list[dict[str, Any]]:
    answer = get(client, f"/children/{student_id}/audit?limit=100", parent, **{"Accept-Language": lang})
    assert answer.status_code == 200, answer.body
    return list(answer.json_body["items"])


def _invited_tutor(client, pump, student_id: str, parent: str, name: str) -> tuple[str, str]:
    """A tutor invited by the parent, registered and linked; returns their token and account id."""
    from tests.conftest import unique_email
    from tests.journeys import emailed_access_code, login

    email = unique_email("tutor")
    verified_account(client, pump, email=email, name=name)
    sent = post(client, f"/children/{student_id}/invitations",
                {"email": email, "role": "tutor", "scope": ["grades"]}, parent)
    assert sent.status_code == 201, sent.body
    tutor = str(login(client, email)["access_token"])
    assert post(client, "/children/redeem", {"code": emailed_access_code(pump, email)}, tutor).status_code == 200
    return tutor, str(get(client, "/me", tutor).json_body["account_id"])


def test_each_entry_names_the_person_and_their_role_and_a_revoked_viewer_stays_named(client, pump):
    _, _, student_id, _, parent = linked_parent(client, pump)
    mother = get(client, "/me", parent).json_body
    tutor, tutor_id = _invited_tutor(client, pump, student_id, parent, "Смирнов Олег Ильич")
    assert get(client, f"/children/{student_id}", tutor).status_code == 200
    assert client.http.delete(f"/children/{student_id}/viewers/{tutor_id}",
                              headers={"Authorization": f"Bearer {parent}"}).status_code == 204
    pump.drain()
    assert get(client, f"/children/{student_id}/viewers", parent).json_body["items"] == []  # gone from viewers…
    trail = _audit(client, student_id, parent)
    by_action = {entry["action"]: entry for entry in trail}
    opened = next(e for e in trail if e["action"] == "opened" and e["actor_account_id"] == tutor_id)
    # …but the trail still says who they were, in what role, and that their access was ended
    assert {k: opened["actor"][k] for k in ("name", "role", "role_label")} == {
        "name": "Смирнов Олег Ильич", "role": "tutor", "role_label": "репетитор"}
    revoked = by_action["viewer_revoked"]
    assert opened["actor"]["revoked_at"] == revoked["subject_person"]["revoked_at"] == revoked["at"]
    assert (revoked["actor"]["name"], revoked["actor"]["role"], revoked["actor"]["role_label"]) == (
        mother["name"], "mother", "мать")
    assert revoked["actor"]["revoked_at"] is None
    assert (revoked["subject_person"]["account_id"], revoked["subject_person"]["name"]) == (tutor_id,
                                                                                            "Смирнов Олег Ильич")
    assert by_action["invitation_sent"]["subject_person"]["role"] == "tutor"
    assert by_action["invitation_accepted"]["actor"]["name"] == "Смирнов Олег Ильич"
    assert by_action["guardian_linked"]["actor"]["role"] == "mother"
    english = {e["action"]: e for e in _audit(client, student_id, parent, "en")}
    assert english["viewer_revoked"]["actor"]["role_label"] == "mother"
    assert english["viewer_revoked"]["subject_person"]["role_label"] == "tutor"


def test_history_keeps_the_name_a_person_had_and_a_rename_names_what_follows(client, pump):
    _, _, student_id, _, parent = linked_parent(client, pump)
    me = get(client, "/me", parent).json_body
    assert get(client, f"/children/{student_id}/homework", parent).status_code == 200
    renamed = client.http.patch("/me", headers={"Content-Type": "application/json",
                                                "Authorization": f"Bearer {parent}"},
                                body='{"name": "Петрова Мария Петровна"}')
    assert renamed.status_code == 200, renamed.body
    assert get(client, f"/children/{student_id}", parent).status_code == 200
    pump.drain()
    names = {e["part"]: e["actor"]["name"] for e in _audit(client, student_id, parent) if e["action"] == "opened"}
    assert (names["homework"], names["profile"]) == (me["name"], "Петрова Мария Петровна")


def test_entries_written_before_names_were_kept_name_the_account_now_or_say_unknown(client, pump, app):
    import json

    from chalicelib.dal.audit_log import subscription_event

    _, _, student_id, _, parent = linked_parent(client, pump)
    me = get(client, "/me", parent).json_body
    old = [json.dumps({"audit_entry": {"PK": f"STUDENT#{student_id}", "SK": f"AUDIT#2026-01-0{n}T08:00:00+00:00#0",
                                       "student_id": student_id, "actor_id": actor, "action": "opened",
                                       "part": "grades", "created_at": f"2026-01-0{n}T08:00:00+00:00"}})
           for n, actor in ((1, me["account_id"]), (2, "account-long-gone"))]
    assert app.handler_map["audit_trail"](subscription_event(old), None) == {"stored": 2, "rejected": 0}
    oldest = {e["actor_account_id"]: e["actor"] for e in _audit(client, student_id, parent)
              if e["at"].startswith("2026-01-0")}
    assert oldest[me["account_id"]] == {"account_id": me["account_id"], "name": me["name"], "role": "unknown",
                                        "role_label": "роль не записана", "revoked_at": None}
    assert (oldest["account-long-gone"]["name"], oldest["account-long-gone"]["role"]) == (None, "unknown")
