"""Declared endpoints: one decorator registers the route, its access rule and its models.

The declarations are kept in ENDPOINTS so the OpenAPI document and the authorization
test are built from the same source as the routes themselves. Request models are named,
not imported, so pydantic loads on the first request rather than at cold start. The response
model is the handler's return annotation, `-> Answer[WeekOut]`: a class that mypy checks, imported
only for the type checker and read back on first use (chalicelib.api.answers validates answers
against it where VALIDATE_RESPONSES is on).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, get_args, get_type_hints

from chalice.app import Blueprint, Response

from chalicelib import i18n, settings
from chalicelib.api import input_bounds
from chalicelib.api.access import Access
from chalicelib.api.gate import access_token
from chalicelib.domain.tokens import Caller, child_hints, token_kind
from chalicelib.errors import AuthenticationError, DiaryError, ForbiddenError, ValidationFailedError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.dal.store import PageCursor

log = logging.getLogger(__name__)

SCHEMAS_MODULE = "chalicelib.api.schemas"


@dataclass(frozen=True)
class Endpoint:
    """What a route is, who may call it and what it takes and returns."""

    method: str
    path: str
    allow: Access
    summary: str
    tag: str
    body: str | None = None
    query: str | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    same_body_on: tuple[int, ...] = ()  # other statuses answered with the response model
    media_type: str = "application/json"  # of the success body; another one is built by its handler
    handler: Callable[[Request], Any] | None = field(default=None, compare=False, repr=False)

    @property
    def response(self) -> type[BaseModel] | None:
        """The response model the handler declares by its return annotation (None: no JSON body)."""
        return None if self.handler is None else answer_model(self.handler)


ENDPOINTS: list[Endpoint] = []


@dataclass
class Request:
    """A validated request as the handlers see it."""

    caller: Caller | None
    path: dict[str, str]
    body: Any
    query: Any
    lang: str
    source_ip: str
    headers: dict[str, str] = field(default_factory=dict)
    route: str = ""

    @property
    def actor(self) -> Caller:
        """The caller (only on non-public routes, where the gate has already refused anonymity)."""
        assert self.caller is not None
        return self.caller

    @property
    def account_id(self) -> str:
        """The caller's account (only on non-public routes)."""
        return self.actor.account_id

    @property
    def cursor(self) -> PageCursor:
        """The query's page cursor, bound to this list as this caller reads it: the route, its path,
        its filters (every query field but the cursor and the limit) and the account."""
        from chalicelib.dal.store import PageCursor

        filters = self.query.model_dump(mode="json", exclude={"cursor", "limit"}) if self.query else {}
        who = self.caller.account_id if self.caller else None
        scope = json.dumps([self.route, self.path, filters, who], sort_keys=True, ensure_ascii=False)
        return PageCursor(getattr(self.query, "cursor", None), scope)


@dataclass
class Reply:
    """A handler result with a non-default status or headers."""

    body: Any
    status: int = 200
    headers: dict[str, str | list[str]] = field(default_factory=dict)


M = TypeVar("M")

# What a handler answers: its response model, the model's plain form (what a domain function returns),
# or a Reply carrying either with another status or headers. `-> Answer[WeekOut]` declares WeekOut.
Answer: TypeAlias = M | Reply | dict[str, Any]


@functools.cache
def answer_model(handler: Callable[..., Any]) -> type[BaseModel] | None:
    """The response model in a handler's return annotation. The annotation is text until read here
    (`from __future__ import annotations`): the handler module imports its models for mypy only, and
    they are looked up among the models of schemas.py, which holds every one."""
    from pydantic import BaseModel

    declared = get_type_hints(handler, localns=vars(import_module(SCHEMAS_MODULE))).get("return")
    for option in get_args(declared) or (declared,):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def schema(name: str) -> Any:
    """A model by name, as request models are declared (imports pydantic on first use)."""
    return getattr(import_module(SCHEMAS_MODULE), name)


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    allow: Access,
    summary: str,
    body: str | None = None,
    query: str | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    same_body_on: tuple[int, ...] = (),
    media_type: str = "application/json",
    content_types: tuple[str, ...] = (),  # of request bodies the route accepts, when not JSON
) -> Callable[[Callable[[Request], Any]], Callable[[Request], Any]]:
    """Register a route on `bp` with its access rule and models (the response model is the handler's
    return annotation: `-> Answer[WeekOut]`)."""

    def decorator(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        spec = Endpoint(method, path, allow, summary, bp._import_name, body, query, status, errors, same_body_on,
                        media_type, handler)
        ENDPOINTS.append(spec)

        @functools.wraps(handler)
        def view(**path_params: str) -> Response:
            return _serve(bp, spec, handler, path_params)

        bp.route(
            path,
            methods=[method],
            authorizer=None if allow.public else access_token,
            # A body must come as JSON (415 otherwise, chalicelib/api/envelope.py) unless the route
            # names its types (the one-click unsubscribe's form); without a body, any type.
            content_types=list(content_types) if content_types else ["application/json"] if body else ["*/*"],
            name=f"{handler.__name__}_{method.lower()}",
        )(view)
        return handler

    return decorator


def _serve(bp: Blueprint, spec: Endpoint, handler: Callable[[Request], Any], path: dict[str, str]) -> Response:
    current = bp.current_request
    headers = {k.lower(): v for k, v in (current.headers or {}).items()}
    lang = i18n.pick_language(headers.get("accept-language"))
    try:
        caller = None if spec.allow.public else _authorize(spec, current.context, path)
        input_bounds.check_path(path)
        request = Request(
            caller=caller,
            path=path,
            body=_parse_body(spec, current.raw_body),
            query=_parse_query(spec, current.query_params),
            lang=lang,
            source_ip=str(current.context.get("identity", {}).get("sourceIp") or "unknown"),
            headers=headers,
            route=f"{spec.method} {spec.path}",
        )
        result = handler(request)
        return _reply(spec, result)
    except DiaryError as error:
        return error_response(error, lang)
    except Exception:  # the last line of defence: log it, answer JSON, never leak a trace
        log.exception("unhandled error in %s %s", spec.method, spec.path)
        return error_response(DiaryError(code="internal_error"), lang, status=500)


def _authorize(spec: Endpoint, context: dict[str, Any], path: dict[str, str]) -> Caller:
    identity = context.get("authorizer") or {}
    if identity.get("auth_error") or not identity.get("account_id"):
        raise AuthenticationError(code=identity.get("auth_error") or "unauthenticated")
    roles = frozenset(r for r in str(identity.get("roles", "")).split(",") if r)
    caller = Caller(account_id=str(identity["account_id"]), roles=roles, children=_child_hints(identity),
                    kind=token_kind(identity.get("kind"), roles))
    if not spec.allow.permits(caller, path):
        raise ForbiddenError()
    return _standing(spec, caller, path)


def _standing(spec: Endpoint, caller: Caller, path: dict[str, str]) -> Caller:
    """The caller once the role that admitted it is read back: removed since the token, refused."""
    claims = spec.allow.admitting(path)
    if not claims:
        return caller
    from chalicelib.domain.grants import confirm

    caller = confirm(caller, claims)
    if not spec.allow.permits(caller, path):
        raise ForbiddenError()
    return caller


def _child_hints(identity: Mapping[str, Any]) -> dict[str, Any]:
    if not identity.get("children"):
        return {}
    try:
        return child_hints(json.loads(identity["children"]))
    except ValueError:
        return {}


def _parse_body(spec: Endpoint, raw: str | bytes | None) -> Any:
    if spec.body is None:
        return None
    data = input_bounds.json_body(raw) if raw else {}
    if not isinstance(data, dict):
        raise DiaryError(code="invalid_json")
    return _validate(spec.body, data)  # strict, as its model says: "5" is not a number


def _parse_query(spec: Endpoint, params: Mapping[str, str] | None) -> Any:
    if spec.query is None:
        return None
    return _validate(spec.query, dict(params or {}), strict=False)  # a query is text: limit=20 is a number


def _validate(model_name: str, data: dict[str, Any], strict: bool | None = None) -> Any:
    from pydantic import ValidationError

    try:
        return schema(model_name).model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ValidationFailedError(
            [
                {"field": ".".join(str(part) for part in err["loc"]) or None, "kind": err["type"]}
                for err in exc.errors(include_url=False, include_input=False)
            ]
        ) from exc


def _reply(spec: Endpoint, result: Any) -> Response:
    if isinstance(result, Response):  # a body that is not JSON (the calendar feed) is built by its handler
        return result
    reply = result if isinstance(result, Reply) else Reply(result, spec.status)
    if reply.status == 204:
        response = Response(body="", status_code=204, headers=dict(reply.headers))
    else:
        response = json_response(_plain(reply.body), reply.status, reply.headers)
    if settings.validate_responses():  # the answer as sent, against the document (api/answers.py)
        from chalicelib.api.answers import check_answer

        check_answer(spec, reply.status, response.body)
    return response


def _plain(body: Any) -> Any:
    if hasattr(body, "model_dump"):
        return body.model_dump(mode="json")
    return body


def json_response(body: Any, status: int = 200, headers: dict[str, str | list[str]] | None = None) -> Response:
    """A JSON response; Russian text stays readable."""
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_response(error: DiaryError, lang: str, status: int | None = None) -> Response:
    """The one place a domain error becomes an HTTP answer."""
    payload: dict[str, Any] = {
        "code": error.code,
        "message": i18n.message(error.code, lang, field=error.field or "", **error.params),
        "field": error.field,
    }
    if isinstance(error, ValidationFailedError):
        payload["details"] = [
            {"field": e["field"], "code": e["kind"], "message": i18n.field_reason(e["kind"], lang)}
            for e in error.errors
        ]
    if "current" in error.params:  # a stale edit (409): the record as it is now (null: deleted)
        payload["current"] = error.params["current"]
    headers: dict[str, str | list[str]] = {}
    if "retry_after" in error.params:
        headers["Retry-After"] = str(error.params["retry_after"])
    return json_response({"error": payload}, status or error.status, headers)
