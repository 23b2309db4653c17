"""Accounts: registration, verification by emailed code, login, tokens, profile."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import jwt

from tests.conftest import sent_emails, unique_email
from tests.journeys import PASSWORD, emailed_code, get, login, patch, post, register, verified_account, verify


def test_register_verify_login_and_read_profile(client, pump):
    # Given a parent registers
    email = register(client)
    # When they confirm the emailed code, choosing their password, log in and give a local phone
    assert verify(client, pump, email).status_code == 204
    tokens = login(client, email)
    assert patch(client, "/me", {"phone": "8 (921) 123-45-67"}, tokens["access_token"]).status_code == 200
    # Then the profile shows the account, the phone in E.164, and no roles
    me = get(client, "/me", tokens["access_token"])
    assert me.status_code == 200
    assert me.json_body["email"] == email
    assert me.json_body["phone"] == "+79211234567"
    assert me.json_body["roles"] == []
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 15 * 60


def test_verification_email_is_russian_by_default_and_english_on_request(client, pump):
    ru = register(client)
    en = register(client, language="en")
    emailed_code(pump, ru)
    assert "Ваш код подтверждения" in sent_emails(ru)[-1]["body"]
    assert "Your code to confirm" in sent_emails(en)[-1]["body"]


def test_unverified_account_cannot_log_in(client, pump):
    # No password exists before the code is typed: the answer is that of a wrong password
    email = register(client)
    response = post(client, "/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "invalid_credentials"


def test_wrong_codes_are_bounded(client, pump):
    email = register(client)
    right = emailed_code(pump, email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = post(client, "/auth/verify-email", {"email": email, "code": wrong, "password": PASSWORD})
        assert response.status_code == 400
        assert response.json_body["error"]["code"] == "code_invalid"
    # Even the right code is refused once the attempts are spent
    response = post(client, "/auth/verify-email", {"email": email, "code": right, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json_body["error"]["code"] == "code_attempts_exceeded"
    # A new code can be asked for, and works
    assert post(client, "/auth/resend-code", {"email": email}).status_code == 202
    assert verify(client, pump, email).status_code == 204


def test_email_can_never_be_changed(client, pump):
    email = verified_account(client, pump)
    token = login(client, email)["access_token"]
    refused = patch(client, "/me", {"email": unique_email()}, token)
    assert refused.status_code == 400
    assert refused.json_body["error"]["code"] == "email_immutable"
    assert refused.json_body["error"]["field"] == "email"
    changed = patch(client, "/me", {"name": "Иванова Мария", "language": "en"}, token)
    assert changed.status_code == 200
    assert changed.json_body["name"] == "Иванова Мария"
    assert changed.json_body["email"] == email
    # A null name leaves the name alone (found by the fuzzer: it used to erase it)
    kept = patch(client, "/me", {"name": None, "phone": "+7 921 000-00-01"}, token)
    assert (kept.json_body["name"], kept.json_body["phone"]) == ("Иванова Мария", "+79210000001")
    cleared = patch(client, "/me", {"phone": None}, token)
    assert cleared.json_body["phone"] is None


def test_refresh_rotates_and_a_reused_token_ends_the_family(client, pump):
    email = verified_account(client, pump)
    first = login(client, email)
    second = post(client, "/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json_body["refresh_token"] != first["refresh_token"]
    # The first refresh token is replayed (stolen): refused, and the whole family is revoked
    replay = post(client, "/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json_body["error"]["code"] == "refresh_token_reused"
    after = post(client, "/auth/refresh", {"refresh_token": second.json_body["refresh_token"]})
    assert after.status_code == 401
    assert after.json_body["error"]["code"] == "refresh_token_invalid"


def test_logout_ends_the_session(client, pump):
    tokens = login(client, verified_account(client, pump))
    assert post(client, "/auth/logout", {"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert post(client, "/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_forged_expired_and_missing_tokens_are_refused(client, pump):
    email = verified_account(client, pump)
    real = login(client, email)["access_token"]
    claims = jwt.decode(real, options={"verify_signature": False})
    forged = jwt.encode({**claims, "roles": ["operator"]}, "not-the-secret-but-long-enough-1234567890", "HS256")
    import os

    expired = jwt.encode({**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
                         os.environ["SIGNING_SECRET"], "HS256")
    for token, code in [(forged, "token_invalid"), (expired, "token_expired"), ("garbage", "token_invalid")]:
        response = get(client, "/me", token)
        assert response.status_code == 401, token
        assert response.json_body["error"]["code"] == code
    missing = client.http.get("/me")
    assert missing.status_code == 401


def test_failed_logins_are_slowed_then_locked(client, pump, monkeypatch):
    email = verified_account(client, pump)
    # The clock stands still, so "too soon" does not depend on how busy the machine is.
    frozen = int(time.time())
    monkeypatch.setattr("chalicelib.clock.now", lambda: datetime.fromtimestamp(frozen, UTC))
    for _ in range(3):
        response = post(client, "/auth/login", {"email": email, "password": "wrong-password-1"})
        assert response.status_code == 401
        assert response.json_body["error"]["code"] == "invalid_credentials"
    # The fourth attempt comes too soon: slowed, even with the right password
    slowed = post(client, "/auth/login", {"email": email, "password": PASSWORD})
    assert slowed.status_code == 429
    assert slowed.json_body["error"]["code"] == "too_many_attempts"
    assert int(slowed.headers["Retry-After"]) >= 1
    # After the lock limit, the account is locked for a while
    from chalicelib.dal import accounts as store

    store.lock("account", email, int(time.time()) + 900)
    locked = post(client, "/auth/login", {"email": email, "password": PASSWORD}, Accept_Language="en")
    assert locked.status_code == 429
    assert locked.json_body["error"]["code"] == "account_locked"
    assert "locked" in locked.json_body["error"]["message"]


def test_unknown_email_and_wrong_password_look_the_same(client, pump):
    email = verified_account(client, pump)
    unknown = post(client, "/auth/login", {"email": unique_email(), "password": PASSWORD})
    wrong = post(client, "/auth/login", {"email": email, "password": "Wrong-password-2"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json_body == wrong.json_body
