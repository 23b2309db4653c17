"""Ownership and identifiers (docs/security.md): a school's staff never reach another school's
records through their own school's routes, lessons of two classes never share an id, and ids
derived for uploads cannot be computed without the school's own key."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import app as _app  # noqa: F401  (registers every route, so ENDPOINTS is complete at collection)
from chalicelib.api.routing import ENDPOINTS, schema
from tests.journeys import apply, get, login, operator_token, patch, post, school_with_admin, verified_account

# --- every school-scoped route refuses another school's entities ------------------------------

# A valid body or query for each model a school-scoped route with ids takes; "<name>" is filled
# with the entity of that name (of school A or B). A model with an id field and no entry here, or a
# path parameter with no entity to fill, fails the test: the table cannot grow unchecked.
BODIES: dict[str, dict[str, Any]] = {
    "StudentChange": {"class_id": "<class_id>"},
    "StudentCreate": {"last_name": "Новикова", "first_name": "Ольга", "birth_date": "2015-02-02",
                      "class_id": "<class_id>"},
    "TeachingCreate": {"teacher_id": "<teacher_id>", "class_id": "<class_id>", "subject_id": "<subject_id>"},
    "LessonCreate": {"date": "2026-09-08", "starts_at": "12:30", "ends_at": "13:15", "subject_id": "<subject_id>",
                     "teacher_id": "<teacher_id>"},
    "ScheduleChange": {"teacher_id": "<teacher_id>", "version": 1},
    "LessonMove": {"date": "2026-09-09", "starts_at": "12:30", "ends_at": "13:15", "teacher_id": "<teacher_id>",
                   "version": 1},
    "InPersonCheck": {"confirmed": True},
    "ApplicationApproval": {"student_id": "<student_id>"},
    "ApplicationReject": {"reason": "Документы не подтвердились"},
    "MeetingCreate": {"date": "2026-09-20", "starts_at": "18:00", "place": "Актовый зал", "agenda": "Итоги"},
    "EventCreate": {"title": "День знаний", "date": "2026-09-01", "class_ids": ["<class_id>"]},
    "NewsCreate": {"title": "Каникулы", "body": "С 26 октября", "class_ids": ["<class_id>"]},
    "TopicSet": {"topic": "Обыкновенные дроби"},
    "HomeworkSet": {"text": "№ 245", "due_date": "2026-09-09"},
    "GradeCreate": {"student_id": "<student_id>", "value": 5, "weight": 1, "work_kind": "classwork"},
    "GradeCorrection": {"value": 3, "version": 1},
    "LessonGradesSet": {"items": [{"student_id": "<student_id>", "value": 5}]},
    "AttendanceSet": {"mark": "absent", "excused": False},
    "AttestationSet": {"subject_id": "<subject_id>", "period": "<term_id>", "result": "5"},
    "FamilyMessageCreate": {"body": "Здравствуйте, придите, пожалуйста, на собрание."},
}
QUERIES: dict[str, dict[str, Any]] = {
    "StudentQuery": {"class_id": "<class_id>"},
    "JournalQuery": {"subject_id": "<subject_id>", "term_id": "<term_id>"},
    "RangeQuery": {"from": "2026-09-01", "to": "2026-09-30"},
    "DateRangeQuery": {"from": "2026-09-01", "to": "2026-09-30"},
    "PageQuery": {},
    "UploadStatusQuery": {},
    "UploadReportQuery": {},
    "OptionalVersionQuery": {},
    "VersionQuery": {"version": 1},
}
# Path parameters that name an entity, and the entity each is filled with.
PATH_ENTITIES = {"student_id": "student_id", "class_id": "class_id", "lesson_id": "lesson_id",
                 "grade_id": "grade_id", "application_id": "application_id", "credential_id": "credential_id",
                 "upload_id": "upload_id", "news_id": "news_id", "account_id": "teacher_id"}
STAFF_RULES = {"school_staff"}  # rules that let the school's teachers call the route too
NOT_FOUND_CODES = re.compile(r"^(not_found|\w+_not_found|student_not_in_class)$")


def _params(spec: Any) -> list[str]:
    return re.findall(r"{(\w+)}", spec.path)


def _placeholders(template: Any) -> set[str]:
    if isinstance(template, dict):
        return set().union(*(_placeholders(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(_placeholders(v) for v in template)) if template else set()
    if isinstance(template, str) and template.startswith("<") and template.endswith(">"):
        return {template[1:-1]}
    return set()


def _id_fields(model_name: str) -> set[str]:
    fields = schema(model_name).model_fields
    return {name for name in fields if name.endswith(("_id", "_ids")) or name == "period"}


def _entity_params(spec: Any) -> list[str]:
    """The entity ids a school route takes: path parameters, then ids in its body and query."""
    names = [PATH_ENTITIES.get(p, p) for p in _params(spec) if p != "school_id"]
    for table, model in ((BODIES, spec.body), (QUERIES, spec.query)):
        if model:
            names += sorted(_placeholders(table.get(model, {})) - set(names))
    return names


SCHOOL_ROUTES = [s for s in ENDPOINTS if "school_id" in _params(s)]
SCOPED = [s for s in SCHOOL_ROUTES if _entity_params(s)]


def test_every_school_route_with_ids_has_entities_to_fill():
    for spec in SCHOOL_ROUTES:
        for param in _params(spec):
            assert param == "school_id" or param in PATH_ENTITIES, f"{spec.method} {spec.path}: {param}?"
        for table, model in ((BODIES, spec.body), (QUERIES, spec.query)):
            if model and (_id_fields(model) or (spec in SCOPED and schema(model).model_json_schema().get("required"))):
                assert model in table, f"{spec.method} {spec.path}: no template for {model}"
                assert _id_fields(model) <= set(table[model]) | {"version"}, f"{model}: an id left unfilled"
    assert len(SCOPED) >= 30


def _fill(template: Any, ids: dict[str, str]) -> Any:
    if isinstance(template, dict):
        return {k: _fill(v, ids) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, ids) for v in template]
    if isinstance(template, str) and template.startswith("<") and template.endswith(">"):
        return ids[template[1:-1]]
    return template


def _request(client: Any, spec: Any, ids: dict[str, str], token: str) -> Any:
    path = re.sub(r"{(\w+)}", lambda m: ids[PATH_ENTITIES.get(m.group(1), m.group(1))], spec.path)
    if spec.query:
        query = _fill(QUERIES[spec.query], ids)
        if query:
            path += "?" + urllib.parse.urlencode(query)
    body = json.dumps(_fill(BODIES[spec.body], ids)) if spec.body else "{}"
    return client.http.request(spec.method, path, body=body.encode(),
                               headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})


def _school(client: Any, pump: Any, names: dict[str, str]) -> dict[str, Any]:
    """A school with one of everything a route can name, posted the way its staff post them."""
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"

    def made(path: str, body: dict[str, Any], token: str = admin) -> dict[str, Any]:
        response = post(client, f"{base}{path}", body, token)
        assert response.status_code == 201, response.body
        return dict(response.json_body)

    class_id = made("/classes", {"name": names["class"], "grade_level": 5})["class_id"]
    subject_id = made("/subjects", {"name": "Математика"})["subject_id"]
    term_id = made("/terms", {"name": "1 четверть", "starts_on": "2026-09-01", "ends_on": "2026-10-25"})["term_id"]
    teacher_email = verified_account(client, pump, name=names["teacher"])
    teacher_id = made("/teachers", {"email": teacher_email})["account_id"]
    made("/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": subject_id})
    teacher = login(client, teacher_email)["access_token"]
    student_id = made("/students", {"last_name": names["student"], "first_name": "Вера",
                                    "birth_date": "2015-05-05", "class_id": class_id})["student_id"]
    lesson_id = made(f"/classes/{class_id}/lessons", {"date": "2026-09-07", "starts_at": "08:30",
                                                      "ends_at": "09:15", "subject_id": subject_id,
                                                      "teacher_id": teacher_id})["lesson_id"]
    lesson = f"/classes/{class_id}/lessons/{lesson_id}"
    grade_id = made(f"{lesson}/grades", {"student_id": student_id, "value": 4, "remark": names["remark"]},
                    teacher)["grade_id"]
    marked = client.http.put(f"{base}{lesson}/attendance/{student_id}", body=json.dumps({"mark": "late"}),
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {teacher}"})
    assert marked.status_code == 200, marked.body
    parent = login(client, verified_account(client, pump))["access_token"]
    application_id = apply(client, parent, school_id, {
        "child_last_name": names["student"], "child_first_name": "Вера", "child_birth_date": "2015-05-05",
        "class_name": names["class"], "relation": "mother"})
    ids = {"school_id": school_id, "class_id": class_id, "subject_id": subject_id, "term_id": term_id,
           "teacher_id": teacher_id, "student_id": student_id, "lesson_id": lesson_id, "grade_id": grade_id,
           "application_id": application_id,
           "credential_id": made("/credentials", {"name": "Сетевой город"})["credential_id"],
           "upload_id": made("/uploads", {"filename": "year.zip"})["upload_id"],
           "news_id": made("/news", {"title": "Каникулы", "body": "С 26 октября"})["news_id"]}
    return {"ids": ids, "admin": admin, "teacher": teacher, "secrets": {*ids.values(), *names.values()} - {school_id}}


@pytest.fixture(scope="module")
def two_schools(app, aws):
    from chalice.test import Client

    from chalicelib.dal import accounts as store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        store.clear_throttle("client", "127.0.0.1")
        a = _school(client, pump, {"class": "5А", "teacher": "Петрова Анна Сергеевна", "student": "Иванова",
                                   "remark": "Хорошо"})
        b = _school(client, pump, {"class": "11Я", "teacher": "Беркутов Борис Бенедиктович",
                                   "student": "Заболотная", "remark": "Бесподобно"})
        pump.drain()
        return a, b


def _variants(spec: Any, a: dict[str, str], b: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Every entity from school B, then each entity alone from B and the rest from A."""
    params = _entity_params(spec)
    variants = [("all of B", {**b, "school_id": a["school_id"]})]
    if len(params) > 1:
        variants += [(f"{p} of B", {**a, p: b[p]}) for p in params]
    return variants


@pytest.mark.parametrize("spec", SCOPED, ids=lambda s: f"{s.method} {s.path}")
def test_school_route_refuses_another_schools_entities(spec, two_schools, client):
    a, b = two_schools
    # The one who runs school A: its administrator, or the city operator on the operator's routes
    # (removing an administrator), who must still find nothing of B under A's path.
    first = ("operator", operator_token(client)) if spec.allow.name == "operator" else ("admin of A", a["admin"])
    actors = [first] + ([("teacher of A", a["teacher"])] if spec.allow.name in STAFF_RULES else [])
    for actor, token in actors:
        for variant, ids in _variants(spec, a["ids"], b["ids"]):
            response = _request(client, spec, ids, token)
            where = f"{actor}, {variant}: {response.status_code} {response.body!r}"
            assert response.status_code in (403, 404), where
            assert set(response.json_body) == {"error"}, where
            code = response.json_body["error"]["code"]
            if response.status_code == 404:
                assert NOT_FOUND_CODES.match(code), where
            else:
                assert code in ("not_your_class", "forbidden"), where
            if actor == first[0] and variant == "all of B":
                assert response.status_code == 404, where  # the first thing it looks up is not the school's
            text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
            assert not [s for s in b["secrets"] if s in text], where


READS = [s for s in SCOPED if s.method == "GET"]


@pytest.mark.parametrize("spec", READS, ids=lambda s: f"{s.method} {s.path}")
def test_the_same_read_with_the_schools_own_entities_answers(spec, two_schools, client):
    # …so a refusal above is the other school's entity's doing, not a broken request
    a, _ = two_schools
    actors = [a["admin"]] + ([a["teacher"]] if spec.allow.name in STAFF_RULES else [])
    for token in actors:
        response = _request(client, spec, a["ids"], token)
        assert response.status_code == 200, response.body


def test_grade_history_of_another_schools_student_is_not_found(two_schools, client):
    a, b = two_schools
    path = f"/schools/{a['ids']['school_id']}/students/{b['ids']['student_id']}/grades/{b['ids']['grade_id']}/history"
    response = get(client, path, a["admin"])
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "grade_not_found"
    own = get(client, path.replace(a["ids"]["school_id"], b["ids"]["school_id"]), b["admin"])
    assert own.status_code == 200 and own.json_body["items"][0]["after"]["remark"] == "Бесподобно"


# --- two classes, the same subject at the same hour -------------------------------------------


def _put(client: Any, path: str, body: dict[str, Any], token: str) -> Any:
    return client.http.put(path, body=json.dumps(body),
                           headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})


def _delete(client: Any, path: str, token: str) -> Any:
    return client.http.delete(path, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def parallel_classes(client, pump):
    """5А and 5Б with mathematics at 08:30 on the same day, each with its own teacher and pupil;
    5А's pupil is marked absent and graded."""
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    out: dict[str, Any] = {"base": base, "admin": admin}
    for key, name, teacher_name, pupil in [("a", "5А", "Петрова Анна Сергеевна", "Иванов"),
                                           ("b", "5Б", "Сидоров Олег Ильич", "Орлова")]:
        class_id = post(client, f"{base}/classes", {"name": name, "grade_level": 5}, admin).json_body["class_id"]
        email = verified_account(client, pump, name=teacher_name)
        teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
        post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths},
             admin)
        student = post(client, f"{base}/students", {"last_name": pupil, "first_name": "Пётр",
                                                     "birth_date": "2015-05-05", "class_id": class_id},
                       admin).json_body["student_id"]
        lesson = post(client, f"{base}/classes/{class_id}/lessons", {
            "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths,
            "teacher_id": teacher_id}, admin)
        assert lesson.status_code == 201, lesson.body
        out[key] = {"class": class_id, "student": student, "lesson": lesson.json_body["lesson_id"],
                    "teacher": login(client, email)["access_token"],
                    "lesson_path": f"{base}/classes/{class_id}/lessons/{lesson.json_body['lesson_id']}"}
    a = out["a"]
    assert _put(client, f"{a['lesson_path']}/attendance/{a['student']}", {"mark": "absent"},
                a["teacher"]).status_code == 200
    grade = post(client, f"{a['lesson_path']}/grades", {"student_id": a["student"], "value": 5}, a["teacher"])
    assert grade.status_code == 201
    a["grade"] = grade.json_body["grade_id"]
    out["subject"] = maths
    return out


def _mark_of(student_id: str, lesson_id: str) -> Any:
    from chalicelib.dal import journal as journal_store
    from chalicelib.dal.models import AttendanceMark

    return journal_store.get(AttendanceMark, journal_store.student_pk(student_id), journal_store.mark_sk(lesson_id))


def test_lessons_of_two_classes_at_the_same_hour_have_their_own_ids(parallel_classes):
    a, b = parallel_classes["a"], parallel_classes["b"]
    assert a["lesson"] != b["lesson"]
    for lesson in (a["lesson"], b["lesson"]):
        assert lesson.startswith("2026-09-07T0830-")  # the date keys and orders it…
        assert parallel_classes["subject"] not in lesson  # …the rest is not computable from the schedule


def test_another_class_teacher_cannot_clear_mark_or_grade_through_either_path(client, parallel_classes):
    a, b = parallel_classes["a"], parallel_classes["b"]
    intruder = b["teacher"]
    # Through the intruder's own class: their own lesson with 5А's pupil, or 5А's lesson id
    for lesson_path, code in [(b["lesson_path"], "student_not_in_class"),
                              (b["lesson_path"].replace(b["lesson"], a["lesson"]), "lesson_not_found")]:
        attempts = [
            _delete(client, f"{lesson_path}/attendance/{a['student']}", intruder),
            _put(client, f"{lesson_path}/attendance/{a['student']}", {"mark": "late", "minutes_late": 5}, intruder),
            post(client, f"{lesson_path}/grades", {"student_id": a["student"], "value": 2}, intruder),
        ]
        for response in attempts:
            assert (response.status_code, response.json_body["error"]["code"]) == (404, code), response.body
    # Through 5А's own path: not the intruder's class
    grade_path = f"{parallel_classes['base']}/students/{a['student']}/grades/{a['grade']}"
    attempts = [
        _delete(client, f"{a['lesson_path']}/attendance/{a['student']}", intruder),
        _put(client, f"{a['lesson_path']}/attendance/{a['student']}", {"mark": "late"}, intruder),
        post(client, f"{a['lesson_path']}/grades", {"student_id": a["student"], "value": 2}, intruder),
        _put(client, f"{a['lesson_path']}/topic", {"topic": "Чужая тема"}, intruder),
        _put(client, f"{a['lesson_path']}/homework", {"text": "Чужое", "due_date": "2026-09-09"}, intruder),
        patch(client, grade_path, {"value": 2, "version": 1}, intruder),
        _delete(client, f"{grade_path}?version=1", intruder),
    ]
    for response in attempts:
        assert (response.status_code, response.json_body["error"]["code"]) == (403, "not_your_class"), response.body
    mark = _mark_of(a["student"], a["lesson"])
    assert mark is not None and (mark.mark, int(mark.version)) == ("absent", 1)


def test_own_teacher_still_clears_their_classs_mark(client, parallel_classes):
    a = parallel_classes["a"]
    assert _delete(client, f"{a['lesson_path']}/attendance/{a['student']}", a["teacher"]).status_code == 204
    assert _mark_of(a["student"], a["lesson"]) is None


# --- ids derived for uploads cannot be computed from outside -----------------------------------


def _legacy_uuid5(school_id: str, what: str, source: str) -> str:
    """How uploaded ids were made before: from the school's id alone."""
    return uuid.uuid5(uuid.UUID(hex=school_id.ljust(32, "0")[:32]), f"{what}:{source}").hex


def _upload_students(client: Any, pump: Any, school_id: str, token: str) -> list[dict[str, Any]]:
    import io
    import zipfile

    import requests

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("classes.csv", "name,grade_level\n5А,5\n")
        archive.writestr("students.csv", "student_id,last_name,first_name,birth_date,class\n"
                                         "S-001,Иванов,Пётр,2015-03-14,5А\n")
    ticket = post(client, f"/schools/{school_id}/uploads", {"filename": "roster.zip"}, token).json_body
    requests.put(ticket["upload_url"], data=buffer.getvalue(), timeout=10).raise_for_status()
    pump.drain()
    status = get(client, f"/schools/{school_id}/uploads/{ticket['upload_id']}", token).json_body
    assert status["state"] == "done", status
    classes = get(client, f"/schools/{school_id}/classes", token).json_body["items"]
    return list(get(client, f"/schools/{school_id}/students?class_id={classes[0]['class_id']}",
                    token).json_body["items"])


def test_uploaded_ids_are_keyed_by_the_schools_own_secret_key(client, pump):
    from chalicelib.dal import schools as school_store

    found = []
    for _ in range(2):
        school_id, admin = school_with_admin(client, pump)
        [student] = _upload_students(client, pump, school_id, admin)
        school = school_store.get_school(school_id)
        assert school is not None and school.id_key and len(school.id_key) == 64
        keyed = hmac.new(bytes.fromhex(school.id_key), b"student:S-001", hashlib.sha256).hexdigest()[:32]
        assert student["student_id"] == keyed
        assert student["student_id"] != _legacy_uuid5(school_id, "student", "S-001")
        # The key is never shown, not even to the school's administrator
        shown = get(client, f"/schools/{school_id}", admin)
        assert shown.status_code == 200 and school.id_key not in shown.body.decode()
        found.append(student["student_id"])
    assert found[0] != found[1]  # the same pupil number at two schools: two unrelated ids


def test_a_school_from_before_keys_gets_one_key_on_first_use_even_when_raced(client):
    from chalicelib.dal.models import School
    from chalicelib.domain import identifiers

    school_id = uuid.uuid4().hex
    School(f"SCHOOL#{school_id}", "SCHOOL", school_id=school_id, name="Школа прежних времён").save()
    with ThreadPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(lambda _: identifiers.school_key(school_id), range(6)))
    assert len(keys) == 1
    [key] = keys
    assert School.get(f"SCHOOL#{school_id}", "SCHOOL").id_key == key
    assert identifiers.school_key(school_id) == key  # and it stays the school's


def test_a_posted_and_an_uploaded_lesson_of_the_same_row_meet(client, pump):
    # The schedule posted over the API and the same row uploaded address one lesson (no twin)
    import io
    import zipfile

    import requests

    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    post(client, f"{base}/subjects", {"name": "Математика"}, admin)
    maths = get(client, f"{base}/subjects", admin).json_body["items"][0]["subject_id"]
    posted = post(client, f"{base}/classes/{class_id}/lessons", {
        "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths}, admin)
    assert posted.status_code == 201
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schedule.csv", "class,date,starts_at,ends_at,subject,teacher_email,room,topic\n"
                                         "5А,2026-09-07,08:30,09:15,Математика,,,Дроби\n")
    ticket = post(client, f"{base}/uploads", {"filename": "week.zip"}, admin).json_body
    requests.put(ticket["upload_url"], data=buffer.getvalue(), timeout=10).raise_for_status()
    pump.drain()
    assert get(client, f"{base}/uploads/{ticket['upload_id']}", admin).json_body["state"] == "done"
    lessons = get(client, f"{base}/classes/{class_id}/lessons?from=2026-09-07&to=2026-09-07", admin).json_body
    assert [(x["lesson_id"], x["topic"]) for x in lessons["items"]] == [(posted.json_body["lesson_id"], "Дроби")]


def test_a_kept_demo_school_from_before_keys_restarts_without_crash_or_twins(aws):
    # `make run` on an old .local: the demo school has no id key and a week with no lessons yet
    import datetime as dt

    from chalicelib.dal import journal as journal_store
    from chalicelib.dal.models import Lesson, School
    from chalicelib.domain import schools
    from ops.seed_demo import seed

    school_id = seed()
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    week = (monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())
    class_id = next(c["class_id"] for c in schools.list_classes(school_id, 100, None)["items"] if c["name"] == "5А")
    pupils = [s["student_id"] for s in schools.list_students(school_id, class_id, 100, None)["items"]]
    for item in journal_store.class_days(class_id, *week) + [
            i for p in pupils for i in journal_store.student_days(p, *week)]:
        item.delete()
    School.get(f"SCHOOL#{school_id}", "SCHOOL").update(actions=[School.id_key.remove()])

    assert seed() == school_id
    assert seed() == school_id
    lessons = [i for i in journal_store.class_days(class_id, *week) if isinstance(i, Lesson)]
    from ops.seed_demo import school_days

    days = len(school_days(dt.date.today()))  # the week so far: two lessons a school day up to today
    assert len(lessons) == 2 * days and len({i.lesson_id for i in lessons}) == 2 * days
    assert School.get(f"SCHOOL#{school_id}", "SCHOOL").id_key
