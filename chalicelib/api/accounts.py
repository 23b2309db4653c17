"""Endpoints of every account: registration, email verification, login, tokens, profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.api.access import ACCOUNT, PUBLIC
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import accounts

if TYPE_CHECKING:
    from chalicelib.api.schemas import Accepted, AccountOut, SignInAnswer

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/auth/register", allow=PUBLIC, body="RegisterRequest",
          status=202, errors=(422, 429),
          summary="Register with a personal email; a code is emailed (answers the same for any address)")
def register(req: Request) -> Answer[Accepted]:
    b = req.body
    accounts.request_registration(b.email, b.name, b.language, req.source_ip)
    return {"status": "accepted"}


@endpoint(bp, "POST", "/auth/verify-email", allow=PUBLIC, body="VerifyEmailRequest", status=204,
          errors=(400, 422, 429), summary="Confirm the email address with the emailed code and set the password")
def verify_email(req: Request) -> Reply:
    accounts.verify_email(req.body.email, req.body.code, req.body.password, req.source_ip)
    return Reply(None, 204)


@endpoint(bp, "POST", "/auth/resend-code", allow=PUBLIC, body="EmailOnly", status=202,
          errors=(422, 429), summary="Email a new verification code (answers the same for any address)")
def resend_code(req: Request) -> Answer[Accepted]:
    accounts.request_code(req.body.email, req.source_ip)
    return {"status": "accepted"}


@endpoint(bp, "POST", "/auth/password-reset", allow=PUBLIC, body="EmailOnly", status=202,
          errors=(422, 429), summary="Email a password-reset code (answers the same for any address)")
def request_password_reset(req: Request) -> Answer[Accepted]:
    from chalicelib.domain import password_reset

    password_reset.request_reset(req.body.email, req.source_ip)
    return {"status": "accepted"}


@endpoint(bp, "POST", "/auth/password-reset/confirm", allow=PUBLIC, body="PasswordResetConfirm", status=204,
          errors=(400, 422, 429), summary="Set a new password with the emailed code; every login of the account ends")
def confirm_password_reset(req: Request) -> Reply:
    from chalicelib.domain import password_reset

    password_reset.confirm(req.body.email, req.body.code, req.body.password, req.source_ip)
    return Reply(None, 204)


@endpoint(bp, "POST", "/auth/login", allow=PUBLIC, body="LoginRequest",
          errors=(401, 403, 422, 429),
          summary="Log in: an access token and a refresh token (the cabinet, X-Ediary-Client: web: "
                  "the refresh token as the HttpOnly cookie ediary_refresh instead)")
def login(req: Request) -> Answer[SignInAnswer]:
    tokens = accounts.login(req.body.email, req.body.password, req.source_ip)
    return _web_sign_in(tokens) if _from_cabinet(req) else _token_pair(tokens)


@endpoint(bp, "POST", "/auth/refresh", allow=PUBLIC, body="RefreshRequest",
          errors=(401, 422),
          summary="Trade a refresh token for a new pair (a reused one ends the login); the cabinet "
                  "(X-Ediary-Client: web) sends {} and its cookie, and gets the cookie rotated")
def refresh(req: Request) -> Answer[SignInAnswer] | Response:  # Response: a refused cookie is cleared
    if not _from_cabinet(req):
        return _token_pair(accounts.refresh(_body_token(req)))
    from chalicelib.api.routing import error_response
    from chalicelib.errors import AuthenticationError

    try:
        token = _cookie_token(req)
        if token is None:
            raise AuthenticationError(field="refresh_token", code="refresh_token_invalid")
        return _web_sign_in(accounts.refresh(token))
    except AuthenticationError as error:  # a dead cookie is of no use: the browser forgets it
        answer = error_response(error, req.lang)
        answer.headers["Set-Cookie"] = _refresh_cookie("", 0)
        return answer


@endpoint(bp, "POST", "/auth/logout", allow=PUBLIC, body="RefreshRequest", status=204, errors=(422,),
          summary="End the login the refresh token belongs to (the cabinet's, X-Ediary-Client: web, "
                  "by its cookie, which is cleared)")
def logout(req: Request) -> Reply:
    if not _from_cabinet(req):
        accounts.logout(_body_token(req))
        return Reply(None, 204)
    token = _cookie_token(req)
    if token is not None:
        accounts.logout(token)
    return Reply(None, 204, {"Set-Cookie": _refresh_cookie("", 0)})


@endpoint(bp, "GET", "/me", allow=ACCOUNT, errors=(401,),
          summary="The signed-in account and its roles")
def me(req: Request) -> Answer[AccountOut]:
    return accounts.profile(req.account_id)


@endpoint(bp, "PATCH", "/me", allow=ACCOUNT, body="UpdateProfileRequest",
          errors=(400, 401, 422, 429),
          summary="Change name, phone or language (never the email); a new phone gets a code by SMS")
def update_me(req: Request) -> Answer[AccountOut]:
    changes = {name: getattr(req.body, name) for name in req.body.model_fields_set}
    return accounts.update_profile(req.account_id, changes)


@endpoint(bp, "POST", "/me/phone/code", allow=ACCOUNT, status=202,
          errors=(400, 401, 409, 429), summary="Text a new code to my unconfirmed phone number")
def send_phone_code(req: Request) -> Answer[Accepted]:
    from chalicelib.domain import phones

    phones.send_code(req.account_id)
    return {"status": "accepted"}


@endpoint(bp, "POST", "/me/phone/verify", allow=ACCOUNT, body="PhoneCode",
          errors=(400, 401, 409, 422, 429), summary="Confirm my phone number with the texted code")
def verify_phone(req: Request) -> Answer[AccountOut]:
    from chalicelib.domain import phones

    phones.verify(req.account_id, req.body.code)
    return accounts.profile(req.account_id)


def _token_pair(tokens: accounts.Tokens) -> dict[str, Any]:
    return {
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh_token,
    }


# --- the cabinet's sign-in: the refresh token in a cookie no script can read ---------------------
# Honoured only with the header X-Ediary-Client: web, which a cross-site form cannot send (nor can
# it send application/json, which these routes require): SameSite=Strict is the first guard, the
# header the second. See docs/web.md "Browser sign-in and the security model".

CABINET_HEADER = "x-ediary-client"
REFRESH_COOKIE = "ediary_refresh"
# In AWS the browser reaches the API at <cabinet>/api/… (CloudFront); locally ops/web_server.py
# forwards /api/* the same way: the cookie goes to the sign-in routes and nowhere else.
COOKIE_PATH = "/api/auth"


def _from_cabinet(req: Request) -> bool:
    return req.headers.get(CABINET_HEADER, "").strip().lower() == "web"


def _body_token(req: Request) -> str:
    """An API client's refresh token: required in the body, as it always was."""
    if req.body.refresh_token is None:
        from chalicelib.errors import ValidationFailedError

        raise ValidationFailedError([{"field": "refresh_token", "kind": "missing"}])
    return str(req.body.refresh_token)


def _cookie_token(req: Request) -> str | None:
    for part in req.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == REFRESH_COOKIE and 10 <= len(value) <= 256:
            return value
    return None


def _refresh_cookie(value: str, max_age: int) -> str:
    return (f"{REFRESH_COOKIE}={value}; Path={COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict; "
            f"Max-Age={max_age}")


def _web_sign_in(tokens: accounts.Tokens) -> Reply:
    from chalicelib.settings import get_settings

    lifetime = get_settings().refresh_token_days * 24 * 3600
    body = {"access_token": tokens.access_token, "token_type": "Bearer", "expires_in": tokens.expires_in}
    return Reply(body, 200, {"Set-Cookie": _refresh_cookie(tokens.refresh_token, lifetime),
                             "Cache-Control": "no-store"})
