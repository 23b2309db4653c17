"""What the edge refuses before any model or read: path ids the service never issues, and JSON
nested deeper than any request model.

Path ids are uuid hex (accounts, schools, classes, applications, uploads…), stable ids derived
from a school's own ids, "<date>-<suffix>" grades and "<date>T<hhmm>-<subject>" lessons, and the
calendar feed's URL-safe token with ".ics". Anything else (2 KB, over DynamoDB's key size;
combining characters; a dot) names nothing, so it is 404 before any read instead of a key
DynamoDB refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chalicelib.errors import DiaryError, NotFoundError

MAX_ID_LENGTH = 128  # room for composite ids; several ids in one key stay far under a 1 KB sort key
DEFAULT_ID = rf"[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}"
ID_FORMATS: dict[str, str] = {  # a path parameter not named here has the DEFAULT_ID format
    "token": rf"[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}(\.ics)?",
}
# The deepest request model nests 3 levels; json.loads and validation recurse, so 1,000 levels
# are a RecursionError (a 500) unless refused first.
MAX_JSON_DEPTH = 16


def id_pattern(name: str) -> str:
    """The declared format of a path parameter (also its pattern in the OpenAPI document)."""
    return ID_FORMATS.get(name, DEFAULT_ID)


def check_path(path: Mapping[str, str]) -> None:
    """Refuse, as not found, a path id that cannot be one the service issued."""
    for name, value in path.items():
        if not re.fullmatch(id_pattern(name), value, flags=re.ASCII):
            raise NotFoundError(field=name)


def json_body(raw: str | bytes) -> Any:
    """The parsed body; broken or too deeply nested JSON is 400 invalid_json."""
    import json

    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DiaryError(code="invalid_json") from exc
    pending = [(data, 1)]
    while pending:  # iteratively, so the check itself cannot recurse too deep
        node, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise DiaryError(code="invalid_json")
        inner = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        pending.extend((child, depth + 1) for child in inner if isinstance(child, dict | list))
    return data
