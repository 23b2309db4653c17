"""Chalice's own answers in the error envelope.

Chalice refuses some requests before any view runs: a method the path does not have (405), a
body not sent as JSON (415), and, should anything escape a view, a 500. It answers them as
`{"Code": …, "Message": …}` in English. This middleware gives them the envelope every other
error has, in the reader's language, keeping their headers (405's `Allow`). What API Gateway
answers itself (no token, an unknown route) is its gateway responses' (ops/package.py), and
`chalice local`'s (ops/local_gateway.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import i18n
from chalicelib.api.routing import error_response
from chalicelib.errors import DiaryError

envelope = Blueprint(__name__)

CODE_OF_STATUS = {
    400: "bad_request",
    405: "method_not_allowed",
    415: "unsupported_media_type",
}


def is_chalice_error(response: Response) -> bool:
    """Whether the answer is chalice's own error body rather than one of ours."""
    return isinstance(response.body, dict) and set(response.body) == {"Code", "Message"}


@envelope.middleware("http")
def chalice_errors_in_envelope(request: Any, get_response: Callable[[Any], Response]) -> Response:
    """Re-word chalice's own refusals as our error envelope."""
    response = get_response(request)
    if not is_chalice_error(response):
        return response
    status = response.status_code
    code = CODE_OF_STATUS.get(status, "internal_error" if status >= 500 else "bad_request")
    headers = getattr(request, "headers", None) or {}
    answer = error_response(DiaryError(code=code), i18n.pick_language(headers.get("accept-language")), status)
    kept = {name: value for name, value in response.headers.items() if name.lower() != "content-type"}
    answer.headers = {**kept, **answer.headers}
    return answer
