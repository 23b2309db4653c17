"""The Chalice authorizer: checks the access token and hands the caller to the routes.

It lets every request through to the route, carrying either the caller or the reason
the token was refused, so the route can answer 401 with the same JSON error body as
every other error (API Gateway's own 401 has no machine code). No data is read here.
"""

from __future__ import annotations

from chalice.app import AuthRequest, AuthResponse, Blueprint

from chalicelib.errors import AuthenticationError

gate = Blueprint(__name__)


@gate.authorizer(ttl_seconds=60)
def access_token(auth_request: AuthRequest) -> AuthResponse:
    """Validate `Authorization: Bearer <access token>`."""
    from chalicelib.domain.tokens import read_access_token

    scheme, _, token = (auth_request.token or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return AuthResponse(routes=["*"], principal_id="anonymous", context={"auth_error": "unauthenticated"})
    try:
        caller = read_access_token(token.strip())
    except AuthenticationError as refused:
        return AuthResponse(routes=["*"], principal_id="anonymous", context={"auth_error": refused.code})
    context = {"account_id": caller.account_id, "roles": ",".join(sorted(caller.roles)), "kind": caller.kind}
    if caller.children:  # authorizer context values are strings: the hints travel as JSON
        import json

        context["children"] = json.dumps({sid: hint.claim() for sid, hint in caller.children.items()})
    return AuthResponse(routes=["*"], principal_id=caller.account_id, context=context)
