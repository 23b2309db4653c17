"""Issue 12, items 4, 5, 12 and 17: email codes, squatting, login throttle races, enumeration."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.errors import AuthenticationError, DiaryError, TooManyAttemptsError
from tests.conftest import sent_emails, unique_email
from tests.journeys import PASSWORD, emailed_code, login, post, register, verified_account, verify

WRONG = "Wrong-password-2026"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> int:
    """The clock stands still, so "too soon" and windows do not depend on how busy the machine is."""
    now = int(time.time())
    monkeypatch.setattr("chalicelib.clock.now", lambda: datetime.fromtimestamp(now, UTC))
    return now


def _in_parallel(n: int, attempt: Any) -> list[str]:
    """Run `attempt` n times at once; each outcome as the error code (or "ok")."""
    def one(_: int) -> str:
        try:
            attempt()
        except DiaryError as error:
            return error.code
        return "ok"

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


class Recorder:
    """Stands in for a module and notes every function called through it, in order."""

    def __init__(self, module: Any, calls: list[str]) -> None:
        self._module, self._calls = module, calls

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._module, name)
        if not callable(target) or isinstance(target, type):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(name)
            return target(*args, **kwargs)

        return call


def _record(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from chalicelib.domain import accounts

    calls: list[str] = []
    for name in ("store", "outbox", "secrets"):
        monkeypatch.setattr(accounts, name, Recorder(getattr(accounts, name), calls))
    return calls


# --- item 4: codes cannot be guessed without limit, nor used to bomb a mailbox ---------------


def test_resending_is_throttled_per_address_with_retry_after(client, pump):
    email = register(client)  # the first of five mails an hour to this address
    for _ in range(4):
        assert post(client, "/auth/resend-code", {"email": email}).status_code == 202
    refused = post(client, "/auth/resend-code", {"email": email})
    assert refused.status_code == 429
    assert refused.json_body["error"]["code"] == "too_many_attempts"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # Registering again mails the address too: the same limit
    again = post(client, "/auth/register", {"email": email, "name": "Иванова Мария Петровна"})
    assert again.status_code == 429
    pump.drain()
    assert len(sent_emails(email)) == 5


def test_resending_is_throttled_per_client(client, frozen):
    from chalicelib.domain import accounts

    for _ in range(20):
        accounts.request_code(unique_email(), "198.51.100.20")
    with pytest.raises(TooManyAttemptsError) as refused:
        accounts.request_code(unique_email(), "198.51.100.20")
    assert refused.value.retry_after >= 1
    accounts.request_code(unique_email(), "198.51.100.21")  # another client is not held back


def test_a_new_code_does_not_give_new_guesses_beyond_the_days_total(client, pump):
    email = register(client)
    for round_ in range(2):
        code = emailed_code(pump, email)
        for _ in range(5):
            wrong = post(client, "/auth/verify-email", {"email": email, "code": _wrong(code), "password": PASSWORD})
            assert wrong.json_body["error"]["code"] == "code_invalid"
        spent = post(client, "/auth/verify-email", {"email": email, "code": code, "password": PASSWORD})
        assert spent.status_code == 429
        if round_ == 0:
            assert spent.json_body["error"]["code"] == "code_attempts_exceeded"
            assert post(client, "/auth/resend-code", {"email": email}).status_code == 202
    # Ten guesses today: neither a new code nor a new registration gives more
    assert spent.json_body["error"]["code"] == "too_many_attempts"
    assert int(spent.headers["Retry-After"]) >= 1
    assert post(client, "/auth/register", {"email": email, "name": "Иванова Мария Петровна"}).status_code == 202
    again = verify(client, pump, email)
    assert again.status_code == 429
    assert again.json_body["error"]["code"] == "too_many_attempts"


def test_parallel_wrong_codes_cannot_exceed_the_limit(client, pump, frozen, monkeypatch):
    from chalicelib.domain import accounts, secrets

    email = register(client)
    wrong = _wrong(emailed_code(pump, email))
    compared: list[str] = []
    real = secrets.same_digest
    monkeypatch.setattr(secrets, "same_digest", lambda *a: compared.append("x") or real(*a))
    outcomes = _in_parallel(25, lambda: accounts.verify_email(email, wrong, PASSWORD, "203.0.113.4"))
    assert outcomes.count("code_invalid") == 5
    assert outcomes.count("code_attempts_exceeded") == 20
    assert len(compared) == 5  # the other twenty were refused before any code was compared


# --- item 5: nobody squats an address ------------------------------------------------------


def test_a_pending_registration_expires_even_before_dynamodb_deletes_it(client, pump, monkeypatch):
    from chalicelib.dal import accounts as store

    email = register(client)
    code = emailed_code(pump, email)
    account = store.get_account(store.find_account_id(email) or "")
    assert account is not None and account.expires_at is not None  # DynamoDB's TTL will delete it
    assert account.expires_at - datetime.now(UTC) <= timedelta(hours=24)
    later = int(time.time()) + 25 * 3600
    monkeypatch.setattr("chalicelib.domain.accounts.epoch", lambda: later)
    late = post(client, "/auth/verify-email", {"email": email, "code": code, "password": PASSWORD})
    assert late.status_code == 400
    assert late.json_body["error"]["code"] == "code_invalid"


def test_the_owner_registering_again_replaces_the_squatters_registration(client, pump):
    # A squatter registers the owner's address first
    email = register(client, name="Захватчик")
    squatters_code = emailed_code(pump, email)
    # The owner registers too: the same answer, a new code, and the squatter's code is dead
    register(client, email, name="Владелица Адреса")
    owners_code = emailed_code(pump, email)
    if squatters_code != owners_code:  # they coincide one time in a million
        dead = post(client, "/auth/verify-email", {"email": email, "code": squatters_code, "password": WRONG})
        assert dead.json_body["error"]["code"] == "code_invalid"
    # The owner types their code and chooses the password: it is theirs, with their name
    assert post(client, "/auth/verify-email", {"email": email, "code": owners_code,
                                               "password": PASSWORD}).status_code == 204
    assert post(client, "/auth/login", {"email": email, "password": WRONG}).status_code == 401
    me = client.http.get("/me", headers={"Authorization": f"Bearer {login(client, email)['access_token']}"})
    assert me.json_body["name"] == "Владелица Адреса"


def test_a_command_made_account_replaces_a_pending_registration(client, pump):
    from chalicelib.domain.accounts import create_verified_account

    email = register(client, name="Захватчик")
    pump.drain()
    create_verified_account(email, PASSWORD, "Оператор Города")
    assert login(client, email)["access_token"]


# --- item 12: parallel wrong passwords are counted before they are checked -----------------


def test_parallel_wrong_passwords_are_checked_only_up_to_the_free_failures(client, pump, frozen, monkeypatch):
    from chalicelib.domain import accounts, secrets

    email = verified_account(client, pump)
    checked: list[str] = []
    real = secrets.verify_password
    monkeypatch.setattr(secrets, "verify_password", lambda *a: checked.append("x") or real(*a))
    outcomes = _in_parallel(25, lambda: accounts.login(email, WRONG, "192.0.2.12"))
    assert len(checked) == 3
    assert outcomes.count("invalid_credentials") == 3
    assert outcomes.count("too_many_attempts") == 22
    # Still slowed: the right password waits too, and is not even checked
    with pytest.raises(TooManyAttemptsError):
        accounts.login(email, PASSWORD, "192.0.2.12")
    assert len(checked) == 3


def test_a_right_password_is_not_counted_as_a_failure_of_the_client(client, pump, frozen):
    from chalicelib.dal import accounts as store
    from chalicelib.domain import accounts

    email = verified_account(client, pump)
    for _ in range(5):
        accounts.login(email, PASSWORD, "192.0.2.13")
    record = store.get_throttle("client", "192.0.2.13")
    assert record is None or int(record.failures) == 0
    with pytest.raises(AuthenticationError):
        accounts.login(email, WRONG, "192.0.2.13")
    record = store.get_throttle("client", "192.0.2.13")
    assert record is not None and int(record.failures) == 1


# --- item 17: the same answer whether or not an address has an account ----------------------


def _three_addresses(client: Any, pump: Any) -> dict[str, str]:
    return {"new": unique_email(), "pending": register(client), "verified": verified_account(client, pump)}


def test_register_answers_alike_for_a_new_a_pending_and_a_verified_address(client, pump):
    addresses = _three_addresses(client, pump)
    pump.drain()
    answers = {state: post(client, "/auth/register", {"email": email, "name": "Кто-то Другой"})
               for state, email in addresses.items()}
    assert {a.status_code for a in answers.values()} == {202}
    assert len({a.body for a in answers.values()}) == 1
    pump.drain()
    # The verified address's owner hears of it; their account and password are untouched
    notice = sent_emails(addresses["verified"])[-1]
    assert "Попытка регистрации" in notice["subject"] and "восстановите" in notice["body"]
    assert login(client, addresses["verified"])["access_token"]
    assert "Код подтверждения" in sent_emails(addresses["new"])[-1]["subject"]
    assert "Код подтверждения" in sent_emails(addresses["pending"])[-1]["subject"]


def test_the_registration_notice_is_in_english_for_an_english_account_and_rate_limited(client, pump):
    email = register(client, language="en")
    assert verify(client, pump, email).status_code == 204
    for _ in range(4):
        assert post(client, "/auth/register", {"email": email, "name": "Someone"}).status_code == 202
    pump.drain()
    notices = [m for m in sent_emails(email) if "tried to register" in m["subject"]]
    assert len(notices) == 3  # at most three a day


def test_resend_and_verify_answer_alike_for_unknown_pending_and_verified(client, pump):
    addresses = _three_addresses(client, pump)
    pump.drain()
    resent = [post(client, "/auth/resend-code", {"email": e}) for e in addresses.values()]
    assert {(r.status_code, r.body) for r in resent} == {(202, resent[0].body)}
    typed = [post(client, "/auth/verify-email", {"email": e, "code": "000000", "password": PASSWORD})
             for e in addresses.values()]
    assert {r.status_code for r in typed} == {400}
    assert len({r.body for r in typed}) == 1
    # ...and alike once the guesses are spent
    for _ in range(4):
        for e in addresses.values():
            post(client, "/auth/verify-email", {"email": e, "code": "000000", "password": PASSWORD})
    spent = [post(client, "/auth/verify-email", {"email": e, "code": "000000", "password": PASSWORD})
             for e in addresses.values()]
    assert {r.status_code for r in spent} == {429}
    assert len({(r.body, r.headers["Retry-After"]) for r in spent}) == 1


def test_register_and_resend_do_the_same_work_for_any_address(client, pump, monkeypatch):
    from chalicelib.domain import accounts

    addresses = _three_addresses(client, pump)
    pump.drain()
    calls = _record(monkeypatch)
    seen = []
    for email in addresses.values():
        calls.clear()
        accounts.request_registration(email, "Кто-то Другой", "ru", "198.51.100.30")
        accounts.request_code(email, "198.51.100.30")
        seen.append(list(calls))
    assert seen[0] == seen[1] == seen[2]
    assert "queue_account_step" in seen[0]


def test_verify_hashes_the_password_for_unknown_addresses_too(client, pump, monkeypatch):
    from chalicelib.domain import accounts

    known = register(client)
    code = emailed_code(pump, known)
    calls = _record(monkeypatch)
    for email in (unique_email(), known):
        calls.clear()
        with pytest.raises(DiaryError):
            accounts.verify_email(email, _wrong(code), PASSWORD, "198.51.100.31")
        assert calls.count("hash_password") == 1
        assert calls.count("same_digest") == 1
