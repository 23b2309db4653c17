"""Bulk uploads: machine credential → pre-signed PUT → S3 notification → queue → chunks → rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import requests

from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import Grade
from chalicelib.domain.import_rows import stable_id
from tests.conftest import sent_emails
from tests.journeys import get, linked_parent, login, post, school_with_admin, verified_account

CLASSES = "name,grade_level\n5А,5\n6Б,6\n"
SUBJECTS = "name\nМатематика\nРусский язык\n"
STUDENTS = (
    "student_id,last_name,first_name,middle_name,birth_date,class\n"
    "S-001,Иванов,Пётр,Сергеевич,2015-03-14,5А\n"
    "S-002,Алексеева,Дарья,,02.07.2015,5А\n"
    "S-003,Соколов,Михаил,Андреевич,2014-01-20,6Б\n"
)


def schedule(teacher_email: str) -> str:
    return ("date,starts_at,ends_at,class,subject,teacher_email,room,topic\n"
            f"2026-09-07,08:30,09:15,5А,Математика,{teacher_email},214,Натуральные числа\n"
            f"2026-09-07,09:25,10:10,5А,Русский язык,,215,Фонетика\n")


HOMEWORK = "date,starts_at,class,subject,text,due_date\n2026-09-07,08:30,5А,Математика,№ 12-15,2026-09-09\n"
GRADES = ("grade_id,student_id,date,starts_at,subject,value,weight,work_kind,remark\n"
          "G-1,S-001,2026-09-07,08:30,Математика,5,2,test,Отлично\n"
          "G-2,S-002,2026-09-07,08:30,Математика,3,1,,\n")
ATTENDANCE = ("student_id,date,starts_at,subject,mark,excused,minutes_late\n"
              "S-002,2026-09-07,09:25,Русский язык,late,,7\n")


EVENTS = ("event_id,title,date,starts_at,ends_at,place,description,classes\n"
          "E-1,День знаний,2026-09-01,10:00,11:00,Актовый зал,Торжественная линейка,\n"
          "E-2,Экскурсия в Эрмитаж,2026-09-26,,,,,\"5А, 6Б\"\n"
          "E-3,Без даты,,,,,,\n"
          "E-4,Концерт,2026-10-01,12:00,11:00,,,\n"
          "E-5,Спектакль,2026-10-02,,,,,7В\n")
MEETINGS = ("class,date,starts_at,place,agenda\n"
            "5А,2026-09-24,18:00,Каб. 214,Итоги месяца\n"
            "6Б,24.09.2026,18:30,Каб. 101,Подготовка к экскурсии\n"
            "9Я,2026-09-24,18:00,Каб. 1,Нет такого класса\n"
            "5А,2026-09-25,25:00,Каб. 214,Плохое время\n")


def zipped(files: dict[str, str], encoding: str = "utf-8") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode(encoding))
    return buffer.getvalue()


def system_token(client, school_id: str, admin: str) -> tuple[str, dict]:
    """The school system's access token, and the credential it was traded for."""
    issued = post(client, f"/schools/{school_id}/credentials", {"name": "АИС «Параграф»"}, admin)
    assert issued.status_code == 201
    token = post(client, "/machine/token", {"credential": issued.json_body["secret"]})
    assert token.status_code == 200
    return token.json_body["access_token"], issued.json_body


@pytest.fixture
def school(client, pump):
    """A school with a registered teacher, and its system's access token."""
    school_id, admin = school_with_admin(client, pump)
    teacher = verified_account(client, pump, name="Петрова Анна Сергеевна")
    assert post(client, f"/schools/{school_id}/teachers", {"email": teacher}, admin).status_code == 201
    system, credential = system_token(client, school_id, admin)
    return {"id": school_id, "admin": admin, "teacher": teacher, "system": system, "credential": credential}


def upload(client, pump, school, filename: str, body: bytes) -> dict:
    """Ask for an upload, PUT the file where told, let the queue work, return the final status."""
    ticket = post(client, f"/schools/{school['id']}/uploads", {"filename": filename}, school["system"])
    assert ticket.status_code == 201, ticket.body
    put = requests.put(ticket.json_body["upload_url"], data=body, timeout=10)
    assert put.status_code == 200
    pump.drain(timeout=60)
    status = get(client, f"/schools/{school['id']}/uploads/{ticket.json_body['upload_id']}?limit=100",
                 school["system"])
    assert status.status_code == 200
    return dict(status.json_body)


def full_set(teacher_email: str) -> dict[str, str]:
    return {"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": STUDENTS,
            "schedule.csv": schedule(teacher_email), "homework.csv": HOMEWORK, "grades.csv": GRADES,
            "attendance.csv": ATTENDANCE}


def test_a_zip_of_the_whole_set_lands_in_the_diary(client, pump, school):
    status = upload(client, pump, school, "year.zip", zipped(full_set(school["teacher"])))
    assert status["state"] == "done", status
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (13, 13, 0)
    assert status["errors"] == []
    # The roster, the schedule with topics and homework, the grades are where teachers and families read
    classes = get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"]
    class_5a = next(c["class_id"] for c in classes if c["name"] == "5А")
    roster = get(client, f"/schools/{school['id']}/students?class_id={class_5a}", school["admin"]).json_body["items"]
    assert [s["last_name"] for s in roster] == ["Алексеева", "Иванов"]
    assert next(s for s in roster if s["last_name"] == "Алексеева")["birth_date"] == "2015-07-02"
    lessons = get(client, f"/schools/{school['id']}/classes/{class_5a}/lessons?from=2026-09-07&to=2026-09-07",
                  school["admin"]).json_body["items"]
    assert [(lesson["starts_at"], lesson["topic"]) for lesson in lessons] == [
        ("08:30", "Натуральные числа"), ("09:25", "Фонетика")]
    assert lessons[0]["homework"]["text"] == "№ 12-15"
    pupil = stable_id(school["id"], "student", "S-001")
    [grade] = [i for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30") if isinstance(i, Grade)]
    assert (grade.value, grade.weight, grade.work_kind, grade.remark) == (5, 2, "test", "Отлично")
    assert grade.source.startswith("upload:")


def test_the_same_file_twice_changes_nothing(client, pump, school):
    body = zipped(full_set(school["teacher"]))
    first = upload(client, pump, school, "year.zip", body)
    assert first["rows_changed"] > 0
    pupil = stable_id(school["id"], "student", "S-001")
    before = {(i.pk, i.sk): int(i.version) for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30")}
    again = upload(client, pump, school, "year.zip", body)
    assert again["state"] == "done"
    assert (again["rows_done"], again["rows_changed"]) == (13, 0)
    after = {(i.pk, i.sk): int(i.version) for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30")}
    assert after == before


LESSON_0908 = "date,starts_at,ends_at,class,subject\n2026-09-08,08:30,09:15,5А,Математика\n"  # the grades' lesson


def test_bad_rows_are_reported_and_good_rows_still_written(client, pump, school):
    upload(client, pump, school, "base.zip", zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS,
                                                     "students.csv": STUDENTS, "schedule.csv": LESSON_0908}))
    grades = ("grade_id,student_id,date,starts_at,subject,value\n"
              "G-10,S-001,2026-09-08,08:30,Математика,4\n"
              "G-11,S-001,2026-09-08,08:30,Математика,7\n"
              "G-12,S-999,2026-09-08,08:30,Математика,4\n"
              "G-13,S-001,31.02.2026,08:30,Математика,4\n"
              "G-14,S-001,2026-09-08,08:30,Физкультура,4\n"
              "G-15,S-002,2026-09-08,8:30,Математика,5\n")
    status = upload(client, pump, school, "grades.csv", grades.encode())
    assert status["state"] == "done"
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (6, 2, 4)
    assert [(e["file"], e["line"], e["column"], e["code"]) for e in status["errors"]] == [
        ("grades.csv", 3, "value", "out_of_range"),
        ("grades.csv", 4, "student_id", "unknown_student"),
        ("grades.csv", 5, "date", "bad_date"),
        ("grades.csv", 6, "subject", "unknown_subject"),
    ]


def test_windows_1251_with_semicolons_and_utf8_with_bom_are_both_read(client, pump, school):
    cp1251 = CLASSES.replace(",", ";").encode("cp1251")
    assert upload(client, pump, school, "classes.csv", cp1251)["state"] == "done"
    bom = ("\ufeff" + SUBJECTS).encode("utf-8")
    assert upload(client, pump, school, "subjects.csv", bom)["state"] == "done"
    names = {c["name"] for c in get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"]}
    assert names == {"5А", "6Б"}
    subjects = get(client, f"/schools/{school['id']}/subjects", school["admin"]).json_body["items"]
    assert {s["name"] for s in subjects} == {"Математика", "Русский язык"}


@pytest.mark.parametrize(("filename", "body", "reason"), [
    ("students.csv", bytes(range(256)) * 40, "bad_encoding"),
    ("year.zip", zipped({"students.csv": STUDENTS})[:-30], "broken_zip"),
    ("students.csv", b"last_name,first_name\n\xd0\x98\xd0\xb2,\xd0\x9f\n", "missing_columns"),
    ("year.zip", zipped({"pupils.csv": STUDENTS}), "unknown_file"),
    ("students.csv", b"", "empty_file"),
])
def test_a_broken_file_fails_with_a_reason_and_writes_nothing(client, pump, school, filename, body, reason):
    status = upload(client, pump, school, filename, body)
    assert status["state"] == "failed"
    assert status["reason"] == reason
    assert status["rows_done"] == 0
    assert get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"] == []


def test_events_and_meetings_land_once_and_bad_rows_are_reported(client, pump, school):
    body = zipped({"classes.csv": CLASSES, "events.csv": EVENTS, "meetings.csv": MEETINGS})
    status = upload(client, pump, school, "life.zip", body)
    assert status["state"] == "done", status
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (11, 6, 5)
    assert [(e["file"], e["line"], e["column"], e["code"]) for e in status["errors"]] == [
        ("events.csv", 4, "date", "required"),
        ("events.csv", 5, "ends_at", "ends_before_start"),
        ("events.csv", 6, "classes", "unknown_class"),
        ("meetings.csv", 4, "class", "unknown_class"),
        ("meetings.csv", 5, "starts_at", "bad_time"),
    ]
    base = f"/schools/{school['id']}"
    classes = {c["name"]: c["class_id"] for c in get(client, f"{base}/classes", school["admin"]).json_body["items"]}

    def stored() -> tuple[list, list]:
        events = get(client, f"{base}/events?from=2026-09-01&to=2026-10-31", school["admin"]).json_body["items"]
        meetings = get(client, f"{base}/classes/{classes['5А']}/meetings?from=2026-09-01&to=2026-10-31",
                       school["admin"]).json_body["items"]
        return events, meetings

    events, meetings = stored()
    assert sorted((e["title"], e["date"], e["starts_at"], e["place"], e["whole_school"]) for e in events) == [
        ("День знаний", "2026-09-01", "10:00", "Актовый зал", True),
        ("Экскурсия в Эрмитаж", "2026-09-26", None, None, False)]
    trip = next(e for e in events if not e["whole_school"])
    assert trip["class_ids"] == sorted([classes["5А"], classes["6Б"]])
    assert [(m["date"], m["starts_at"], m["place"], m["agenda"]) for m in meetings] == [
        ("2026-09-24", "18:00", "Каб. 214", "Итоги месяца")]
    # The same file again: nothing changes, nothing is added
    again = upload(client, pump, school, "life.zip", body)
    assert (again["state"], again["rows_rejected"], again["rows_changed"]) == ("done", 5, 0)
    assert stored() == (events, meetings)


def test_a_family_sees_an_uploaded_meeting_of_their_childs_class_and_hears_of_it_once(client, pump, monkeypatch):
    from chalicelib import clock

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC))  # not quiet hours
    school_id, admin, child, parent_email, parent = linked_parent(client, pump)  # the child is in 5А
    system, _ = system_token(client, school_id, admin)
    school = {"id": school_id, "system": system}
    meeting = "class,date,starts_at,place,agenda\n5А,2026-09-24,18:00,Каб. 214,Итоги месяца\n"

    def alerts_of_meetings() -> list[str]:
        return [m["body"] for m in sent_emails(parent_email) if "Родительское собрание" in m["body"]]

    def seen() -> list[tuple[str, str, str]]:
        found = get(client, f"/children/{child}/meetings?from=2026-09-01&to=2026-09-30", parent)
        assert found.status_code == 200, found.body
        return [(m["date"], m["starts_at"], m["agenda"]) for m in found.json_body["items"]]

    assert upload(client, pump, school, "meetings.csv", meeting.encode())["rows_changed"] == 1
    assert seen() == [("2026-09-24", "18:00", "Итоги месяца")]
    assert len(alerts_of_meetings()) == 1
    # Uploaded again: no second meeting, no second alert
    assert upload(client, pump, school, "meetings.csv", meeting.encode())["rows_changed"] == 0
    assert seen() == [("2026-09-24", "18:00", "Итоги месяца")]
    assert len(alerts_of_meetings()) == 1
    # A corrected agenda replaces the meeting in place and tells the family what changed
    corrected = meeting.replace("Итоги месяца", "Итоги месяца и экскурсия")
    assert upload(client, pump, school, "meetings.csv", corrected.encode())["rows_changed"] == 1
    assert seen() == [("2026-09-24", "18:00", "Итоги месяца и экскурсия")]
    [_, changed] = alerts_of_meetings()
    assert "перенесено или изменено" in changed and "Итоги месяца и экскурсия" in changed


def test_an_event_or_a_meeting_dated_otherwise_in_a_later_file_moves_and_the_family_hears_of_the_change(
        client, pump, monkeypatch):
    from chalicelib import clock

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC))  # not quiet hours
    school_id, admin, child, parent_email, parent = linked_parent(client, pump)  # the child is in 5А
    system, _ = system_token(client, school_id, admin)
    school = {"id": school_id, "system": system}
    event = "event_id,title,date,starts_at,classes\nE-7,Экскурсия в Эрмитаж,2026-09-26,10:00,5А\n"
    meeting = "meeting_id,class,date,starts_at,place,agenda\nM-1,5А,2026-09-24,18:00,Каб. 214,Итоги месяца\n"
    no_id = "class,date,starts_at,place,agenda\n5А,2026-10-15,18:00,Каб. 214,Без номера\n"

    def seen(part: str) -> list[tuple[str, str]]:
        found = get(client, f"/children/{child}/{part}?from=2026-09-01&to=2026-10-31", parent)
        assert found.status_code == 200, found.body
        return [(e["date"], e.get("title") or e.get("agenda")) for e in found.json_body["items"]]

    def told(about: str) -> list[str]:
        return [m["body"] for m in sent_emails(parent_email) if about in m["body"]]

    for kind, body in (("events.csv", event), ("meetings.csv", meeting), ("meetings.csv", no_id)):
        assert upload(client, pump, school, kind, body.encode())["rows_changed"] == 1
    assert seen("events") == [("2026-09-26", "Экскурсия в Эрмитаж")]
    assert seen("meetings") == [("2026-09-24", "Итоги месяца"), ("2026-10-15", "Без номера")]
    # The school's system moves the trip and the numbered meeting by a few days
    moved_event, moved_meeting = event.replace("2026-09-26", "2026-09-28"), meeting.replace("2026-09-24", "2026-09-30")
    assert upload(client, pump, school, "events.csv", moved_event.encode())["rows_changed"] == 1
    assert upload(client, pump, school, "meetings.csv", moved_meeting.encode())["rows_changed"] == 1
    assert seen("events") == [("2026-09-28", "Экскурсия в Эрмитаж")]
    assert seen("meetings") == [("2026-09-30", "Итоги месяца"), ("2026-10-15", "Без номера")]
    [_, trip_moved] = told("Экскурсия в Эрмитаж")
    assert "Изменения" in trip_moved and "28 сентября" in trip_moved
    [_, meeting_moved] = told("Итоги месяца")
    assert "перенесено или изменено" in meeting_moved and "30 сентября" in meeting_moved
    # The same files again: nothing moves, nobody is told twice
    assert upload(client, pump, school, "events.csv", moved_event.encode())["rows_changed"] == 0
    assert upload(client, pump, school, "meetings.csv", moved_meeting.encode())["rows_changed"] == 0
    assert len(told("Экскурсия в Эрмитаж")) == 2 and len(told("Итоги месяца")) == 2
    # A meeting without the school's id is known by its class, date and hour: another date is another meeting
    assert upload(client, pump, school, "meetings.csv", no_id.replace("2026-10-15", "2026-10-16").encode())[
        "rows_changed"] == 1
    assert [d for d, agenda in seen("meetings") if agenda == "Без номера"] == ["2026-10-15", "2026-10-16"]


def test_a_file_that_turns_out_windows_1251_past_its_first_64_kb_is_read_again_as_such(client, pump, school):
    # Planning picks the encoding from a file's head and streams the rest: when UTF-8 fails
    # further on, the file is read again from the start as Windows-1251, not half-and-half.
    padding = "x" * 70_000  # an extra column nobody reads, pushing the Cyrillic past the head
    body = f"name,note\nMath,{padding}\nМатематика,\n".encode("cp1251")
    status = upload(client, pump, school, "subjects.csv", body)
    assert (status["state"], status["rows_done"], status["rows_rejected"]) == ("done", 2, 0)
    subjects = get(client, f"/schools/{school['id']}/subjects", school["admin"]).json_body["items"]
    assert {s["name"] for s in subjects} == {"Math", "Математика"}


def test_a_zip_damaged_past_a_members_head_fails_and_writes_nothing(client, pump, school):
    rows = "".join(f"S-{n:04d},Ученик,Тест,,2015-01-01,5А\n" for n in range(3000))  # ~100 KB
    students = STUDENTS.split("\n")[0] + "\n" + rows + "S-ZZZZ,Последний,Тест,,2015-01-01,5А\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("classes.csv", CLASSES.encode())
        archive.writestr("students.csv", students.encode())
    damaged = buffer.getvalue().replace(b"S-ZZZZ", b"S-ZZZY")  # the stored CRC no longer matches
    status = upload(client, pump, school, "year.zip", damaged)
    assert (status["state"], status["reason"], status["rows_done"]) == ("failed", "broken_zip", 0)
    assert get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"] == []


def test_an_oversized_file_is_refused(client, pump, school, monkeypatch):
    from chalicelib.domain import import_format

    monkeypatch.setattr(import_format, "MAX_UPLOAD_BYTES", 100)
    status = upload(client, pump, school, "students.csv", STUDENTS.encode() * 3)
    assert (status["state"], status["reason"]) == ("failed", "too_large")


def test_a_large_file_goes_through_the_queue_in_chunks_each_counted_once(client, pump, school, monkeypatch):
    from chalicelib.domain import importer
    from chalicelib.events import uploads as handler

    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    rows = "".join(f"S-{n:03d},Ученик{n:03d},Тест,,2015-01-01,5А\n" for n in range(7))
    body = zipped({"classes.csv": CLASSES, "students.csv": STUDENTS.split("\n")[0] + "\n" + rows})
    status = upload(client, pump, school, "roster.zip", body)
    assert status["state"] == "done"
    assert (status["rows_total"], status["rows_done"]) == (9, 9)
    plan = importer.load_plan(status["upload_id"])
    assert [c.rows for c in plan.chunks] == [2, 2, 2, 2, 1]
    # A chunk delivered again is applied harmlessly and not counted twice
    handler.run_chunk(status["upload_id"], 1)
    pump.drain(timeout=30)
    again = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}", school["system"]).json_body
    assert (again["rows_done"], again["rows_changed"]) == (9, status["rows_changed"])


def test_credentials_are_revocable_and_forged_ones_refused(client, pump, school):
    forged = post(client, "/machine/token", {"credential": school["credential"]["credential_id"] + ".guess"})
    assert forged.status_code == 401
    assert forged.json_body["error"]["code"] == "credential_invalid"
    path = f"/schools/{school['id']}/credentials/{school['credential']['credential_id']}"
    assert client.http.delete(path, headers={"Authorization": f"Bearer {school['admin']}"}).status_code == 204
    assert post(client, "/machine/token", {"credential": school["credential"]["secret"]}).status_code == 401
    listed = get(client, f"/schools/{school['id']}/credentials", school["admin"]).json_body["items"]
    assert listed[0]["revoked"] is True and "secret" not in listed[0]


def test_a_school_system_reaches_only_its_own_school(client, pump, school):
    other_id, _ = school_with_admin(client, pump)
    refused = post(client, f"/schools/{other_id}/uploads", {"filename": "grades.csv"}, school["system"])
    assert refused.status_code == 403
    assert get(client, f"/schools/{school['id']}/classes", school["system"]).status_code == 403
    parent = login(client, verified_account(client, pump))["access_token"]
    assert post(client, f"/schools/{school['id']}/uploads", {"filename": "grades.csv"}, parent).status_code == 403
    unknown = post(client, f"/schools/{school['id']}/uploads", {"filename": "pupils.csv"}, school["system"])
    assert unknown.status_code == 400
    assert unknown.json_body["error"]["code"] == "unknown_file"
