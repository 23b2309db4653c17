"""The city operator registers schools and administrators; administrators build the school."""

from __future__ import annotations

from tests.journeys import get, login, operator_token, patch, post, school_with_admin, verified_account


def test_operator_registers_a_school_and_its_administrator(client, pump):
    school_id, admin = school_with_admin(client, pump)
    me = get(client, "/me", admin)
    # The school's name comes with the role: the cabinet's menus name it, and a teacher may not read the school
    assert me.json_body["roles"] == [{"role": "admin", "school_id": school_id, "school_name": "ГБОУ Школа № 239"}]
    school = get(client, f"/schools/{school_id}", admin)
    assert school.status_code == 200
    assert school.json_body["name"] == "ГБОУ Школа № 239"
    assert school.json_body["timezone"] == "Europe/Moscow"


def test_only_the_operator_registers_schools(client, pump):
    parent = login(client, verified_account(client, pump))["access_token"]
    refused = post(client, "/schools", {"name": "Школа"}, parent)
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "forbidden"
    _, admin = school_with_admin(client, pump)
    assert post(client, "/schools", {"name": "Школа"}, admin).status_code == 403
    assert client.http.post("/schools", body="{}").status_code == 401


def test_an_administrator_cannot_touch_another_school(client, pump):
    school_a, admin_a = school_with_admin(client, pump)
    school_b, _ = school_with_admin(client, pump)
    assert get(client, f"/schools/{school_b}", admin_a).status_code == 403
    assert post(client, f"/schools/{school_b}/classes", {"name": "5А", "grade_level": 5}, admin_a).status_code == 403
    assert post(client, f"/schools/{school_a}/classes", {"name": "5А", "grade_level": 5}, admin_a).status_code == 201


def test_administrator_builds_classes_subjects_terms_teachers_and_students(client, pump):
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    klass = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin)
    assert klass.status_code == 201
    class_id = klass.json_body["class_id"]
    duplicate = post(client, f"{base}/classes", {"name": "5а", "grade_level": 5}, admin)
    assert duplicate.status_code == 409
    assert duplicate.json_body["error"]["code"] == "class_exists"

    subject = post(client, f"{base}/subjects", {"name": "Математика"}, admin)
    assert subject.status_code == 201
    subject_id = subject.json_body["subject_id"]

    term = post(client, f"{base}/terms", {"name": "1 четверть", "starts_on": "2026-09-01",
                                          "ends_on": "2026-10-26"}, admin)
    assert term.status_code == 201
    overlap = post(client, f"{base}/terms", {"name": "2 четверть", "starts_on": "2026-10-20",
                                             "ends_on": "2026-12-28"}, admin)
    assert overlap.status_code == 409
    assert overlap.json_body["error"]["code"] == "term_overlaps"
    backwards = post(client, f"{base}/terms", {"name": "X", "starts_on": "2027-03-01",
                                               "ends_on": "2027-01-01"}, admin)
    assert backwards.status_code == 400

    teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher = post(client, f"{base}/teachers", {"email": teacher_email}, admin)
    assert teacher.status_code == 201
    teacher_id = teacher.json_body["account_id"]
    again = post(client, f"{base}/teachers", {"email": teacher_email}, admin)
    assert again.status_code == 409
    teaching = post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id,
                                                  "subject_id": subject_id}, admin)
    assert teaching.status_code == 201

    for last, first in [("Соколов", "Иван"), ("Алексеева", "Дарья"), ("Морозов", "Пётр")]:
        added = post(client, f"{base}/students", {"last_name": last, "first_name": first,
                                                  "birth_date": "2015-04-12", "class_id": class_id}, admin)
        assert added.status_code == 201

    # The teacher (a fresh login carries the new role) reads the roster, by surname
    teacher_token = login(client, teacher_email)["access_token"]
    roster = get(client, f"{base}/students?class_id={class_id}", teacher_token)
    assert roster.status_code == 200
    assert [s["last_name"] for s in roster.json_body["items"]] == ["Алексеева", "Морозов", "Соколов"]
    # ...but cannot change the school
    assert post(client, f"{base}/subjects", {"name": "Физика"}, teacher_token).status_code == 403


def test_lists_are_paginated_with_an_opaque_cursor(client, pump):
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "7Б", "grade_level": 7}, admin).json_body["class_id"]
    names = [f"Ученик{i:02d}" for i in range(5)]
    for name in names:
        post(client, f"{base}/students", {"last_name": name, "first_name": "Тест", "birth_date": "2013-01-01",
                                          "class_id": class_id}, admin)
    seen, cursor = [], None
    while True:
        query = f"{base}/students?class_id={class_id}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = get(client, query, admin).json_body
        seen += [s["last_name"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == names
    forged = get(client, f"{base}/students?class_id={class_id}&cursor=eyJQSyI6IlgifQ", admin)
    assert forged.status_code == 400
    assert forged.json_body["error"]["code"] == "invalid_cursor"


def test_staff_must_have_a_verified_account(client, pump):
    operator = operator_token(client)
    school_id = post(client, "/schools", {"name": "Лицей № 30"}, operator).json_body["school_id"]
    missing = post(client, f"/schools/{school_id}/administrators", {"email": "nobody@example.ru"}, operator)
    assert missing.status_code == 404
    assert missing.json_body["error"]["code"] == "account_not_found"


def test_administrator_moves_a_student_and_a_teacher_leaves(client, pump):
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    five = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    six = post(client, f"{base}/classes", {"name": "6А", "grade_level": 6}, admin).json_body["class_id"]
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    pupil = post(client, f"{base}/students", {"last_name": "Ивонов", "first_name": "Пётр",
                                              "birth_date": "2015-03-14", "class_id": five}, admin).json_body
    moved = patch(client, f"{base}/students/{pupil['student_id']}", {"class_id": six, "last_name": "Иванов"}, admin)
    assert moved.status_code == 200
    assert (moved.json_body["class_id"], moved.json_body["last_name"]) == (six, "Иванов")
    assert get(client, f"{base}/students?class_id={five}", admin).json_body["items"] == []
    assert [s["last_name"] for s in get(client, f"{base}/students?class_id={six}", admin).json_body["items"]] == [
        "Иванов"]

    email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
    post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": six, "subject_id": maths}, admin)
    gone = client.http.delete(f"{base}/teachers/{teacher_id}", headers={"Authorization": f"Bearer {admin}"})
    assert gone.status_code == 204
    assert get(client, f"{base}/teachers", admin).json_body["items"] == []
    assert get(client, f"{base}/teachings", admin).json_body["items"] == []
    # A fresh login no longer carries the role
    assert get(client, "/me", login(client, email)["access_token"]).json_body["roles"] == []
