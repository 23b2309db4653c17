"""Issue 17, items 7 and 19: every error in the envelope, in the reader's language, and strict request
models (a string is not a number; ISO dates still are dates).

Through chalice's test client here (the same EnvelopeGateway `chalice local` runs, ops/local_gateway.py);
over real HTTP against `make run` by `answers_in_the_envelope_over_http`, which tests/e2e/test_local_system.py
calls on the local system it starts; in AWS by the gateway responses of the packaged template (below,
and tests/functional/test_package.py on the template itself)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from chalicelib import i18n
from tests.journeys import login, post, school_with_admin, verified_account

LANGUAGES = [("ru", i18n.RU), ("en", i18n.EN)]
LOGIN = json.dumps({"email": "parent@example.ru", "password": "Пароль-2026"}).encode()
CURL_FORM = "application/x-www-form-urlencoded"  # what `curl -d` declares a body to be


def assert_envelope(status: int, headers: Any, body: Any, expected_status: int, code: str, lang: str) -> None:
    """The answer is our error envelope with this code, in this language."""
    assert status == expected_status, body
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code
    assert body["error"]["message"] == i18n.message(code, lang)
    assert body["error"]["field"] is None
    assert {k.lower(): v for k, v in headers.items()}["content-type"].startswith("application/json")


def ask(client: Any, method: str, path: str, lang: str, body: bytes = b"", **headers: str) -> Any:
    return client.http.request(method, path, headers={"Accept-Language": lang, **headers}, body=body)


# --- item 7: what chalice and its gateway answer themselves -------------------------------------


@pytest.mark.parametrize(("accept", "lang"), LANGUAGES)
def test_a_body_sent_as_a_form_is_415_in_the_envelope(client, accept, lang):
    answer = ask(client, "POST", "/auth/login", accept, LOGIN, **{"Content-Type": CURL_FORM})
    assert_envelope(answer.status_code, answer.headers, answer.json_body, 415, "unsupported_media_type", lang)
    assert "Content-Type: application/json" in answer.json_body["error"]["message"]


def test_a_body_with_no_content_type_at_all_is_read_as_json(client):
    answer = client.http.post("/auth/login", headers={}, body=LOGIN)
    assert answer.status_code == 401 and answer.json_body["error"]["code"] == "invalid_credentials"


def test_a_route_without_a_body_takes_any_content_type(client):
    answer = client.http.get("/health", headers={"Content-Type": CURL_FORM})
    assert answer.status_code == 200


@pytest.mark.parametrize(("accept", "lang"), LANGUAGES)
def test_no_authorization_header_is_401_in_the_envelope(client, accept, lang):
    answer = ask(client, "GET", "/me", accept)
    assert_envelope(answer.status_code, answer.headers, answer.json_body, 401, "unauthenticated", lang)
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("accept", "lang"), LANGUAGES)
@pytest.mark.parametrize("token", [None, "Bearer not-a-token"])
def test_an_unknown_route_is_404_not_found(client, accept, lang, token):
    headers = {"Authorization": token} if token else {}
    answer = ask(client, "GET", "/no/such/route", accept, **headers)
    assert_envelope(answer.status_code, answer.headers, answer.json_body, 404, "not_found", lang)


@pytest.mark.parametrize(("accept", "lang"), LANGUAGES)
def test_a_method_the_route_lacks_is_405_in_the_envelope(client, accept, lang):
    answer = ask(client, "DELETE", "/health", accept)
    assert_envelope(answer.status_code, answer.headers, answer.json_body, 405, "method_not_allowed", lang)
    assert answer.headers["Allow"] == "GET"


@pytest.fixture(scope="module")
def small_app() -> Any:
    """An app with a denying authorizer and a view that fails outside our routing: the answers no
    route of the diary gives, from the same gateway and middleware."""
    from chalice import AuthResponse, Chalice

    from chalicelib.api.envelope import envelope

    app = Chalice(app_name="refusals")
    app.experimental_feature_flags.update(["BLUEPRINTS"])
    app.register_blueprint(envelope)

    @app.authorizer()
    def deny(auth_request: Any) -> AuthResponse:
        return AuthResponse(routes=[], principal_id="nobody")

    @app.route("/guarded", authorizer=deny)
    def guarded() -> dict[str, Any]:
        return {}

    @app.route("/broken")
    def broken() -> dict[str, Any]:
        raise RuntimeError("a view that fails outside chalicelib/api/routing.py")

    return app


@pytest.mark.parametrize(("accept", "lang"), LANGUAGES)
def test_a_denying_authorizer_is_403_and_a_failing_view_500_in_the_envelope(small_app, accept, lang):
    from chalice.test import Client

    with Client(small_app) as client:
        denied = ask(client, "GET", "/guarded", accept, Authorization="Bearer x")
        assert_envelope(denied.status_code, denied.headers, denied.json_body, 403, "forbidden", lang)
        failed = ask(client, "GET", "/broken", accept)
        assert_envelope(failed.status_code, failed.headers, failed.json_body, 500, "internal_error", lang)


def test_gateway_responses_answer_in_the_envelope_in_both_languages():
    from ops.package import gateway_responses

    responses = gateway_responses()
    expected = {"UNAUTHORIZED": ("401", "unauthenticated"), "ACCESS_DENIED": ("403", "forbidden"),
                "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found"),
                "UNSUPPORTED_MEDIA_TYPE": ("415", "unsupported_media_type"),
                "DEFAULT_4XX": (None, "bad_request"), "DEFAULT_5XX": (None, "internal_error")}
    for kind, (status, code) in expected.items():
        response = responses[kind]
        assert response.get("statusCode") == status, kind
        body = json.loads(response["responseTemplates"]["application/json"])
        both = f"{i18n.message(code, i18n.RU)} / {i18n.message(code, i18n.EN)}"
        assert body == {"error": {"code": code, "message": both, "field": None}}, kind
        content_type = response["responseParameters"]["gatewayresponse.header.Content-Type"]
        assert content_type == "'application/json; charset=utf-8'"


def answers_in_the_envelope_over_http(api: str) -> None:
    """The refusals of a real `chalice local` (as `make run` serves it), in both languages."""
    for accept, lang in LANGUAGES:
        asked = {"Accept-Language": accept}
        cases = [
            (requests.post(f"{api}/auth/login", data=LOGIN, headers={**asked, "Content-Type": CURL_FORM}, timeout=10),
             415, "unsupported_media_type"),
            (requests.get(f"{api}/me", headers=asked, timeout=10), 401, "unauthenticated"),
            (requests.get(f"{api}/no/such/route", headers=asked, timeout=10), 404, "not_found"),
            (requests.delete(f"{api}/health", headers=asked, timeout=10), 405, "method_not_allowed"),
        ]
        for answer, status, code in cases:
            assert_envelope(answer.status_code, answer.headers, answer.json(), status, code, lang)


# --- item 19: strict request models -------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson(app, pump) -> dict[str, str]:
    """A school with a class, a pupil, mathematics taught by a teacher and one lesson of it."""
    from chalice.test import Client

    from chalicelib.domain.accounts import forget_client

    forget_client("127.0.0.1")
    with Client(app, stage_name="test") as client:
        return _lesson(client, pump)


def _lesson(client: Any, pump: Any) -> dict[str, str]:
    school_id, admin = school_with_admin(client, pump)
    base = f"/schools/{school_id}"
    class_id = post(client, f"{base}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
    post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths}, admin)
    pupil = post(client, f"{base}/students", {"last_name": "Иванов", "first_name": "Пётр",
                                               "birth_date": "2015-05-05", "class_id": class_id}, admin)
    assert pupil.status_code == 201, pupil.body  # an ISO date given as a string is still a date
    made = post(client, f"{base}/classes/{class_id}/lessons", {
        "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": maths,
        "teacher_id": teacher_id}, admin)
    assert made.status_code == 201, made.body
    return {"admin": admin, "base": base, "class_id": class_id, "pupil": pupil.json_body["student_id"],
            "teacher": login(client, email)["access_token"],
            "grades": f"{base}/classes/{class_id}/lessons/{made.json_body['lesson_id']}/grades"}


def refused_field(answer: Any, field: str, kind: str) -> None:
    assert answer.status_code == 422, answer.body
    error = answer.json_body["error"]
    assert (error["code"], error["field"]) == ("validation_failed", field)
    assert [(d["field"], d["code"]) for d in error["details"]] == [(field, kind)]


@pytest.mark.parametrize(("field", "value", "kind"), [
    ("value", "5", "int_type"),  # a string is not a number
    ("value", True, "int_type"),  # nor is true
    ("value", 5.0, "int_type"),  # nor a number with a fraction, however small
    ("weight", "2", "int_type"),
    ("student_id", 12345, "string_type"),  # and a number is not a string
])
def test_a_grade_with_a_value_of_the_wrong_json_type_is_refused(client, lesson, field, value, kind):
    body = {"student_id": lesson["pupil"], "value": 5, "work_kind": "classwork", field: value}
    refused_field(post(client, lesson["grades"], body, lesson["teacher"]), field, kind)


def test_a_grade_given_as_a_number_is_posted(client, lesson):
    answer = post(client, lesson["grades"], {"student_id": lesson["pupil"], "value": 5, "weight": 2}, lesson["teacher"])
    assert answer.status_code == 201, answer.body
    assert (answer.json_body["value"], answer.json_body["weight"]) == (5, 2)


def test_a_date_is_an_iso_string_and_a_query_is_text(client, lesson):
    base, admin = lesson["base"], lesson["admin"]
    student = {"last_name": "Орлова", "first_name": "Вера", "class_id": lesson["class_id"]}
    assert post(client, f"{base}/students", {**student, "birth_date": "2015-06-01"}, admin).status_code == 201
    # seconds since 1970 are not a date, though pydantic's lax mode would read them as one
    refused_field(post(client, f"{base}/students", {**student, "birth_date": 1433116800}, admin),
                  "birth_date", "date_type")
    refused_field(post(client, f"{base}/classes", {"name": "6Б", "grade_level": "6"}, admin), "grade_level", "int_type")
    page = client.http.get(f"{base}/classes?limit=1", headers={"Authorization": f"Bearer {admin}"})
    assert page.status_code == 200 and len(page.json_body["items"]) == 1


def _types_within(annotation: Any) -> set[Any]:
    import typing

    return {annotation}.union(*(_types_within(arg) for arg in typing.get_args(annotation)))


def test_every_date_or_time_of_a_request_body_parses_from_its_iso_string():
    """A guard for new models: a plain `dt.date` field in a strict model would refuse "2026-09-01"."""
    import datetime as dt
    from typing import Annotated

    from pydantic import BaseModel, ConfigDict, TypeAdapter

    import app as _app  # noqa: F401  (registers every route)
    from chalicelib.api.routing import ENDPOINTS, schema

    samples = {dt.date: "2026-09-01", dt.datetime: "2026-09-01T08:30:00+03:00", dt.time: "08:30:00"}
    pending, seen, checked = [schema(e.body) for e in ENDPOINTS if e.body], set(), 0
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            within = _types_within(info.annotation)
            pending += [t for t in within if isinstance(t, type) and issubclass(t, BaseModel)]
            annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            field = TypeAdapter(annotation, config=ConfigDict(strict=True))
            for kind in within & set(samples):
                try:
                    field.validate_python(samples[kind])
                except ValueError as refused:  # a plain dt.date in a strict model: make it a `Day`
                    raise AssertionError(f"{model.__name__}.{name} refuses {samples[kind]!r}") from refused
                checked += 1
    assert checked >= 8, "the request models have dates: this test must see them"
