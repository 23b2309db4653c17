"""Bad input and a database that does not answer (issue 12, items 7, 9 and 10): every answer is a
fast, declared 4xx or 503 in the error envelope, never a hang or a 500."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.journeys import JSON, get, linked_parent, login, operator_token, post, verified_account

# The test's own guard against a hang; far above the bound the clients keep (chalicelib/aws.py).
GUARD_S = 60


# --- item 7: a stalled database -------------------------------------------------------------


class Blackhole:
    """A TCP endpoint that accepts every connection and never answers: a stalled database."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._held.append(conn)  # read nothing, answer nothing

    def close(self) -> None:
        self._server.close()
        for conn in self._held:
            conn.close()


def _forget_database_clients() -> None:
    """Drop every cached DynamoDB client, so the next call builds one from the environment."""
    from chalicelib import aws
    from chalicelib.dal import store
    from chalicelib.dal.models import DiaryItem

    aws.client.cache_clear()
    aws.queue_url.cache_clear()
    store.connection.cache_clear()
    pending = [DiaryItem]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "_connection" in vars(model):
            model._connection = None


@pytest.fixture
def stalled_table(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table's endpoint accepts connections and never answers, for the test's duration."""
    hole = Blackhole()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", hole.url)
    _forget_database_clients()
    try:
        yield
    finally:
        monkeypatch.undo()
        _forget_database_clients()
        hole.close()


def _guarded(call: Any) -> Any:
    """Run `call`, failing the test if it has not ended within the guard (a hang stays behind in
    a daemon thread rather than holding the session)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=GUARD_S)
    assert not worker.is_alive(), f"still waiting after {GUARD_S} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.body
    assert response.json_body["error"]["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture(scope="module")
def operator(app: Any, aws: Any) -> str:
    from chalice.test import Client

    with Client(app, stage_name="test") as client:
        return operator_token(client)


def test_a_read_from_a_stalled_database_ends_in_a_fast_503(client, operator, stalled_table):
    # Given the table accepts connections and never answers / When an account reads itself
    response = _guarded(lambda: get(client, "/me", operator))
    # Then the request ends, within the bound, with 503 and Retry-After in the envelope
    _assert_unavailable(response)


def test_a_list_drained_from_a_stalled_database_ends_in_a_503(client, operator, stalled_table):
    # The page is read lazily, where the list is drained (store.page), not where the query is made
    response = _guarded(lambda: get(client, "/schools", operator))
    _assert_unavailable(response)


def test_a_batch_read_from_a_stalled_database_is_unavailable(stalled_table):
    from chalicelib.dal.store import get_many
    from chalicelib.errors import UnavailableError

    def read() -> Any:
        with pytest.raises(UnavailableError):
            get_many([("SCHOOL#x", "SCHOOL")])
        return True

    assert _guarded(read)


def test_a_queue_record_fails_alone_rather_than_hang_when_the_database_stalls(client, stalled_table):
    # Given an approved application's message / When its handler meets a stalled table
    event = client.events.generate_sqs_event(queue_name="applications",
                                             message_bodies=[json.dumps({"application_id": "0" * 32})])
    answer = _guarded(lambda: client.lambda_.invoke("process_applications", event))
    # Then the record is reported failed, so the queue retries it (and dead-letters it in the end)
    assert answer.payload == {"batchItemFailures": [{"itemIdentifier": "message-id"}]}


# --- items 9 and 10: malformed requests are 4xx, never 500 or 503 ---------------------------


def put(client: Any, path: str, body: Any, token: str) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.http.put(path, headers={**JSON, "Authorization": f"Bearer {token}"}, body=raw)


def _refused(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.body
    error = response.json_body["error"]
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field


@pytest.fixture(scope="module")
def world(app: Any, aws: Any) -> dict[str, Any]:
    """A school with a class, a subject taught by a teacher, a lesson with a grade, and a parent
    linked to a child of the class; plus the city operator."""
    from chalice.test import Client

    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        school, admin, student, _, parent = linked_parent(client, pump)
        base = f"/schools/{school}"
        class_id = get(client, f"{base}/students/{student}", admin).json_body["class_id"]
        maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
        teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
        teacher_id = post(client, f"{base}/teachers", {"email": teacher_email}, admin).json_body["account_id"]
        post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths},
             admin)
        lesson = post(client, f"{base}/classes/{class_id}/lessons", {
            "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths,
            "teacher_id": teacher_id}, admin)
        assert lesson.status_code == 201, lesson.body
        lesson_path = f"{base}/classes/{class_id}/lessons/{lesson.json_body['lesson_id']}"
        teacher = login(client, teacher_email)["access_token"]
        grade = post(client, f"{lesson_path}/grades", {"student_id": student, "value": 4}, teacher)
        assert grade.status_code == 201, grade.body
        return {"school": school, "admin": admin, "student": student, "parent": parent, "class_id": class_id,
                "lesson_path": lesson_path, "teacher": teacher, "operator": operator_token(client),
                "grade_path": f"{base}/students/{student}/grades/{grade.json_body['grade_id']}"}


DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_json_nested_1000_deep_is_invalid_json_on_public_and_signed_in_routes(client, world, deep):
    for response in [
        client.http.post("/auth/login", headers=JSON, body=deep),
        client.http.post("/auth/register", headers=JSON, body=deep),
        client.http.patch("/me", headers={**JSON, "Authorization": f"Bearer {world['parent']}"}, body=deep),
        put(client, f"/children/{world['student']}/alert-preferences", deep, world["parent"]),
    ]:
        _refused(response, 400, "invalid_json")


def test_json_nested_deeper_than_any_model_is_refused_before_validation(client, world):
    # Deep enough to parse, too deep for any request model: refused before pydantic recurses into it
    nested: Any = "email"
    for _ in range(200):
        nested = {"news": nested}
    response = put(client, f"/children/{world['student']}/alert-preferences", {"channels": nested},
                   world["parent"])
    _refused(response, 400, "invalid_json")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_week_at_the_ends_of_the_calendar_is_a_validation_error(client, world, day):
    response = get(client, f"/children/{world['student']}/week?date={day}", world["parent"])
    _refused(response, 422, "validation_failed", "date")


def test_spans_and_dates_at_the_ends_of_the_calendar_are_validation_errors(client, world):
    parent, student, admin = world["parent"], world["student"], world["admin"]
    _refused(get(client, f"/children/{student}/events?from=9999-12-31", parent), 422, "validation_failed", "from")
    _refused(get(client, f"/children/{student}/meetings?to=0001-01-01", parent), 422, "validation_failed", "to")
    lessons = f"/schools/{world['school']}/classes/{world['class_id']}/lessons"
    _refused(post(client, lessons, {"date": "9999-12-31", "starts_at": "08:30", "ends_at": "09:15",
                                    "subject_id": "0" * 32}, admin), 422, "validation_failed", "date")


def test_null_alert_preferences_are_validation_errors_naming_the_field(client, world):
    path = f"/children/{world['student']}/alert-preferences"
    for name in ("digest", "absences", "channels"):
        _refused(put(client, path, {name: None}, world["parent"]), 422, "validation_failed", name)
    # Where null means something (no quiet hours, every grade) it is still taken
    taken = put(client, path, {"quiet_hours": None, "grade_at_most": None}, world["parent"])
    assert taken.status_code == 200, taken.body
    assert (taken.json_body["quiet_hours"], taken.json_body["grade_at_most"]) == (None, None)


def test_null_in_a_lesson_or_grade_change_is_a_validation_error_and_changes_nothing(client, world):
    from tests.journeys import patch

    for name in ("cancelled", "starts_at", "ends_at"):
        _refused(patch(client, world["lesson_path"], {name: None, "version": 1}, world["admin"]),
                 422, "validation_failed", name)
    for name in ("value", "weight", "work_kind"):
        _refused(patch(client, world["grade_path"], {name: None, "version": 1}, world["teacher"]),
                 422, "validation_failed", name)
    lessons = get(client, f"/schools/{world['school']}/classes/{world['class_id']}/lessons"
                          "?from=2026-09-07&to=2026-09-07", world["admin"]).json_body["items"]
    assert [(x["cancelled"], x["version"]) for x in lessons] == [(False, 1)]


def test_lessons_from_after_to_is_a_validation_error_of_to(client, world):
    path = f"/schools/{world['school']}/classes/{world['class_id']}/lessons?from=2026-09-10&to=2026-09-01"
    response = get(client, path, world["admin"])
    _refused(response, 422, "validation_failed", "to")
    assert response.json_body["error"]["details"][0]["code"] == "range_reversed"


OVERLONG = "a" * 2048  # over DynamoDB's 2 KB partition key
COMBINING = "\u0301\u0308\u0327"  # combining acute, diaeresis, cedilla


@pytest.mark.parametrize("bad", [OVERLONG, COMBINING], ids=["overlong", "combining"])
def test_a_malformed_student_id_is_not_found_before_any_read(client, world, bad):
    from urllib.parse import quote

    response = get(client, f"/schools/{world['school']}/students/{quote(bad)}", world["admin"])
    _refused(response, 404, "not_found", "student_id")
    _refused(get(client, f"/children/{quote(bad)}/week", world["parent"]), 404, "not_found", "student_id")


def test_a_value_dynamodb_refuses_is_a_client_error_not_an_outage(aws):
    from chalicelib.dal import schools
    from chalicelib.errors import UnstorableValueError

    with pytest.raises(UnstorableValueError) as refused:
        schools.get_school("a" * 3000)  # the key is over DynamoDB's size: a ValidationException
    assert refused.value.status == 422


# Who each rule admits, to reach the path check (the school in every path is the world's).
ADMITTED = {"public": None, "account": "parent", "operator": "operator", "school_admin": "admin",
            "school_staff": "admin", "operator_or_school_admin": "operator", "school_uploader": "admin"}
SCHOOL_SCOPED = {"school_admin", "school_staff", "school_uploader"}  # a malformed school admits nobody


def test_every_route_with_path_ids_answers_404_to_a_malformed_id(client, world):
    import re
    from urllib.parse import quote

    from chalicelib.api.routing import ENDPOINTS

    checked = 0
    for spec in ENDPOINTS:
        names = re.findall(r"{(\w+)}", spec.path)
        token = world[ADMITTED[spec.allow.name]] if ADMITTED[spec.allow.name] else None
        headers = {**JSON, **({"Authorization": f"Bearer {token}"} if token else {})}
        for name in names:
            for bad in (OVERLONG, COMBINING):
                ids = {n: world["school"] if n == "school_id" else "0" * 32 for n in names}
                ids[name] = quote(bad)
                path = re.sub(r"{(\w+)}", lambda m, ids=ids: ids[m.group(1)], spec.path)
                response = client.http.request(spec.method, path, headers=headers, body=b"{}")
                label = f"{spec.method} {spec.path} with a {len(bad)}-character {name}"
                if name == "school_id" and spec.allow.name in SCHOOL_SCOPED:
                    assert response.status_code == 403, label  # nobody administers such a school
                else:
                    assert response.status_code == 404, f"{label}: {response.status_code} {response.body[:200]}"
                    assert response.json_body["error"]["field"] == name, label
                checked += 1
    assert checked > 100
