"""Typed answers: every endpoint declares its response model by class, and where VALIDATE_RESPONSES
is on (tests, `chalice local`) an answer that its model does not describe is a 500 with a clear log,
so the OpenAPI document cannot drift from what is sent."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import BaseModel

import app as _app  # noqa: F401  (registers every route, so ENDPOINTS is complete)
from chalicelib.api.answers import AnswerDriftError, check_answer
from chalicelib.api.routing import ENDPOINTS, Endpoint
from tests.journeys import get, login, verified_account

JSON_BODIES = [e for e in ENDPOINTS if e.media_type == "application/json" and e.status != 204
               and e.path != "/openapi.json"]  # the document itself is the one free-form object


@pytest.mark.parametrize("spec", JSON_BODIES, ids=lambda s: f"{s.method} {s.path}")
def test_every_json_answer_declares_its_model_class(spec: Endpoint) -> None:
    assert isinstance(spec.response, type) and issubclass(spec.response, BaseModel)


def test_the_document_names_the_declared_models(client: Any) -> None:
    paths = client.http.get("/openapi.json").json_body["paths"]
    for spec in JSON_BODIES:
        assert spec.response is not None
        ok = paths[spec.path][spec.method.lower()]["responses"][str(spec.status)]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/" + spec.response.__name__)


def test_answers_are_checked_in_tests() -> None:
    from chalicelib import settings

    assert settings.validate_responses()


def _spec(method: str, path: str) -> Endpoint:
    return next(e for e in ENDPOINTS if e.method == method and e.path == path)


def test_an_answer_as_its_model_describes_it_passes() -> None:
    check_answer(_spec("GET", "/health"), 200, '{"status": "ok", "checks": {"database": "ok"}}')
    check_answer(_spec("GET", "/health"), 503, '{"status": "degraded", "checks": {"database": "down"}}')


@pytest.mark.parametrize(("status", "text", "named"), [
    (200, '{"status": "ok", "checks": {"database": "ok"}, "secret": "x"}', "secret: not in the model"),
    (200, '{"status": "fine", "checks": {}}', "status"),
    (200, '{"status": "ok", "checks": {"database": 5}}', "checks.database"),
    (200, '{"checks": {}}', "status"),
    (201, '{"status": "ok", "checks": {}}', "answered 201"),
])
def test_an_answer_its_model_does_not_describe_is_refused(status: int, text: str, named: str) -> None:
    with pytest.raises(AnswerDriftError, match="GET /health") as drift:
        check_answer(_spec("GET", "/health"), status, text)
    assert named in str(drift.value)


def test_a_leaked_field_is_a_500_with_a_clear_log(client: Any, pump: Any, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    from chalicelib.domain import accounts

    email = verified_account(client, pump)
    token = login(client, email)["access_token"]
    assert get(client, "/me", token).status_code == 200
    # Given the domain starts returning a field that the document does not name
    profile = accounts.profile
    monkeypatch.setattr(accounts, "profile", lambda account_id: {**profile(account_id), "password_hash": "x"})
    # When the profile is read
    with caplog.at_level(logging.ERROR, logger="chalicelib.api.routing"):
        response = get(client, "/me", token)
    # Then the answer never leaves, and the log names the endpoint, the model and the field
    assert response.status_code == 500
    assert response.json_body["error"]["code"] == "internal_error"
    assert "password_hash" not in response.body.decode()
    assert "GET /me answered other fields than AccountOut names: password_hash: not in the model" in caplog.text


def test_a_wrong_type_is_a_500_with_a_clear_log(client: Any, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from chalicelib.domain import health

    monkeypatch.setattr(health, "check", lambda: {"database": 1, "queues": "ok"})
    with caplog.at_level(logging.ERROR, logger="chalicelib.api.routing"):
        response = client.http.get("/health")
    assert response.status_code == 500
    assert "GET /health answered what HealthOut does not describe: checks.database" in caplog.text


def test_without_the_setting_the_answer_goes_as_built(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import settings
    from chalicelib.domain import health

    # On AWS the check is off: the answer is sent as the handler built it
    monkeypatch.setattr(settings, "validate_responses", lambda: False)
    monkeypatch.setattr(health, "check", lambda: {"database": 1, "queues": "ok"})
    response = client.http.get("/health")
    assert response.status_code == 503
    assert response.json_body["checks"]["database"] == 1
