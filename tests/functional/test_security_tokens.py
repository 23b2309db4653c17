"""Issue 12, items 15 and 16: a removed staff role stops working with the very token that carried it,
and every token says its kind (an account's or a school system's) and passes only the routes of its kind."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import pytest

from tests.journeys import get, linked_parent, login, operator_token, post, school_with_admin, verified_account


def put(client: Any, path: str, body: dict[str, Any], token: str) -> Any:
    return client.http.put(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                           body=json.dumps(body))


def delete(client: Any, path: str, token: str) -> Any:
    return client.http.delete(path, headers={"Authorization": f"Bearer {token}"})


def refused(response: Any, status: int = 403, code: str = "forbidden") -> bool:
    """Refused before the handler ran: the bare error, naming nothing."""
    return response.status_code == status and response.json_body["error"]["code"] == code


def refreshed(client: Any, pair: dict[str, Any]) -> str:
    answer = post(client, "/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert answer.status_code == 200, answer.body
    return str(answer.json_body["access_token"])


@contextmanager
def dynamodb_calls() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB operation the app makes meanwhile, with its parameters."""
    import botocore.client

    calls: list[tuple[str, dict[str, Any]]] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            calls.append((operation, params))
        return original(self, operation, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
        yield calls


@pytest.fixture
def school(client, pump):
    """A school with 5А, mathematics, its teacher (a token pair from before anything is removed),
    a pupil and a lesson."""
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
    post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths}, admin)
    pupil = post(client, f"{base}/students", {"last_name": "Иванов", "first_name": "Пётр",
                                              "birth_date": "2015-05-05", "class_id": class_id},
                 admin).json_body["student_id"]
    lesson = post(client, f"{base}/classes/{class_id}/lessons", {
        "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths,
        "teacher_id": teacher_id}, admin)
    assert lesson.status_code == 201, lesson.body
    return {"id": school_id, "admin": admin, "class_id": class_id, "subject_id": maths, "pupil": pupil,
            "teacher_id": teacher_id, "teacher": login(client, email),
            "lesson_path": f"{base}/classes/{class_id}/lessons/{lesson.json_body['lesson_id']}"}


def _teacher_routes(school: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """One route of each kind a teacher reaches: roster, structure, journal grid, journal writes, messages."""
    base, lesson = f"/schools/{school['id']}", school["lesson_path"]
    return [
        ("GET", f"{base}/students?class_id={school['class_id']}", None),
        ("GET", f"{base}/classes", None),
        ("GET", f"{base}/classes/{school['class_id']}/journal?subject_id={school['subject_id']}", None),
        ("POST", f"{lesson}/grades", {"student_id": school["pupil"], "value": 5}),
        ("PUT", f"{lesson}/topic", {"topic": "Обыкновенные дроби"}),
        ("PUT", f"{lesson}/attendance/{school['pupil']}", {"mark": "absent"}),
        ("POST", f"{base}/students/{school['pupil']}/messages", {"body": "Пётр сегодня молодец."}),
    ]


def _call(client: Any, method: str, path: str, body: dict[str, Any] | None, token: str) -> Any:
    return client.http.request(method, path, body=json.dumps(body or {}).encode(), headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})


# --- item 15: staff roles are read back on every request ------------------------------------


def test_a_removed_teacher_is_refused_at_once_with_the_same_token(client, school):
    token = school["teacher"]["access_token"]
    roster = get(client, f"/schools/{school['id']}/students?class_id={school['class_id']}", token)
    assert roster.status_code == 200 and [s["last_name"] for s in roster.json_body["items"]] == ["Иванов"]
    grade = post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": 4}, token)
    assert grade.status_code == 201, grade.body

    assert delete(client, f"/schools/{school['id']}/teachers/{school['teacher_id']}", school["admin"]).status_code \
        == 204

    for method, path, body in _teacher_routes(school):
        answer = _call(client, method, path, body, token)
        assert refused(answer), f"{method} {path}: {answer.status_code} {answer.body}"
        assert set(answer.json_body) == {"error"}
    # A refresh issues only the roles that stand: the teacher's is gone from the new token too
    fresh = refreshed(client, school["teacher"])
    assert get(client, "/me", fresh).json_body["roles"] == []
    assert refused(get(client, f"/schools/{school['id']}/students?class_id={school['class_id']}", fresh))


def test_a_staff_route_reads_the_grant_back_in_one_consistent_getitem(client, school):
    token = school["teacher"]["access_token"]
    with dynamodb_calls() as calls:
        assert get(client, f"/schools/{school['id']}/classes", token).status_code == 200
    operation, params = calls[0]
    assert operation == "GetItem" and params["ConsistentRead"] is True
    assert params["Key"] == {"PK": {"S": f"ACCOUNT#{school['teacher_id']}"},
                             "SK": {"S": f"ROLE#{school['id']}#teacher"}}
    assert [op for op, _ in calls] == ["GetItem", "Query"]  # the grant, then the page itself


def test_a_stranger_is_refused_from_the_token_before_anything_is_read(client, school, pump):
    parent = login(client, verified_account(client, pump))["access_token"]
    with dynamodb_calls() as calls:
        assert refused(get(client, f"/schools/{school['id']}/students?class_id={school['class_id']}", parent))
    assert calls == []


def test_an_administrator_removed_by_the_operator_is_refused_at_once(client, pump):
    school_id, _ = school_with_admin(client, pump)
    operator = operator_token(client)
    email = verified_account(client, pump, name="Кузнецова Ольга Игоревна")
    admin_id = post(client, f"/schools/{school_id}/administrators", {"email": email}, operator).json_body["account_id"]
    pair = login(client, email)
    admin = pair["access_token"]
    assert post(client, f"/schools/{school_id}/classes", {"name": "7В", "grade_level": 7}, admin).status_code == 201

    assert delete(client, f"/schools/{school_id}/administrators/{admin_id}", admin).status_code == 403
    assert delete(client, f"/schools/{school_id}/administrators/{admin_id}", operator).status_code == 204

    for method, path, body in [
        ("POST", f"/schools/{school_id}/classes", {"name": "8Г", "grade_level": 8}),  # school_admin
        ("GET", f"/schools/{school_id}/classes", None),                                # school_staff
        ("GET", f"/schools/{school_id}", None),                                        # operator_or_school_admin
        ("GET", f"/schools/{school_id}/uploads", None),                                # school_uploader
        ("POST", f"/schools/{school_id}/credentials", {"name": "АИС"}),
    ]:
        answer = _call(client, method, path, body, admin)
        assert refused(answer), f"{method} {path}: {answer.status_code} {answer.body}"
    assert get(client, f"/schools/{school_id}/administrators", operator).json_body["items"][0]["account_id"] \
        != admin_id
    gone = delete(client, f"/schools/{school_id}/administrators/{admin_id}", operator)
    assert refused(gone, 404, "administrator_not_found")
    fresh = refreshed(client, pair)
    assert get(client, "/me", fresh).json_body["roles"] == []
    assert refused(get(client, f"/schools/{school_id}/classes", fresh))


def test_a_removed_administrator_cannot_go_on_in_a_thread_they_started(client, pump):
    school_id, admin, student_id, _, parent = linked_parent(client, pump)
    admin_id = get(client, "/me", admin).json_body["account_id"]
    started = post(client, f"/schools/{school_id}/students/{student_id}/messages",
                   {"body": "Завтра экскурсия, возьмите обед."}, admin)
    assert started.status_code == 201, started.body
    thread = f"/messages/threads/{started.json_body['thread_id']}"
    assert post(client, f"{thread}/messages", {"body": "Спасибо!"}, parent).status_code == 201

    assert delete(client, f"/schools/{school_id}/administrators/{admin_id}", operator_token(client)).status_code \
        == 204

    # the thread routes admit any account: the school side's standing is read back there
    assert refused(post(client, f"{thread}/messages", {"body": "Ещё одно"}, admin), 403, "not_in_thread")
    assert refused(get(client, thread, admin), 403, "not_in_thread")


def test_a_removed_operator_is_refused_at_once(client):
    from chalicelib.dal import accounts as store

    operator = operator_token(client)
    assert get(client, "/schools", operator).status_code == 200
    store.remove_role(get(client, "/me", operator).json_body["account_id"], "operator", None)
    assert refused(get(client, "/schools", operator))
    assert refused(post(client, "/schools", {"name": "Школа № 1", "address": "Невский пр., 1"}, operator))


# --- item 16: tokens carry their kind ---------------------------------------------------------


@pytest.fixture
def system(client, pump):
    """A school, its administrator, and its information system's credential and machine token."""
    school_id, admin = school_with_admin(client, pump)
    credential = post(client, f"/schools/{school_id}/credentials", {"name": "АИС «Параграф»"}, admin).json_body
    token = post(client, "/machine/token", {"credential": credential["secret"]}).json_body["access_token"]
    return {"id": school_id, "admin": admin, "credential": credential, "token": token}


def test_a_machine_token_passes_only_its_schools_uploads(client, system):
    claims = jwt.decode(system["token"], options={"verify_signature": False})
    assert claims["kind"] == "machine" and claims["roles"] == [f"system:{system['id']}"]
    assert get(client, f"/schools/{system['id']}/uploads", system["token"]).status_code == 200
    application = {"school_id": system["id"], "child_last_name": "Соколов", "child_first_name": "Иван",
                   "child_birth_date": "2015-04-12", "class_name": "5А", "relation": "mother"}
    for answer in [post(client, "/applications", application, system["token"]),
                   get(client, "/me", system["token"]), get(client, "/children", system["token"]),
                   get(client, "/messages/threads", system["token"]),
                   get(client, f"/schools/{system['id']}/classes", system["token"])]:
        assert refused(answer), answer.body


def test_a_revoked_credentials_token_is_refused_at_once(client, system):
    assert get(client, f"/schools/{system['id']}/uploads", system["token"]).status_code == 200
    path = f"/schools/{system['id']}/credentials/{system['credential']['credential_id']}"
    assert delete(client, path, system["admin"]).status_code == 204
    assert refused(get(client, f"/schools/{system['id']}/uploads", system["token"]))
    assert refused(post(client, f"/schools/{system['id']}/uploads", {"filename": "grades.csv"}, system["token"]))


def _signed(claims: dict[str, Any]) -> str:
    from chalicelib.settings import get_settings

    now = int(time.time())
    return jwt.encode({"iss": "ediary", "aud": "ediary-api", "iat": now, "exp": now + 300, **claims},
                      get_settings().signing_secret, "HS256")


def test_a_token_from_before_kinds_is_an_accounts_only_without_a_machines_role(client, pump, system):
    account_id = get(client, "/me", login(client, verified_account(client, pump))["access_token"]) \
        .json_body["account_id"]
    old_account = _signed({"sub": account_id, "roles": []})
    assert get(client, "/me", old_account).status_code == 200
    old_machine = _signed({"sub": f"system:{system['credential']['credential_id']}",
                           "roles": [f"system:{system['id']}"]})
    assert refused(get(client, f"/schools/{system['id']}/uploads", old_machine), 401, "token_invalid")
    assert refused(get(client, "/me", old_machine), 401, "token_invalid")


def test_an_account_token_never_passes_as_a_machine_nor_a_machine_as_a_person(client, system):
    admin_id = get(client, "/me", system["admin"]).json_body["account_id"]
    for claims in [{"sub": admin_id, "kind": "account", "roles": [f"system:{system['id']}"]},
                   {"sub": admin_id, "kind": "machine", "roles": [f"admin:{system['id']}"]},
                   {"sub": admin_id, "kind": "robot", "roles": []}]:
        assert refused(get(client, f"/schools/{system['id']}/uploads", _signed(claims)), 401, "token_invalid")


def test_token_kinds_follow_their_roles():
    from chalicelib.domain.tokens import Caller, token_kind
    from chalicelib.errors import AuthenticationError

    assert token_kind(None, frozenset({"admin:s1", "teacher:s1"})) == "account"
    assert token_kind("machine", frozenset({"system:s1"})) == "machine"
    for claimed, roles in [(None, {"system:s1"}), ("account", {"system:s1", "admin:s1"}),
                           ("machine", {"system:s1", "operator"}), ("person", set())]:
        with pytest.raises(AuthenticationError):
            token_kind(claimed, frozenset(roles))
    # Even a Caller built by hand holds only the roles of its kind
    assert not Caller("a", frozenset({"system:s1"})).is_system_of("s1")
    assert not Caller("m", frozenset({"admin:s1"}), kind="machine").is_admin_of("s1")


# --- item 18: alerts name people as they are named now ------------------------------------------


def _alert_emails(to: str) -> list[dict[str, Any]]:
    from tests.conftest import sent_emails

    return [m for m in sent_emails(to) if "/alerts/unsubscribe" in m["body"]]


def test_a_renamed_parent_and_teacher_are_named_anew_in_the_next_alert(client, pump, school):
    from tests.functional.test_alerts import link
    from tests.journeys import patch

    families = {}
    for who, name in [("writer", "Иванова Мария Петровна"), ("reader", "Иванов Пётр Сергеевич")]:
        email = verified_account(client, pump, name=name)
        token = login(client, email)["access_token"]
        link(school["pupil"], get(client, "/me", token).json_body["account_id"], school["id"])
        families[who] = {"email": email, "token": token}
    reader, writer = families["reader"]["email"], families["writer"]["token"]
    started = post(client, f"/schools/{school['id']}/students/{school['pupil']}/messages",
                   {"body": "Собрание в четверг."}, school["admin"])
    assert started.status_code == 201, started.body
    thread = f"/messages/threads/{started.json_body['thread_id']}/messages"

    assert post(client, thread, {"body": "Придём."}, writer).status_code == 201
    pump.drain()
    assert _alert_emails(reader)[-1]["subject"] == "Новое сообщение от Ивановой Марии Петровны"
    assert patch(client, "/me", {"name": "Смирнова Мария Петровна"}, writer).status_code == 200
    assert post(client, thread, {"body": "Придём вдвоём."}, writer).status_code == 201
    pump.drain()
    assert _alert_emails(reader)[-1]["subject"] == "Новое сообщение от Смирновой Марии Петровны"

    teacher = school["teacher"]["access_token"]
    for value, name in [(5, "Петрова Анна Сергеевна"), (4, "Соколова Анна Сергеевна")]:
        assert patch(client, "/me", {"name": name}, teacher).status_code == 200
        posted = post(client, f"{school['lesson_path']}/grades", {"student_id": school["pupil"], "value": value},
                      teacher)
        assert posted.status_code == 201, posted.body
        pump.drain()
        latest = _alert_emails(reader)[-1]
        assert f"оценка {value}" in latest["subject"] and f"Учитель: {name}." in latest["body"]


def test_a_batch_of_alerts_reads_the_names_it_shows_once_in_one_call(client, school):
    from chalicelib.domain.alert_rules import AlertEvent
    from chalicelib.domain.alerts import names

    data = {"subject_id": school["subject_id"], "teacher_id": school["teacher_id"], "value": 5}
    events = [AlertEvent("new_grade", school["id"], f"grade-{n}", school["pupil"], data=data) for n in range(10)]
    with dynamodb_calls() as calls, names.fresh_names():
        shown = [names.details(event) for event in events]
    assert [op for op, _ in calls] == ["BatchGetItem"]
    assert {(d["school"], d["subject"], d["teacher"]) for d in shown} == \
        {("ГБОУ Школа № 239", "Математика", "Петрова Анна Сергеевна")}
    with dynamodb_calls() as calls:  # the next batch reads them again: a rename shows at once
        names.details(events[0])
    assert [op for op, _ in calls] == ["BatchGetItem"]
