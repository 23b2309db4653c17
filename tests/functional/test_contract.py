"""The API contract: validated input, JSON errors in two languages, OpenAPI from the declarations."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.journeys import JSON, post


def test_invalid_field_names_the_field_in_russian_by_default(client):
    response = post(client, "/auth/register", {"email": "not-an-email", "name": "А"})
    assert response.status_code == 422
    error = response.json_body["error"]
    assert error["code"] == "validation_failed"
    assert error["field"] == "email"
    assert error["message"] == "Проверьте поле «email»."
    assert error["details"][0]["field"] == "email"


def test_english_when_asked(client):
    response = post(client, "/auth/verify-email", {"email": "x@example.ru", "code": "123456", "password": "short"},
                    Accept_Language="en-GB,en;q=0.9,ru;q=0.5")
    error = response.json_body["error"]
    assert response.status_code == 422
    assert error["field"] == "password"
    assert error["message"] == "Check the field 'password'."
    assert error["details"][0]["code"] == "password_weak"


def test_unknown_fields_and_broken_json_are_refused(client):
    extra = post(client, "/auth/login", {"email": "a@example.ru", "password": "x", "admin": True})
    assert extra.status_code == 422
    assert extra.json_body["error"]["details"][0] == {
        "field": "admin", "code": "extra_forbidden", "message": "неизвестное поле"}
    broken = client.http.post("/auth/login", headers=JSON, body="{not json")
    assert broken.status_code == 400
    assert broken.json_body["error"]["code"] == "invalid_json"
    array = client.http.post("/auth/login", headers=JSON, body="[1, 2]")
    assert array.status_code == 400


def test_openapi_document_is_generated_and_valid(client, app):
    from chalicelib.api.routing import ENDPOINTS

    response = client.http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json_body
    validate(document)
    # Every declared route is in it, with its security and models
    for spec in ENDPOINTS:
        operation = document["paths"][spec.path][spec.method.lower()]
        assert ("security" in operation) is (not spec.allow.public)
    register = document["paths"]["/auth/register"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("RegisterRequest")
    assert "email" in document["components"]["schemas"]["RegisterRequest"]["properties"]


def test_every_route_of_the_app_is_declared(app):
    from chalicelib.api.routing import ENDPOINTS

    declared = {(e.path, e.method) for e in ENDPOINTS}
    served = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert served == declared
