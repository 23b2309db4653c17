"""An answer checked against what the OpenAPI document says of it, before it leaves.

Where VALIDATE_RESPONSES is on (`chalice local`, the tests), every answer of a declared endpoint is
read back as the client reads it, the JSON text sent, and must be what its response model describes:
a status the document lists, every field of the model's type, no field the model does not name. So
the document (api/openapi.py, built from the same models) cannot drift from what is sent; a drift is
an AnswerDriftError, which the routing logs and answers as a 500. Imported on the first checked answer,
never at cold start (pydantic is not loaded until a request needs it).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

SHOWN = 5  # differences named in the message; the first ones are enough to find the field


class Declared(Protocol):
    """What an endpoint declares of its answer (routing.Endpoint, which imports this module)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def same_body_on(self) -> tuple[int, ...]: ...
    @property
    def media_type(self) -> str: ...
    @property
    def response(self) -> type[BaseModel] | None: ...


class AnswerDriftError(Exception):
    """An answer that is not what the OpenAPI document says the endpoint answers."""


def check_answer(spec: Declared, status: int, text: str | bytes) -> None:
    """Refuse an answer that its endpoint's declaration does not describe."""
    route = f"{spec.method} {spec.path}"
    documented = (spec.status, *spec.same_body_on)
    if status not in documented:
        raise AnswerDriftError(f"{route} answered {status}; its declaration documents {documented}")
    model = spec.response
    if status == 204 or model is None:
        if status != 204 and spec.media_type == "application/json" and not isinstance(json.loads(text), dict):
            raise AnswerDriftError(f"{route} answered something else than the JSON object it documents")
        return
    try:
        echoed = model.model_validate_json(text, strict=True).model_dump(mode="json", exclude_unset=True)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or '(body)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)[:SHOWN]]
        raise AnswerDriftError(f"{route} answered what {model.__name__} does not describe: "
                               f"{'; '.join(problems)}") from exc
    sent = json.loads(text)
    if echoed != sent:  # a field the model does not name (dropped when read back), or another form of a value
        raise AnswerDriftError(f"{route} answered other fields than {model.__name__} names: "
                          f"{'; '.join(differences(sent, echoed)[:SHOWN])}")


def differences(sent: Any, echoed: Any, where: str = "") -> list[str]:
    """Where the answer as sent and the answer as its model reads it back differ, by field path."""
    if isinstance(sent, dict) and isinstance(echoed, dict):
        found = [f"{where}{key}: not in the model" for key in sent if key not in echoed]
        found += [f"{where}{key}: added by the model" for key in echoed if key not in sent]
        for key in sent.keys() & echoed.keys():
            found += differences(sent[key], echoed[key], f"{where}{key}.")
        return found
    if isinstance(sent, list) and isinstance(echoed, list) and len(sent) == len(echoed):
        return [d for i, (a, b) in enumerate(zip(sent, echoed, strict=True)) for d in differences(a, b, f"{where}{i}.")]
    if sent != echoed:
        return [f"{where.rstrip('.') or '(body)'}: sent {sent!r}, the model reads {echoed!r}"]
    return []
