"""The OpenAPI 3.1 document, generated from the declared endpoints and their pydantic models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.api import input_bounds
from chalicelib.api.routing import ENDPOINTS, Endpoint, schema

if TYPE_CHECKING:
    from pydantic import BaseModel

ERROR_TEXT = {
    400: "Bad request (wrong cursor, wrong code...)",
    401: "No valid access token or credentials",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflicts with the current state",
    415: "The body was not sent as application/json",
    422: "The body or query does not match the model",
    429: "Too many attempts: slowed down or locked out",
    503: "A dependency is down; nothing was written",
}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """Build the document once per container."""
    from pydantic.json_schema import models_json_schema

    requests = {schema(n) for e in ENDPOINTS for n in (e.body, e.query) if n}
    answers = {model for e in ENDPOINTS if (model := e.response) is not None} | {schema("ErrorOut")}
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(requests, key=_name)]
        + [(m, "serialization") for m in sorted(answers, key=_name)],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for spec in ENDPOINTS:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Электронный дневник API",
            "version": "1.0.0",
            "description": "School e-diary backend. Errors carry a stable `code`, a `message` in "
            "Russian or English (Accept-Language) and the `field` at fault.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _name(model: type[BaseModel]) -> str:
    return model.__name__


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(spec: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}",
        "summary": spec.summary,
        "tags": [spec.tag.rsplit(".", 1)[-1]],
        "x-allowed": spec.allow.description,
        "x-access": spec.allow.name,
        "parameters": _parameters(spec),
        "responses": _responses(spec),
    }
    if not spec.allow.public:
        op["security"] = [{"bearer": []}]
    if spec.body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(spec.body)}}}
    return op


def _parameters(spec: Endpoint) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "pattern": f"^{input_bounds.id_pattern(name)}$"}}
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    if spec.query:
        query = schema(spec.query).model_json_schema(ref_template="#/components/schemas/{model}")
        required = set(query.get("required", []))
        for name, prop in query.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    params.append({"name": "Accept-Language", "in": "header", "required": False,
                   "schema": {"type": "string", "examples": ["ru", "en"]}})
    return params


def _responses(spec: Endpoint) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "Success"}
    if spec.response:
        ok["content"] = {"application/json": {"schema": _ref(spec.response.__name__)}}
    elif spec.media_type != "application/json":
        ok["content"] = {spec.media_type: {"schema": {"type": "string"}}}
    elif spec.status != 204:
        ok["content"] = {"application/json": {"schema": {"type": "object"}}}
    responses: dict[str, Any] = {str(spec.status): ok}
    for status in spec.same_body_on:
        responses[str(status)] = {**ok, "description": ERROR_TEXT.get(status, "")}
    codes = set(spec.errors) | {500, 503}  # any route may find its database down (chalicelib/aws.py)
    if not spec.allow.public:
        codes |= {401, 403}
    if spec.body or spec.query:
        codes |= {422}
    if spec.body:
        codes |= {400, 415}  # a body that is not a JSON object, or not sent as JSON (api/envelope.py)
    if "{" in spec.path:
        codes |= {404}  # a path id that is not one the service issues (api/input_bounds.py)
    for status in sorted(codes):
        if str(status) in responses:
            continue
        responses[str(status)] = {
            "description": ERROR_TEXT.get(status, "Internal error"),
            "content": {"application/json": {"schema": _ref("ErrorOut")}},
        }
    return responses
