"""The diary a family reads: week, grades, attendance, homework, statistics, events, meetings,
the calendar feed and the teacher's journal grid — data posted through the real endpoints."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest

from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    post,
    school_with_admin,
    verified_account,
)

# The school's "now" for most tests: Sunday 20 September 2026, noon in Moscow.
NOW = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)


def put(client, path, body, token):
    return client.http.put(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                           body=json.dumps(body))


@pytest.fixture(autouse=True)
def _school_clock(monkeypatch):
    from chalicelib import clock

    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture(scope="module")
def school(app, aws):
    """One class 5А (the child and two classmates), maths and Russian taught by one teacher,
    two terms meeting mid-week, lessons, grades, marks and homework posted by the teacher."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        school_id, admin = school_with_admin(client, pump)
        base = f"/schools/{school_id}"
        class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
        other_class = post(client, f"{base}/classes", {"name": "6Б", "grade_level": 6}, admin).json_body["class_id"]
        maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
        russian = post(client, f"{base}/subjects", {"name": "Русский язык"}, admin).json_body["subject_id"]
        terms = {}
        for name, first, last in [("1 четверть", "2026-09-01", "2026-10-28"), ("2 четверть", "2026-10-29",
                                                                             "2026-12-28")]:
            made = post(client, f"{base}/terms", {"name": name, "starts_on": first, "ends_on": last}, admin)
            assert made.status_code == 201, made.body
            terms[name] = made.json_body["term_id"]
        teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
        teacher_id = post(client, f"{base}/teachers", {"email": teacher_email}, admin).json_body["account_id"]
        other_email = verified_account(client, pump, name="Сидоров Олег Ильич")
        post(client, f"{base}/teachers", {"email": other_email}, admin)
        for subject in (maths, russian):
            post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id,
                                               "subject_id": subject}, admin)
        child = enrol(client, school_id, admin, class_id)
        mates = [post(client, f"{base}/students", {"last_name": last, "first_name": "А", "birth_date": "2015-01-01",
                                                  "class_id": class_id}, admin).json_body["student_id"]
                 for last in ("Алексеев", "Борисов")]
        teacher = login(client, teacher_email)["access_token"]

        def lesson(date, starts, subject, room="214"):
            ends = (dt.datetime.strptime(starts, "%H:%M") + dt.timedelta(minutes=45)).strftime("%H:%M")
            made = post(client, f"{base}/classes/{class_id}/lessons", {
                "date": date, "starts_at": starts, "ends_at": ends,
                "subject_id": subject, "teacher_id": teacher_id, "room": room}, admin)
            assert made.status_code == 201, made.body
            return f"{base}/classes/{class_id}/lessons/{made.json_body['lesson_id']}"

        l1 = lesson("2026-09-07", "08:30", maths)
        l2 = lesson("2026-09-09", "08:30", maths)
        l3 = lesson("2026-09-14", "08:30", maths)
        ru = lesson("2026-09-08", "09:10", russian, "105")
        lesson("2026-10-27", "08:30", maths)
        lesson("2026-10-29", "08:30", maths)
        assert put(client, f"{l1}/topic", {"topic": "Обыкновенные дроби"}, teacher).status_code == 200
        assert put(client, f"{l1}/homework", {"text": "№ 245", "due_date": "2026-09-09"}, teacher).status_code == 200
        assert put(client, f"{l3}/homework", {"text": "№ 301", "due_date": "2026-09-21"}, teacher).status_code == 200

        def grade(path, student, value, weight=1, **extra):
            made = post(client, f"{path}/grades", {"student_id": student, "value": value, "weight": weight,
                                                   **extra}, teacher)
            assert made.status_code == 201, made.body
            return made.json_body

        grade(l1, child, 5, 2, work_kind="test", remark="Отлично")
        grade(l2, child, 4)
        mistake = grade(l3, child, 2)
        grade(l3, child, 3)
        grade(ru, child, 4)
        grade(ru, child, 5)
        grade(l1, mates[0], 5)
        grade(l2, mates[0], 5)
        grade(l1, mates[1], 3)
        grade(l2, mates[1], 2)
        # A grade posted by mistake and deleted: the aggregates must forget it too
        gone = client.http.delete(f"{base}/students/{child}/grades/{mistake['grade_id']}?version=1",
                                  headers={"Authorization": f"Bearer {teacher}"})
        assert gone.status_code == 204
        assert put(client, f"{l2}/attendance/{child}", {"mark": "absent"}, teacher).status_code == 200
        assert put(client, f"{l3}/attendance/{child}", {"mark": "late", "excused": True, "minutes_late": 5},
                   teacher).status_code == 200

        parent_email = verified_account(client, pump)
        parent = login(client, parent_email)["access_token"]
        check_and_approve(client, school_id, admin, apply(client, parent, school_id, CHILD))
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, parent_email)},
                    parent).status_code == 200
        tutor_email = verified_account(client, pump, name="Репетитор")
        post(client, f"/children/{child}/invitations",
             {"email": tutor_email, "role": "tutor", "scope": ["schedule", "homework"]}, parent)
        tutor = login(client, tutor_email)["access_token"]
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)},
                    tutor).status_code == 200
        pump.drain()
        return {"id": school_id, "admin": admin, "class_id": class_id, "other_class": other_class,
                "maths": maths, "russian": russian, "terms": terms, "child": child, "mates": mates,
                "teacher": teacher, "other_teacher": login(client, other_email)["access_token"],
                "parent": parent, "tutor": tutor, "parent_email": parent_email, "tutor_email": tutor_email,
                "pump": pump}


def test_the_week_shows_lessons_homework_grades_and_marks_in_order(client, school):
    week = get(client, f"/children/{school['child']}/week?date=2026-09-09", school["parent"])
    assert week.status_code == 200, week.body
    body = week.json_body
    assert (body["week_start"], body["week_end"], body["omitted"]) == ("2026-09-07", "2026-09-13", [])
    assert [d["date"] for d in body["days"]] == [f"2026-09-{d:02d}" for d in range(7, 13)]  # Mon–Sat
    monday, tuesday, wednesday = body["days"][:3]
    [first] = monday["lessons"]
    assert first["subject_name"] == "Математика" and first["teacher_name"] == "Петрова Анна Сергеевна"
    assert (first["topic"], first["room"], first["starts_at"], first["cancelled"]) == (
        "Обыкновенные дроби", "214", "08:30", False)
    assert first["homework"] == {"text": "№ 245", "due_date": "2026-09-09"}
    assert [(g["value"], g["weight"], g["work_kind"], g["remark"]) for g in first["grades"]] == [
        (5, 2, "test", "Отлично")]
    assert first["attendance"] is None
    assert sorted(g["value"] for g in tuesday["lessons"][0]["grades"]) == [4, 5]  # two at one lesson
    assert tuesday["lessons"][0]["subject_name"] == "Русский язык"
    assert wednesday["lessons"][0]["attendance"] == {"mark": "absent", "excused": False, "minutes_late": None}
    assert all(d["lessons"] == [] for d in body["days"][3:])


def test_today_is_the_schools_day_not_utcs(client, school, monkeypatch):
    from chalicelib import clock

    # 23:30 UTC on Sunday is already Monday 02:30 in Moscow: the default week is the next one
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 9, 13, 23, 30, tzinfo=dt.UTC))
    body = get(client, f"/children/{school['child']}/week", school["parent"]).json_body
    assert (body["today"], body["week_start"], body["timezone"]) == ("2026-09-14", "2026-09-14", "Europe/Moscow")
    assert body["days"][0]["lessons"][0]["attendance"] == {"mark": "late", "excused": True, "minutes_late": 5}


@contextlib.contextmanager
def dynamodb_calls():
    """The operations every DynamoDB client makes inside the block (PynamoDB's and boto3's alike)."""
    import botocore.client

    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return original(self, operation, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
        yield calls


def test_a_token_that_knows_the_child_reads_the_week_in_one_call(client, school):
    path = f"/children/{school['child']}/week?date=2026-09-07"
    # The school fixture's tokens were issued before the links: they take the long way
    the_long_way = {who: get(client, path, school[who]).json_body for who in ("parent", "tutor")}
    for who in ("parent", "tutor"):
        fresh = login(client, school[f"{who}_email"])["access_token"]
        with dynamodb_calls() as calls:
            week = get(client, path, fresh)
        assert week.status_code == 200 and week.json_body == the_long_way[who]
        # the link(s), the child, the school, its names and both week pages; the audit entry goes
        # through the log (dal/audit_log.py)
        assert calls == ["BatchGetItem"], who
    assert the_long_way["parent"]["days"][0]["lessons"][0]["grades"][0]["remark"] == "Отлично"
    assert "grades" in the_long_way["tutor"]["omitted"]


@pytest.mark.parametrize("page", ["grades", "attendance", "homework?when=past", "statistics", "events",
                                  "meetings", "attestation"])
def test_every_page_reads_the_same_with_a_token_that_knows_the_child(client, school, page):
    path = f"/children/{school['child']}/{page}"
    the_long_way = get(client, path, school["parent"])
    fresh = login(client, school["parent_email"])["access_token"]
    with dynamodb_calls() as calls:
        hinted = get(client, path, fresh)
    assert (hinted.status_code, hinted.json_body) == (200, the_long_way.json_body)
    # the link and the child's context in one read (the audit entry goes through the log): three calls fewer
    assert calls[0] == "BatchGetItem" and "GetItem" not in calls and "PutItem" not in calls


def test_a_child_moved_since_the_token_shows_the_new_class_week(client, school):
    fresh = login(client, school["parent_email"])["access_token"]
    student = f"/schools/{school['id']}/students/{school['child']}"
    path = f"/children/{school['child']}/week?date=2026-09-07"
    assert client.http.patch(student, body=json.dumps({"class_id": school["other_class"]}), headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {school['admin']}"}).status_code == 200
    try:
        with dynamodb_calls() as calls:
            moved = get(client, path, fresh).json_body
        assert all(day["lessons"] == [] for day in moved["days"])  # 6Б has no lessons that week
        assert calls == ["BatchGetItem", "BatchGetItem"]  # a stale hint: one more read
    finally:
        client.http.patch(student, body=json.dumps({"class_id": school["class_id"]}), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {school['admin']}"})
    assert len(get(client, path, fresh).json_body["days"][0]["lessons"]) == 1


def test_a_viewer_revoked_after_their_token_is_refused_at_once(client, school):
    relative_email = verified_account(client, school["pump"], name="Бабушка")
    post(client, f"/children/{school['child']}/invitations",
         {"email": relative_email, "role": "relative", "scope": ["schedule"]}, school["parent"])
    first = login(client, relative_email)["access_token"]
    assert post(client, "/children/redeem", {"code": emailed_access_code(school["pump"], relative_email)},
                first).status_code == 200
    relative = login(client, relative_email)
    viewer_id = get(client, "/me", relative["access_token"]).json_body["account_id"]
    path = f"/children/{school['child']}/week?date=2026-09-07"
    assert get(client, path, relative["access_token"]).status_code == 200
    assert client.http.delete(f"/children/{school['child']}/viewers/{viewer_id}",
                              headers={"Authorization": f"Bearer {school['parent']}"}).status_code == 204
    refused = get(client, path, relative["access_token"])  # the token still names the child
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "child_not_linked"
    school["pump"].drain()  # the trail is kept from the API's log
    trail = get(client, f"/children/{school['child']}/audit", school["parent"]).json_body["items"]
    theirs = [e["action"] for e in trail if e["actor_account_id"] == viewer_id and e["part"] == "schedule"]
    assert theirs == ["opened"]  # the refused request opened nothing


def test_a_week_across_two_terms_and_a_holiday_week(client, school):
    across = get(client, f"/children/{school['child']}/week?date=2026-10-28", school["parent"]).json_body
    dated = [(d["date"], len(d["lessons"])) for d in across["days"] if d["lessons"]]
    assert dated == [("2026-10-27", 1), ("2026-10-29", 1)]
    holiday = get(client, f"/children/{school['child']}/week?date=2026-11-04", school["parent"]).json_body
    assert len(holiday["days"]) == 6 and all(d["lessons"] == [] for d in holiday["days"])


def test_a_viewer_sees_the_week_without_the_parts_outside_their_scope(client, school):
    week = get(client, f"/children/{school['child']}/week?date=2026-09-07", school["tutor"])
    assert week.status_code == 200
    assert week.json_body["omitted"] == ["grades", "attendance"]
    lesson = week.json_body["days"][0]["lessons"][0]
    assert "grades" not in lesson and "attendance" not in lesson
    assert lesson["homework"]["text"] == "№ 245"
    for part in ("grades", "attendance", "statistics", "events", "meetings"):
        refused = get(client, f"/children/{school['child']}/{part}", school["tutor"])
        assert refused.status_code == 403, part
        assert refused.json_body["error"]["code"] == "part_out_of_scope"
    assert get(client, f"/children/{school['child']}/homework", school["tutor"]).status_code == 200
    stranger = get(client, f"/children/{school['child']}/week", school["teacher"])
    assert stranger.status_code == 403 and stranger.json_body["error"]["code"] == "child_not_linked"


def test_every_read_leaves_an_audit_entry_with_its_part(client, school):
    get(client, f"/children/{school['child']}/week", school["tutor"])
    get(client, f"/children/{school['child']}/statistics", school["parent"])
    school["pump"].drain()  # the trail is kept from the API's log
    entries = get(client, f"/children/{school['child']}/audit?limit=2", school["parent"]).json_body["items"]
    assert [(e["action"], e["part"]) for e in entries] == [("opened", "statistics"), ("opened", "schedule")]


def test_grades_of_the_term_by_subject(client, school):
    body = get(client, f"/children/{school['child']}/grades", school["parent"]).json_body
    assert body["term"]["name"] == "1 четверть"
    by_name = {s["subject_name"]: s for s in body["subjects"]}
    maths = by_name["Математика"]
    assert [(g["date"], g["value"], g["weight"]) for g in maths["grades"]] == [
        ("2026-09-07", 5, 2), ("2026-09-09", 4, 1), ("2026-09-14", 3, 1)]
    assert (maths["average"], maths["projected_grade"]) == (4.25, 4)  # (5·2 + 4 + 3) / 4
    assert (by_name["Русский язык"]["average"], by_name["Русский язык"]["projected_grade"]) == (4.5, 5)
    later = get(client, f"/children/{school['child']}/grades?term_id={school['terms']['2 четверть']}",
                school["parent"]).json_body
    assert later["subjects"] == []
    unknown = get(client, f"/children/{school['child']}/grades?term_id=nope", school["parent"])
    assert unknown.status_code == 404 and unknown.json_body["error"]["code"] == "term_not_found"


def test_attendance_history_and_totals(client, school):
    body = get(client, f"/children/{school['child']}/attendance", school["parent"]).json_body
    assert [(i["date"], i["mark"], i["excused"]) for i in body["items"]] == [
        ("2026-09-14", "late", True), ("2026-09-09", "absent", False)]
    assert body["totals"] == {"absent": 1, "late": 1, "excused": 1, "unexcused": 1}
    assert body["by_subject"] == [{"subject_id": school["maths"], "subject_name": "Математика", "absent": 1,
                                   "late": 1, "excused": 1, "unexcused": 1}]


def test_homework_upcoming_and_past_by_due_date(client, school):
    upcoming = get(client, f"/children/{school['child']}/homework", school["parent"]).json_body
    assert [(h["due_date"], h["text"], h["subject_name"]) for h in upcoming["items"]] == [
        ("2026-09-21", "№ 301", "Математика")]
    past = get(client, f"/children/{school['child']}/homework?when=past", school["parent"]).json_body
    assert [h["text"] for h in past["items"]] == ["№ 245"]
    assert get(client, f"/children/{school['child']}/homework?when=someday", school["parent"]).status_code == 422


def test_events_and_meetings_reach_the_childs_class_only(client, school):
    base = f"/schools/{school['id']}"
    whole = post(client, f"{base}/events", {"title": "День знаний", "date": "2026-09-25", "starts_at": "10:00",
                                            "place": "Актовый зал"}, school["admin"])
    assert whole.status_code == 201, whole.body
    other = post(client, f"{base}/events", {"title": "Экскурсия 6Б", "date": "2026-09-26",
                                            "class_ids": [school["other_class"]]}, school["admin"])
    assert other.status_code == 201
    assert post(client, f"{base}/events", {"title": "X", "date": "2026-09-26"}, school["teacher"]).status_code == 403
    meeting = {"date": "2026-09-24", "starts_at": "18:00", "place": "Каб. 214", "agenda": "Итоги месяца"}
    made = post(client, f"{base}/classes/{school['class_id']}/meetings", meeting, school["teacher"])
    assert made.status_code == 201, made.body
    refused = post(client, f"{base}/classes/{school['class_id']}/meetings", meeting, school["other_teacher"])
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "not_your_class"
    events = get(client, f"/children/{school['child']}/events", school["parent"]).json_body["items"]
    assert [(e["title"], e["whole_school"]) for e in events] == [("День знаний", True)]
    meetings = get(client, f"/children/{school['child']}/meetings", school["parent"]).json_body["items"]
    assert [(m["date"], m["starts_at"], m["agenda"]) for m in meetings] == [("2026-09-24", "18:00", "Итоги месяца")]
    staff = get(client, f"{base}/events?from=2026-09-01&to=2026-09-30", school["teacher"]).json_body["items"]
    assert {e["title"] for e in staff} >= {"День знаний", "Экскурсия 6Б"}


def test_the_calendar_feed_follows_the_scope_and_rotates(client, school):
    from icalendar import Calendar

    issued = post(client, f"/children/{school['child']}/calendar-token", {}, school["parent"])
    assert issued.status_code == 201, issued.body
    url = issued.json_body["url"]
    assert url.startswith("/calendar/") and url.endswith(".ics")
    feed = client.http.get(url)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"].startswith("text/calendar")
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body).walk("VEVENT")}
    assert {"ДЗ: Математика", "Родительское собрание", "День знаний"} <= summaries
    assert "Экскурсия 6Б" not in summaries
    rotated = post(client, f"/children/{school['child']}/calendar-token", {}, school["parent"]).json_body["url"]
    assert client.http.get(url).status_code == 404
    assert client.http.get(rotated).status_code == 200
    # A viewer's feed holds only what they may see
    tutor_url = post(client, f"/children/{school['child']}/calendar-token", {}, school["tutor"]).json_body["url"]
    tutor_feed = Calendar.from_ical(client.http.get(tutor_url).body)
    assert {str(e["SUMMARY"]) for e in tutor_feed.walk("VEVENT")} == {"ДЗ: Математика"}
    from chalicelib.dal.models import DiaryItem

    token = url.removeprefix("/calendar/").removesuffix(".ics")
    assert not any(token in str(v) for item in DiaryItem.query(f"STUDENT#{school['child']}")
                   for v in item.attribute_values.values())


def test_the_teachers_journal_grid_and_who_is_at_risk(client, school):
    path = (f"/schools/{school['id']}/classes/{school['class_id']}/journal?subject_id={school['maths']}"
            f"&term_id={school['terms']['1 четверть']}")
    refused = get(client, path, school["other_teacher"])
    assert refused.status_code == 403
    grid = get(client, path, school["teacher"])
    assert grid.status_code == 200, grid.body
    body = grid.json_body
    assert len(body["lessons"]) == 4 and body["lessons_held"] == 3  # 27 Oct is still ahead on 20 Sep
    rows = {r["student_id"]: r for r in body["students"]}
    child = rows[school["child"]]
    assert (child["average"], child["absent"], child["at_risk"], child["risk_reasons"]) == (
        4.25, 1, True, ["absences"])  # 1 of 3 held lessons: 33 % ≥ 30 %
    weak = rows[school["mates"][1]]
    assert (weak["average"], weak["at_risk"], weak["risk_reasons"]) == (2.5, True, ["low_average"])
    assert rows[school["mates"][0]]["at_risk"] is False
    assert body["class_average"] == 3.92  # (4.25 + 5 + 2.5) / 3
    l1 = body["lessons"][0]["lesson_id"]
    assert [g["value"] for g in child["cells"][l1]["grades"]] == [5]
    assert get(client, path, school["admin"]).status_code == 200


def test_the_list_of_children_says_what_is_new_since_each_reader_last_looked(client, school):
    base = f"/schools/{school['id']}/classes/{school['class_id']}"
    lessons = get(client, f"/children/{school['child']}/week?date=2026-09-14", school["parent"]).json_body
    lesson_id = lessons["days"][0]["lessons"][0]["lesson_id"]
    listed = get(client, "/children", school["parent"]).json_body["items"][0]
    assert (listed["new_grades"], listed["unread_messages"], listed["summary"]) == (0, 0, "Ничего нового")

    posted = post(client, f"{base}/lessons/{lesson_id}/grades", {"student_id": school["child"], "value": 4},
                  school["teacher"]).json_body
    mistake = post(client, f"{base}/lessons/{lesson_id}/grades", {"student_id": school["child"], "value": 2},
                   school["teacher"]).json_body
    assert client.http.delete(f"/schools/{school['id']}/students/{school['child']}/grades/{mistake['grade_id']}"
                              "?version=1", headers={"Authorization": f"Bearer {school['teacher']}"}).status_code == 204
    started = post(client, f"/schools/{school['id']}/students/{school['child']}/messages",
                   {"body": "Добрый день! Напоминаю про экскурсию."}, school["teacher"])
    assert started.status_code == 201, started.body
    school["pump"].drain()

    listed = get(client, "/children", school["parent"]).json_body["items"][0]
    # the deleted grade never counts; the message is unread
    assert (listed["new_grades"], listed["unread_messages"]) == (1, 1)
    assert listed["summary"] == "Новые оценки: 1 · Непрочитанные сообщения: 1"
    english = get(client, "/children", school["parent"], **{"Accept-Language": "en"}).json_body["items"][0]
    assert english["summary"] == "New grades: 1 · Unread messages: 1"
    # the tutor does not see grades: nothing about them, not even a count
    assert get(client, "/children", school["tutor"]).json_body["items"][0]["new_grades"] == 0

    # Another week shows none of it: still new. The week that shows it marks it seen.
    get(client, f"/children/{school['child']}/week?date=2026-09-07", school["parent"])
    assert get(client, "/children", school["parent"]).json_body["items"][0]["new_grades"] == 1
    week = get(client, f"/children/{school['child']}/week?date=2026-09-14", school["parent"]).json_body
    shown = {g["grade_id"]: g["new"] for g in week["days"][0]["lessons"][0]["grades"]}
    assert shown[posted["grade_id"]] is True and list(shown.values()).count(True) == 1
    assert get(client, "/children", school["parent"]).json_body["items"][0]["new_grades"] == 0
    again = get(client, f"/children/{school['child']}/week?date=2026-09-14", school["parent"]).json_body
    assert not any(g["new"] for g in again["days"][0]["lessons"][0]["grades"])
