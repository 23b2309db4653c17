"""«Мои классы» (docs/staff.md): GET /schools/{s}/my-classes gives the signed-in teacher's classes and
subjects by name and their lessons of a day — their own in any class, and the ones the school left
without a teacher in a class and subject they teach; and a teacher of a class writes to every family
of it (POST …/classes/{c}/messages), a teacher of another class is refused."""

from __future__ import annotations

import json

import pytest

from tests.journeys import (
    CHILD,
    JSON,
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

DAY = "2026-10-06"


def put(client, path, body, token):
    return client.http.put(path, headers={**JSON, "Authorization": f"Bearer {token}"}, body=json.dumps(body))


def _me(client, token):
    return get(client, "/me", token).json_body["account_id"]


@pytest.fixture(scope="module")
def school(app, aws):
    """5А (grade 5) and 6Б (grade 6), 7В (grade 7). `t` teaches 5А maths and 6Б English; `o` teaches
    6Б English too (a split class: its English lessons have no teacher) and 7В maths. Ivan of 5А has
    a linked parent."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        school_id, admin = school_with_admin(client, pump)
        base = f"/schools/{school_id}"
        world = {"id": school_id, "admin": admin, "base": base}
        for key, name, level in [("6b", "6Б", 6), ("5a", "5А", 5), ("7v", "7В", 7)]:
            made = post(client, f"{base}/classes", {"name": name, "grade_level": level}, admin)
            assert made.status_code == 201, made.body
            world[key] = made.json_body["class_id"]
        for key, name in [("maths", "Математика"), ("english", "Английский язык"), ("russian", "Русский язык")]:
            world[key] = post(client, f"{base}/subjects", {"name": name}, admin).json_body["subject_id"]
        for key, taught in [("t", [("5a", "maths"), ("6b", "english")]), ("o", [("6b", "english"), ("7v", "maths")])]:
            email = verified_account(client, pump, name=f"Учитель {key}")
            teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
            for class_key, subject_key in taught:
                assigned = post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": world[class_key],
                                                              "subject_id": world[subject_key]}, admin)
                assert assigned.status_code == 201, assigned.body
            world[key] = {"token": login(client, email)["access_token"], "id": teacher_id}
        student = enrol(client, school_id, admin, world["5a"])
        email = verified_account(client, pump)
        parent = login(client, email)["access_token"]
        check_and_approve(client, school_id, admin, apply(client, parent, school_id, CHILD))
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, email)}, parent).status_code == 200
        world["parent"] = {"token": parent, "student": student}
        return world


def _lesson(client, school, class_key, subject_key, starts, ends, date=DAY, teacher=None):
    body = {"date": date, "starts_at": starts, "ends_at": ends, "subject_id": school[subject_key], "room": "214"}
    if teacher:
        body["teacher_id"] = teacher
    made = post(client, f"{school['base']}/classes/{school[class_key]}/lessons", body, school["admin"])
    assert made.status_code == 201, made.body
    return made.json_body["lesson_id"]


def _mine(client, school, who, **query):
    path = f"{school['base']}/my-classes" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    answer = get(client, path, school[who]["token"] if who != "admin" else school["admin"])
    assert answer.status_code == 200, answer.body
    return answer.json_body


def test_the_teachers_classes_with_subject_names_by_grade(client, school):
    mine = _mine(client, school, "t", date=DAY)
    assert [(c["name"], [s["name"] for s in c["subjects"]]) for c in mine["classes"]] == [
        ("5А", ["Математика"]), ("6Б", ["Английский язык"])]
    assert mine["classes"][0]["class_id"] == school["5a"] and mine["classes"][0]["grade_level"] == 5
    assert mine["classes"][0]["subjects"][0]["subject_id"] == school["maths"]
    other = _mine(client, school, "o", date=DAY)
    assert [c["name"] for c in other["classes"]] == ["6Б", "7В"]
    # An administrator who teaches nothing: nothing, not a refusal
    assert _mine(client, school, "admin", date=DAY) == {"date": DAY, "classes": [], "lessons": []}


def test_the_days_lessons_mine_unassigned_in_my_class_and_substitutions_in_time_order(client, school):
    t = school["t"]
    maths = _lesson(client, school, "5a", "maths", "08:30", "09:15")  # assigned to t (the only teacher)
    split = _lesson(client, school, "6b", "english", "09:25", "10:10")  # two teachers: none assigned
    sub = _lesson(client, school, "7v", "maths", "11:15", "12:00", teacher=t["id"])  # t stands in for o
    _lesson(client, school, "5a", "russian", "10:20", "11:05")  # nobody's: not t's subject
    _lesson(client, school, "5a", "maths", "08:30", "09:15", date="2026-10-07")  # another day
    lessons = f"{school['base']}/classes/{school['5a']}/lessons/{maths}"
    assert put(client, f"{lessons}/topic", {"topic": "Дроби"}, t["token"]).status_code == 200
    assert put(client, f"{lessons}/homework", {"text": "№ 1–5", "due_date": "2026-10-07"},
               t["token"]).status_code == 200

    day = _mine(client, school, "t", date=DAY)["lessons"]
    assert [(x["lesson_id"], x["class_name"], x["subject_name"], x["starts_at"], x["teaches"]) for x in day] == [
        (maths, "5А", "Математика", "08:30", True), (split, "6Б", "Английский язык", "09:25", True),
        (sub, "7В", "Математика", "11:15", False)]
    first = day[0]
    assert first["topic"] == "Дроби" and first["homework_set"] is True and first["room"] == "214"
    assert first["ends_at"] == "09:15" and first["cancelled"] is False and first["class_id"] == school["5a"]
    assert day[1]["topic"] is None and day[1]["homework_set"] is False
    # The other teacher of 6Б sees the unassigned lesson too, not t's substitution in their 7В
    assert [x["lesson_id"] for x in _mine(client, school, "o", date=DAY)["lessons"]] == [split]
    assert [x["starts_at"] for x in _mine(client, school, "t", date="2026-10-07")["lessons"]] == ["08:30"]


def test_without_a_date_it_is_today_at_the_school(client, school):
    today = _mine(client, school, "t")["date"]
    made = _lesson(client, school, "5a", "maths", "13:00", "13:45", date=today)
    assert made in [x["lesson_id"] for x in _mine(client, school, "t")["lessons"]]


@pytest.mark.parametrize("date", ["2026-13-01", "вчера", "2026-02-30"])
def test_a_bad_date_is_refused_with_the_field_named(client, school, date):
    answer = get(client, f"{school['base']}/my-classes?date={date}", school["t"]["token"])
    assert answer.status_code == 422, answer.body
    assert answer.json_body["error"]["field"] == "date"


def test_only_the_schools_staff(client, school):
    assert get(client, f"{school['base']}/my-classes", school["parent"]["token"]).status_code == 403
    assert get(client, f"{school['base']}/my-classes").status_code == 401


def _threads(client, token):
    return {t["thread_id"]: t for t in get(client, "/messages/threads", token).json_body["items"]}


def test_a_teacher_of_the_class_writes_to_every_family_of_it(client, school):
    t = school["t"]
    sent = post(client, f"{school['base']}/classes/{school['5a']}/messages",
                {"subject": "Собрание", "body": "Уважаемые родители! В четверг собрание."}, t["token"])
    assert sent.status_code == 201, sent.body
    assert sent.json_body["families"] == 1 and sent.json_body["recipients"] == 1
    thread_id = sent.json_body["thread_ids"][0]
    reached = _threads(client, school["parent"]["token"])[thread_id]
    assert reached["unread"] == 1 and reached["subject"] == "Собрание" and reached["student_name"] == "Иван Соколов"
    assert _threads(client, t["token"])[thread_id]["unread"] == 0
    # The family answers: it reaches the teacher
    assert post(client, f"/messages/threads/{thread_id}/messages", {"body": "Придём."},
                school["parent"]["token"]).status_code == 201
    assert _threads(client, t["token"])[thread_id]["unread"] == 1


def test_a_teacher_of_another_class_is_refused_and_nothing_is_sent(client, school):
    before = set(_threads(client, school["parent"]["token"]))
    refused = post(client, f"{school['base']}/classes/{school['5a']}/messages", {"body": "Здравствуйте"},
                   school["o"]["token"])
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "not_your_class"
    # A lesson given as a substitute does not make the class theirs
    assert post(client, f"{school['base']}/classes/{school['7v']}/messages", {"body": "Здравствуйте"},
                school["t"]["token"]).status_code == 403
    assert set(_threads(client, school["parent"]["token"])) == before
    # An unknown class is not found, for anyone of the school
    assert post(client, f"{school['base']}/classes/nope/messages", {"body": "x"},
                school["t"]["token"]).status_code == 404
