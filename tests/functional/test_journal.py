"""The teacher's journal and the schedule: who may write, history of corrections, optimistic locking."""

from __future__ import annotations

import pytest

from tests.journeys import get, login, patch, post, school_with_admin, verified_account


def put(client, path, body, token):
    import json

    return client.http.put(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                           body=json.dumps(body))


def delete(client, path, token):
    return client.http.delete(path, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def school(client, pump):
    """A school with class 5А, mathematics taught by one teacher, another teacher, two pupils, one lesson."""
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    other_class = post(client, f"{base}/classes", {"name": "6Б", "grade_level": 6}, admin).json_body["class_id"]
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    teachers = {}
    for key, name in [("maths", "Петрова Анна Сергеевна"), ("other", "Сидоров Олег Ильич")]:
        email = verified_account(client, pump, name=name)
        teachers[key] = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
        teachers[key + "_email"] = email
    post(client, f"{base}/teachings", {"teacher_id": teachers["maths"], "class_id": class_id, "subject_id": maths},
         admin)
    pupils = [post(client, f"{base}/students", {"last_name": last, "first_name": first, "birth_date": "2015-05-05",
                                               "class_id": cid}, admin).json_body["student_id"]
              for last, first, cid in [("Иванов", "Пётр", class_id), ("Орлова", "Вера", other_class)]]
    lesson = post(client, f"{base}/classes/{class_id}/lessons", {
        "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths,
        "teacher_id": teachers["maths"], "room": "214"}, admin)
    assert lesson.status_code == 201, lesson.body
    return {
        "id": school_id, "admin": admin, "class_id": class_id, "subject_id": maths, "pupil": pupils[0],
        "stranger": pupils[1], "lesson": lesson.json_body["lesson_id"],
        "teacher": login(client, teachers["maths_email"])["access_token"],
        "other_teacher": login(client, teachers["other_email"])["access_token"],
        "lesson_path": f"{base}/classes/{class_id}/lessons/{lesson.json_body['lesson_id']}",
    }


def test_schedule_is_the_administrators(client, school):
    base = f"/schools/{school['id']}/classes/{school['class_id']}/lessons"
    body = {"date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": school["subject_id"]}
    duplicate = post(client, base, body, school["admin"])
    assert duplicate.status_code == 409
    assert duplicate.json_body["error"]["code"] == "lesson_exists"
    assert post(client, base, {**body, "starts_at": "10:30", "ends_at": "11:15"}, school["teacher"]).status_code == 403
    backwards = post(client, base, {**body, "starts_at": "12:00", "ends_at": "11:00"}, school["admin"])
    assert backwards.status_code == 400
    moved = patch(client, school["lesson_path"], {"room": "301", "version": 1}, school["admin"])
    assert moved.status_code == 200
    assert (moved.json_body["room"], moved.json_body["version"]) == ("301", 2)


def test_teacher_posts_topic_homework_grades_and_attendance(client, school):
    path, teacher = school["lesson_path"], school["teacher"]
    assert put(client, f"{path}/topic", {"topic": "Обыкновенные дроби"}, teacher).status_code == 200
    homework = put(client, f"{path}/homework", {"text": "№ 245, 247 (стр. 58)", "due_date": "2026-09-09"}, teacher)
    assert homework.status_code == 200, homework.body
    grade = post(client, f"{path}/grades", {"student_id": school["pupil"], "value": 4, "weight": 2,
                                            "work_kind": "test", "remark": "Ошибка в вычислениях"}, teacher)
    assert grade.status_code == 201, grade.body
    assert grade.json_body["date"] == "2026-09-07"
    mark = put(client, f"{path}/attendance/{school['pupil']}", {"mark": "late", "minutes_late": 10}, teacher)
    assert mark.status_code == 200
    assert (mark.json_body["mark"], mark.json_body["excused"]) == ("late", False)

    week = get(client, f"/schools/{school['id']}/classes/{school['class_id']}/lessons?from=2026-09-07&to=2026-09-13",
               teacher)
    assert week.status_code == 200
    [lesson] = week.json_body["items"]
    assert lesson["topic"] == "Обыкновенные дроби"
    assert lesson["homework"]["text"] == "№ 245, 247 (стр. 58)"
    assert lesson["homework"]["due_date"] == "2026-09-09"


def test_only_the_teacher_of_the_class_and_subject_writes(client, school):
    path = school["lesson_path"]
    refused = put(client, f"{path}/topic", {"topic": "Чужой урок"}, school["other_teacher"])
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "not_your_class"
    grade = post(client, f"{path}/grades", {"student_id": school["pupil"], "value": 5}, school["other_teacher"])
    assert grade.status_code == 403
    outsider = post(client, f"{path}/grades", {"student_id": school["stranger"], "value": 5}, school["teacher"])
    assert outsider.status_code == 404
    assert outsider.json_body["error"]["code"] == "student_not_in_class"
    bad_value = post(client, f"{path}/grades", {"student_id": school["pupil"], "value": 6}, school["teacher"])
    assert bad_value.status_code == 422
    assert bad_value.json_body["error"]["field"] == "value"


def test_a_correction_keeps_history_and_a_stale_edit_gets_409(client, school):
    teacher = school["teacher"]
    grade = post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 3},
                 teacher).json_body
    path = f"/schools/{school['id']}/students/{school['pupil']}/grades/{grade['grade_id']}"
    corrected = patch(client, path, {"value": 4, "remark": "Исправлено после пересдачи", "version": 1}, teacher)
    assert corrected.status_code == 200
    assert (corrected.json_body["value"], corrected.json_body["version"]) == (4, 2)
    # A second teacher's screen still shows version 1: their edit must not silently win
    stale = patch(client, path, {"value": 2, "version": 1}, teacher)
    assert stale.status_code == 409
    assert stale.json_body["error"]["code"] == "stale_version"
    assert delete(client, f"{path}?version=2", teacher).status_code == 204
    assert patch(client, path, {"value": 5, "version": 3}, teacher).status_code == 404
    history = get(client, f"{path}/history", school["admin"])
    assert history.status_code == 200
    entries = history.json_body["items"]
    assert [e["action"] for e in entries] == ["created", "corrected", "deleted"]
    assert entries[1]["before"] == {"value": 3, "remark": None}
    assert entries[1]["after"] == {"value": 4, "remark": "Исправлено после пересдачи"}
    assert {e["changed_by"] for e in entries} == {"Петрова Анна Сергеевна"}


def test_the_database_refuses_a_write_based_on_an_old_read(client, school):
    # Two requests read the same grade; the slower one must lose even past the API's own check
    from chalicelib.dal import journal as store
    from chalicelib.dal.models import Grade
    from chalicelib.errors import ConflictError

    grade = post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 3},
                 school["teacher"]).json_body
    keys = (store.student_pk(school["pupil"]), store.grade_sk(grade["grade_id"]))
    first, second = store.get(Grade, *keys), store.get(Grade, *keys)
    first.value = 4
    store.save_change(first, "teacher-a", "corrected", {"value": 3}, {"value": 4})
    second.value = 5
    with pytest.raises(ConflictError) as lost:
        store.save_change(second, "teacher-b", "corrected", {"value": 3}, {"value": 5})
    assert lost.value.code == "stale_version"
    assert store.get(Grade, *keys).value == 4


def test_changes_reach_the_stream_with_what_alerts_need(client, school, app):
    from chalice import Chalice

    from ops.pump import Pump

    listener = Chalice(app_name="alerts-probe")
    images = []

    @listener.on_dynamodb_record(stream_arn="arn:aws:dynamodb:eu-central-1:123456789012:table/ediary-test/stream/x",
                                 starting_position="LATEST")
    def changes(event):
        images.extend(r.new_image for r in event if r.new_image)

    pump = Pump(listener)
    pump.poll_once()
    post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 2,
                                                    "remark": "Не готов к уроку"}, school["teacher"])
    pump.drain(timeout=10)
    grades = [i for i in images if i.get("kind") == {"S": "Grade"}]
    assert len(grades) == 1
    image = grades[0]
    for field in ("school_id", "class_id", "student_id", "subject_id", "lesson_id", "changed_by"):
        assert image[field]["S"], field
    assert image["change"] == {"S": "created"}
    assert image["value"] == {"N": "2"}
    assert image["remark"] == {"S": "Не готов к уроку"}
