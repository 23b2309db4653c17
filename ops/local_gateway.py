"""`chalice local` (and chalice's test client) answering as our API Gateway does in AWS.

chalice's LocalGateway refuses some requests before the app runs, with API Gateway's default
bodies: no `Authorization` header is `401 {"message":"Unauthorized"}` and an unknown route is
`403 {"message": "Missing Authentication Token"}`. In AWS the stack's gateway responses
(ops/package.py) turn those into our error envelope; here EnvelopeGateway does, in the reader's
language (Accept-Language), and an unknown route is `404 not_found`. It lives in ops/, so it
never reaches the Lambda package.

    python -m ops.local_gateway --stage local --port 8000 --no-autoreload   # = `chalice local …`
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from chalice import local

if TYPE_CHECKING:
    from chalicelib.errors import DiaryError


class UnknownRouteError(local.LocalGatewayException):
    """No route has this path (not a ValueError, so LocalGateway does not answer it with its 403)."""

    CODE = 404


def _refusal(error: local.LocalGatewayException) -> DiaryError:
    # imported here: `chalice local` sets the stage's environment before it imports the app
    from chalicelib.errors import AuthenticationError, DiaryError, ForbiddenError, NotFoundError

    if isinstance(error, UnknownRouteError):
        return NotFoundError()
    if isinstance(error, local.NotAuthorizedError):
        return AuthenticationError()
    if isinstance(error, local.ForbiddenError):
        return ForbiddenError()
    return DiaryError(code="internal_error")  # the authorizer answered nothing (InvalidAuthorizerError)


class EnvelopeGateway(local.LocalGateway):
    """LocalGateway whose own refusals are in the error envelope."""

    def _generate_lambda_event(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        try:
            return super()._generate_lambda_event(method, path, headers, body)
        except ValueError as exc:  # RouteMatcher: no route matches the path
            raise UnknownRouteError({}) from exc

    def handle_request(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        """The app's answer, or the gateway's own refusal as our envelope."""
        try:
            return super().handle_request(method, path, headers, body)
        except local.LocalGatewayException as refused:
            from chalicelib import i18n
            from chalicelib.api.routing import error_response
            from chalicelib.errors import AuthenticationError

            error = _refusal(refused)
            lang = i18n.pick_language(next((v for k, v in headers.items() if k.lower() == "accept-language"), None))
            answer = error_response(error, lang, status=refused.CODE)
            if isinstance(error, AuthenticationError):
                answer.headers["WWW-Authenticate"] = "Bearer"  # as the UNAUTHORIZED gateway response
            return answer.to_dict()


def install() -> None:
    """Make `chalice local` and chalice.test.Client use EnvelopeGateway."""
    from chalice import test

    local.LocalGateway = EnvelopeGateway  # type: ignore[misc]  # ChaliceRequestHandler reads this name
    test.LocalGateway = EnvelopeGateway  # type: ignore[misc]  # and TestHTTPClient this one


def command(stage: str, port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the API as `chalice local` does, with EnvelopeGateway."""
    return [sys.executable, "-m", "ops.local_gateway", "--stage", stage, "--host", host, "--port", str(port),
            "--no-autoreload"]


def main() -> int:
    """`chalice local` with the arguments given."""
    from chalice.cli import main as chalice

    install()
    sys.argv = ["chalice", "local", *sys.argv[1:]]
    return int(chalice() or 0)


if __name__ == "__main__":
    sys.exit(main())
