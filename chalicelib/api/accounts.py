"""Endpoints of every account: registration, email verification, login, tokens, profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.access import ACCOUNT, PUBLIC
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import accounts

if TYPE_CHECKING:
    from chalicelib.api.schemas import Accepted, AccountOut, TokenPair

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
          errors=(401, 403, 422, 429), summary="Log in: an access token and a refresh token")
def login(req: Request) -> Answer[TokenPair]:
    tokens = accounts.login(req.body.email, req.body.password, req.source_ip)
    return _token_pair(tokens)


@endpoint(bp, "POST", "/auth/refresh", allow=PUBLIC, body="RefreshRequest",
          errors=(401, 422), summary="Trade a refresh token for a new pair (a reused one ends the login)")
def refresh(req: Request) -> Answer[TokenPair]:
    return _token_pair(accounts.refresh(req.body.refresh_token))


@endpoint(bp, "POST", "/auth/logout", allow=PUBLIC, body="RefreshRequest", status=204, errors=(422,),
          summary="End the login the refresh token belongs to")
def logout(req: Request) -> Reply:
    accounts.logout(req.body.refresh_token)
    return Reply(None, 204)


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
