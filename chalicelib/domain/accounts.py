"""Accounts: registration, email verification, login with throttling, token refresh, profile."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from chalicelib.clock import epoch
from chalicelib.dal import accounts as store
from chalicelib.dal import children as child_store
from chalicelib.dal import outbox
from chalicelib.dal import schools as school_store
from chalicelib.domain import pending_teachers, phones, secrets, throttle
from chalicelib.domain.children import hints_of
from chalicelib.domain.ids import new_id  # also read as accounts.new_id by older callers
from chalicelib.domain.tokens import issue_access_token, role_claim
from chalicelib.errors import AuthenticationError, ConflictError, DiaryError, ForbiddenError, TooManyAttemptsError
from chalicelib.records.accounts import AccountRecord
from chalicelib.settings import get_settings

MAX_CODE_ATTEMPTS = 5
CODE_PURPOSE = "email-verification"
REFRESH_PURPOSE = "refresh"


@dataclass(frozen=True)
class Tokens:
    """What a successful login or refresh returns."""

    access_token: str
    expires_in: int
    refresh_token: str


# --- registration: the same answer and the same work for any address ---------------------------
#
# Who has an account must not be learnt from these routes. A request is throttled (per address and
# per client, whatever the address's state) and queued; the outbox handler then mails a code to a
# new or pending address, or tells a verified address's owner that someone tried to register.


def request_registration(email: str, name: str, language: str, client: str) -> None:
    """Take a registration; what happens next is decided off the request, by the outbox handler."""
    now = epoch()
    _take_mail_quotas(email, client, now)
    _fresh_guesses(email, now)
    outbox.queue_account_step("register", {"email": email, "name": name, "language": language},
                              dedupe_key=f"register:{new_id()}")


def request_code(email: str, client: str) -> None:
    """Take a request for a new verification code, answered alike for any address."""
    now = epoch()
    _take_mail_quotas(email, client, now)
    _fresh_guesses(email, now)
    outbox.queue_account_step("resend", {"email": email}, dedupe_key=f"resend:{new_id()}")


def _take_mail_quotas(email: str, client: str, now: int) -> None:
    for quota, key in ((throttle.MAIL_FROM_CLIENT, client), (throttle.MAIL_TO_ADDRESS, email)):
        _take(quota, key, now)


def _take(quota: throttle.Quota, key: str, now: int) -> None:
    window, ends = quota.window(now)
    if not store.take_quota(quota.scope, key, quota.limit, window, ends):
        raise TooManyAttemptsError(retry_after=max(ends - now, 1))


def _fresh_guesses(email: str, now: int) -> None:
    window, ends = throttle.CODE_GUESSES.window(now)
    store.fresh_code_guesses(email, window, ends)


ACCOUNT_STEPS = ("register", "resend")  # the outbox also carries domain/password_reset.py's step


def carry_out(step: str, data: dict[str, Any], request_id: str) -> None:
    """Do a queued registration step (the outbox handler calls this once per request)."""
    if step == "register":
        register(data["email"], data["name"], data.get("language", "ru"), request_id)
    elif step == "resend":
        resend_code(data["email"])
    else:
        raise ValueError(f"unknown account step {step!r}")


def register(email: str, name: str, language: str, request_id: str) -> None:
    """A new address gets a pending registration and a code; a pending one is replaced (its code
    dies, and no password was ever set); a verified one's owner is told someone tried."""
    for _ in range(2):  # a concurrent registration of the same address wins: look again once
        claimed_id, current = _claimed(email)
        if current is not None and current.verified:
            _tell_owner(current, request_id)
            return
        code = secrets.new_code()
        account = AccountRecord(account_id=new_id(), email=email, name=name, phone=None, language=language,
                                password_hash=None, verified=False)
        if store.save_registration(account, secrets.digest(code, CODE_PURPOSE), replacing_id=claimed_id):
            _send_code(account, code)
            return


def _claimed(email: str) -> tuple[str | None, AccountRecord | None]:
    account_id = store.find_account_id(email)
    return account_id, store.get_account(account_id) if account_id else None


def _pending(account: AccountRecord | None, now: int) -> AccountRecord | None:
    """The account if it is an unverified registration still alive (expired ones may linger:
    DynamoDB deletes them hours late; one without an expiry predates expiry and is dead too)."""
    if account is None or account.verified or account.expires_at is None:
        return None
    return account if account.expires_at.timestamp() > now else None


def _tell_owner(account: AccountRecord, request_id: str) -> None:
    window, ends = throttle.REGISTRATION_NOTICE.window(epoch())
    quota = throttle.REGISTRATION_NOTICE
    if not store.take_quota(quota.scope, account.email, quota.limit, window, ends):
        return  # told often enough today; the registering person still sees the same answer
    outbox.send_email(to=account.email, template="registration_attempt", language=account.language,
                      data={"name": account.name}, dedupe_key=f"registration-attempt:{request_id}")


def _send_code(account: AccountRecord, code: str) -> None:
    from chalicelib.mail.links import page  # the cabinet's page that takes the code

    outbox.send_email(
        to=account.email,
        template="verify_email",
        language=account.language,
        data={"name": account.name, "code": code, "link": page("/verify", email=account.email)},
        dedupe_key=f"verify:{account.account_id}:{secrets.digest(code, 'outbox')[:16]}",
    )


def resend_code(email: str) -> None:
    """A new code for a pending registration (the old one dies); nothing for any other address."""
    account = _pending(_claimed(email)[1], epoch())
    if account is None:
        return
    code = secrets.new_code()
    store.save_verification_code(account.account_id, secrets.digest(code, CODE_PURPOSE))
    _send_code(account, code)


NO_CODE = "0" * 64  # compared against when there is no code, so every path does the same work


def verify_email(email: str, code: str, password: str, client: str) -> None:
    """Confirm the address with the emailed code and set the password: only the mailbox's owner
    ever chooses it. Every guess is counted before it is compared; a wrong code, an unknown, a
    verified or an expired address all get the same answer after the same work."""
    now = epoch()
    _take(throttle.CODE_GUESSES_FROM_CLIENT, client, now)
    window, ends = throttle.CODE_GUESSES.window(now)
    outcome = store.take_code_guess(email, throttle.CODE_GUESSES.limit, throttle.GUESSES_PER_CODE, window, ends)
    if outcome == "exhausted":  # a new code would not help: the address's guesses are spent until the window ends
        raise TooManyAttemptsError(retry_after=max(ends - now, 1))
    if outcome == "spent":
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    password_hash = secrets.hash_password(password)
    account = _pending(_claimed(email)[1], now)
    waiting = store.get_verification(account.account_id) if account is not None else None
    matches = secrets.same_digest(code, CODE_PURPOSE, waiting.code_hash if waiting else NO_CODE)
    if account is None or waiting is None or not matches or not store.complete_verification(account, password_hash):
        raise DiaryError(field="code", code="code_invalid")
    # The address is proven now: the teachings schools' uploads left waiting for it become its own.
    pending_teachers.take_up(replace(account, verified=True))


# --- login: every attempt is counted before the password is checked -------------------------

LOGIN_RACES = 3  # a counter moved this often under one attempt: parallel guessing


def login(email: str, password: str, client: str) -> Tokens:
    """Check the password under the failed-login rules and open a session."""
    now = epoch()
    _admit(throttle.CLIENT, client, now, strict=False)
    try:
        _admit(throttle.ACCOUNT, email, now, strict=True)
    except TooManyAttemptsError:
        store.give_back_attempt(throttle.CLIENT.scope, client)
        raise
    account = _claimed(email)[1]
    if not secrets.verify_password(account.password_hash if account else None, password) or account is None:
        raise AuthenticationError(field="password", code="invalid_credentials")
    store.clear_throttle(throttle.ACCOUNT.scope, email)
    store.give_back_attempt(throttle.CLIENT.scope, client)
    if not account.verified:  # only accounts from before verification set the password
        raise ForbiddenError(field="email", code="email_not_verified")
    pending_teachers.take_up(account)  # before the tokens, so they carry a role granted just now
    return _open_session(account.account_id, generation_of(account))


def _admit(policy: throttle.Policy, key: str, now: int, strict: bool) -> None:
    """Let an attempt through the rules and count it as a failure in the same conditional write, so
    parallel attempts are judged one after another. A client (perhaps a school's NAT) is never
    refused for being busy; an account is, since nobody logs in to one account in parallel."""
    for _ in range(LOGIN_RACES):
        record = store.get_throttle(policy.scope, key)
        failures, last, locked = (int(record.failures), int(record.last_failure_at),
                                  int(record.locked_until)) if record else (0, 0, 0)
        verdict = throttle.judge(policy, failures, last, locked, now)
        if not verdict.allowed:
            raise TooManyAttemptsError(retry_after=max(verdict.retry_after, 1), code=verdict.code)
        counted, lock = throttle.after_failure(policy, failures, last, now)
        if store.take_login_attempt(policy.scope, key, record, counted, lock, now, throttle.WINDOW):
            return
    if strict:
        raise TooManyAttemptsError(retry_after=1)
    store.record_failure(policy.scope, key, throttle.WINDOW)


def forget_client(client: str) -> None:
    """Start a client afresh: its failed logins and this window's mail and guess counts."""
    now = epoch()
    store.clear_throttle(throttle.CLIENT.scope, client)
    for quota in (throttle.MAIL_FROM_CLIENT, throttle.CODE_GUESSES_FROM_CLIENT):
        store.forget_quota(quota.scope, client, quota.window(now)[0])


def _role_claims(account_id: str) -> list[str]:
    # Read at every login and refresh: a removed role is never issued again.
    return [role_claim(grant.role, None if grant.role == "operator" else grant.school_id)
            for grant in store.roles_of(account_id)]


def _tokens(account_id: str, family_id: str, secret: str) -> Tokens:
    access, ttl = issue_access_token(account_id, _role_claims(account_id), children=hints_of(account_id))
    return Tokens(access_token=access, expires_in=ttl, refresh_token=f"{family_id}.{secret}")


def generation_of(account: AccountRecord) -> int:
    """The account's session generation: a password reset moves it, ending every earlier login."""
    return int(account.session_generation or 0)


def _open_session(account_id: str, generation: int) -> Tokens:
    family_id, secret = new_id(), secrets.new_token()
    lifetime = timedelta(days=get_settings().refresh_token_days)
    store.create_session(family_id, account_id, secrets.digest(secret, REFRESH_PURPOSE), lifetime, generation)
    return _tokens(account_id, family_id, secret)


def refresh(refresh_token: str) -> Tokens:
    """Rotate a refresh token; presenting an already-used one ends the whole family."""
    family_id, _, secret = refresh_token.partition(".")
    session = store.get_session(family_id) if family_id and secret else None
    if session is None or session.revoked:
        raise AuthenticationError(field="refresh_token", code="refresh_token_invalid")
    presented = secrets.digest(secret, REFRESH_PURPOSE)
    if presented in (session.used_hashes or set()):
        store.revoke_session(session)
        raise AuthenticationError(field="refresh_token", code="refresh_token_reused")
    if not secrets.same_digest(secret, REFRESH_PURPOSE, session.current_hash):
        raise AuthenticationError(field="refresh_token", code="refresh_token_invalid")
    account = store.get_account(session.account_id)
    if account is None or generation_of(account) != int(session.generation or 0):
        store.revoke_session(session)  # a password reset since this login ended it
        raise AuthenticationError(field="refresh_token", code="refresh_token_invalid")
    new_secret = secrets.new_token()
    if not store.rotate_session(session, presented, secrets.digest(new_secret, REFRESH_PURPOSE)):
        # Someone refreshed with this very token a moment ago: that is reuse too.
        store.revoke_session(session)
        raise AuthenticationError(field="refresh_token", code="refresh_token_reused")
    return _tokens(session.account_id, family_id, new_secret)


def logout(refresh_token: str) -> None:
    """End the login the refresh token belongs to."""
    family_id, _, secret = refresh_token.partition(".")
    session = store.get_session(family_id) if family_id and secret else None
    if session is not None and secrets.same_digest(secret, REFRESH_PURPOSE, session.current_hash):
        store.revoke_session(session)


def profile(account_id: str) -> dict[str, Any]:
    """The account as its owner sees it."""
    account = store.get_account(account_id)
    if account is None:
        raise AuthenticationError()
    grants = store.roles_of(account_id)
    # The cabinet names the school in its menus; a teacher may not read the school itself.
    names: dict[str, str] = {}
    for school_id in {g.school_id for g in grants if g.school_id}:
        school = school_store.get_school(school_id)
        if school is not None:
            names[school_id] = school.name
    roles = [{"role": g.role, "school_id": g.school_id, "school_name": names.get(g.school_id or "")}
             for g in grants]
    return {
        "account_id": account.account_id,
        "email": account.email,
        "name": account.name,
        "phone": account.phone,
        "phone_verified": bool(account.phone and account.phone_verified),  # SMS go only to a confirmed number
        "language": account.language,
        "roles": roles,
        "email_suppressed": bool(account.email_suppressed),  # SES said it bounces: no alerts by email
    }


def update_profile(account_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change name, phone or language; the email is refused, always."""
    if "email" in changes:
        raise DiaryError(field="email", code="email_immutable")
    account = store.get_account(account_id)
    if account is None:
        raise AuthenticationError()
    # Only the phone can be cleared (null); a null name or language means "leave it".
    changes = {k: v for k, v in changes.items() if v is not None or k == "phone"}
    if "phone" in changes:  # first: a refused code (429) leaves the rest unchanged too
        phones.change(account, changes.pop("phone"))
    renamed = changes.get("name", account.name) != account.name
    store.update_profile(account, changes)
    if renamed:
        child_store.rename_links(account_id, changes["name"])  # the audit trail names people as they are
    return profile(account_id)


def create_verified_account(email: str, password: str, name: str, language: str = "ru") -> str:
    """An account whose email is already trusted (operator bootstrap, demo data); returns its id.
    A pending registration of the address, by whoever, is replaced."""
    claimed_id, current = _claimed(email)
    if current is not None and current.verified:
        return current.account_id
    account = AccountRecord(account_id=new_id(), email=email, name=name, phone=None, language=language,
                            password_hash=secrets.hash_password(password), verified=True)
    if not store.save_registration(account, None, replacing_id=claimed_id):
        raise ConflictError(field="email", code="conflict")
    return account.account_id


def bootstrap_operator(email: str, password: str, name: str) -> str:
    """Create (or promote) the city operator; only a command does this, never HTTP."""
    account_id = create_verified_account(email, password, name)
    operator = store.get_account(account_id)
    assert operator is not None
    if not any(g.role == "operator" for g in store.roles_of(account_id)):
        store.grant_role(operator, "operator", None)
    return account_id
