"""Issue 17, item 2: a parent who forgot the password resets it with a code sent to the address."""

from __future__ import annotations

import time

import pytest

from chalicelib.errors import DiaryError
from tests.conftest import sent_emails, unique_email
from tests.journeys import PASSWORD, emailed_code, login, post, register, verified_account

NEW_PASSWORD = "Novyi-parol-2027"


def ask_reset(client, email):
    return post(client, "/auth/password-reset", {"email": email})


def confirm(client, email, code, password=NEW_PASSWORD):
    return post(client, "/auth/password-reset/confirm", {"email": email, "code": code, "password": password})


def other_code(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_reset_sets_the_new_password_ends_every_login_and_lifts_the_lockout(client, pump):
    from chalicelib.dal import accounts as store
    from chalicelib.dal import password_reset as codes
    from chalicelib.domain import secrets

    email = verified_account(client, pump)
    old_session = login(client, email)
    store.lock("account", email, int(time.time()) + 900)  # someone hammered the login meanwhile

    answer = ask_reset(client, email)
    assert answer.status_code == 202 and answer.json_body == {"status": "accepted"}
    code = emailed_code(pump, email)
    mail = sent_emails(email)[-1]
    assert mail["subject"] == f"Код для смены пароля: {code}" and "30 минут" in mail["body"]
    stored = codes.get_code(store.find_account_id(email) or "")
    assert stored is not None and code not in stored.code_hash
    assert stored.code_hash == secrets.digest(code, "password-reset")

    assert confirm(client, email, code).status_code == 204

    refused = post(client, "/auth/login", {"email": email, "password": PASSWORD})
    assert refused.status_code == 401 and refused.json_body["error"]["code"] == "invalid_credentials"
    new_session = login(client, email, NEW_PASSWORD)  # the lockout is lifted too
    stale = post(client, "/auth/refresh", {"refresh_token": old_session["refresh_token"]})
    assert stale.status_code == 401 and stale.json_body["error"]["code"] == "refresh_token_invalid"
    assert post(client, "/auth/refresh", {"refresh_token": new_session["refresh_token"]}).status_code == 200
    # The code is spent: it does not set a password twice
    again = confirm(client, email, code, "Tretii-parol-2028")
    assert again.status_code == 400 and again.json_body["error"]["code"] == "code_invalid"


def test_five_wrong_codes_spend_the_code(client, pump):
    email = verified_account(client, pump)
    assert ask_reset(client, email).status_code == 202
    right = emailed_code(pump, email)
    for _ in range(5):
        wrong = confirm(client, email, other_code(right))
        assert wrong.status_code == 400 and wrong.json_body["error"]["code"] == "code_invalid"
    spent = confirm(client, email, right)
    assert spent.status_code == 429 and spent.json_body["error"]["code"] == "code_attempts_exceeded"
    assert login(client, email)["access_token"]  # the password did not change
    # A new code gets its own guesses, and works
    assert ask_reset(client, email).status_code == 202
    assert confirm(client, email, emailed_code(pump, email)).status_code == 204
    assert login(client, email, NEW_PASSWORD)["access_token"]


def test_an_expired_code_is_refused(client, pump, monkeypatch):
    email = verified_account(client, pump)
    assert ask_reset(client, email).status_code == 202
    code = emailed_code(pump, email)
    later = int(time.time()) + 31 * 60
    monkeypatch.setattr("chalicelib.domain.password_reset.epoch", lambda: later)
    expired = confirm(client, email, code)
    assert expired.status_code == 400 and expired.json_body["error"]["code"] == "code_invalid"
    assert login(client, email)["access_token"]


def test_unknown_and_pending_addresses_get_the_same_answer_and_no_mail(client, pump):
    known = verified_account(client, pump)
    pending = register(client)
    pump.drain()
    unknown = unique_email()
    answers = [ask_reset(client, email) for email in (known, pending, unknown)]
    assert {a.status_code for a in answers} == {202}
    assert answers[0].json_body == answers[1].json_body == answers[2].json_body
    pump.drain()
    assert len(sent_emails(known)) == 2  # the registration code, then the reset code
    assert len(sent_emails(pending)) == 1  # only the registration code
    assert sent_emails(unknown) == []
    # A guess at an address with no account is refused like a wrong code
    guessed = confirm(client, unknown, "123456")
    assert guessed.status_code == 400 and guessed.json_body["error"]["code"] == "code_invalid"


def test_reset_mail_is_throttled_per_address_and_per_client(client, pump, monkeypatch):
    frozen = int(time.time())  # one quota window for the whole test, however slow the machine
    monkeypatch.setattr("chalicelib.domain.password_reset.epoch", lambda: frozen)
    unknown = unique_email()
    for _ in range(5):  # the mail quota of register and resend-code, whether the address exists or not
        assert ask_reset(client, unknown).status_code == 202
    throttled = ask_reset(client, unknown)
    assert throttled.status_code == 429 and throttled.json_body["error"]["code"] == "too_many_attempts"
    assert int(throttled.headers["Retry-After"]) >= 1
    for _ in range(20 - 6):  # the client's quota counts every request, the throttled one too
        assert ask_reset(client, unique_email()).status_code == 202
    assert ask_reset(client, unique_email()).status_code == 429


def test_request_and_confirm_do_the_same_work_for_any_address(client, pump, monkeypatch):
    from chalicelib.domain import accounts, password_reset
    from tests.functional.test_security_accounts import Recorder

    known = verified_account(client, pump)
    assert ask_reset(client, known).status_code == 202
    code = emailed_code(pump, known)
    pending = register(client)
    pump.drain()
    calls: list[str] = []
    for module, names in ((accounts, ("store",)), (password_reset, ("store", "codes", "outbox", "secrets"))):
        for name in names:
            monkeypatch.setattr(module, name, Recorder(getattr(module, name), calls))
    seen = []
    for email in (known, pending, unique_email()):
        calls.clear()
        password_reset.request_reset(email, "198.51.100.40")
        with pytest.raises(DiaryError):
            password_reset.confirm(email, other_code(code), NEW_PASSWORD, "198.51.100.40")
        seen.append(list(calls))
    assert seen[0] == seen[1] == seen[2]
    assert {"queue_account_step", "take_code_guess", "hash_password", "get_account", "get_code",
            "same_digest"} <= set(seen[0])
