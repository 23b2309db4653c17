"""Accounts: registration, email verification, login with throttling, token refresh, profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.dal import accounts as store
from chalicelib.dal import outbox
from chalicelib.dal.models import Account
from chalicelib.dal.store import epoch
from chalicelib.domain import secrets, throttle
from chalicelib.domain.tokens import issue_access_token
from chalicelib.errors import AuthenticationError, ConflictError, DiaryError, ForbiddenError, TooManyAttemptsError
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


def new_id() -> str:
    """A fresh identifier for any entity."""
    return uuid.uuid4().hex


def register(email: str, password: str, name: str, phone: str | None, language: str) -> str:
    """Create an unverified account and email it a verification code."""
    code = secrets.new_code()
    account = Account(
        account_id=new_id(),
        email=email,
        name=name,
        phone=phone,
        language=language,
        password_hash=secrets.hash_password(password),
        verified=False,
    )
    store.create_account(account, secrets.digest(code, CODE_PURPOSE))
    _send_code(account, code)
    return account.account_id


def _send_code(account: Account, code: str) -> None:
    outbox.send_email(
        to=account.email,
        template="verify_email",
        language=account.language,
        data={"name": account.name, "code": code},
        dedupe_key=f"verify:{account.account_id}:{secrets.digest(code, 'outbox')[:16]}",
    )


def resend_code(email: str) -> None:
    """A new code for an unverified account; silent for unknown or verified ones (no probing)."""
    account_id = store.find_account_id(email)
    account = store.get_account(account_id) if account_id else None
    if account is None or account.verified:
        return
    code = secrets.new_code()
    store.save_verification_code(account.account_id, secrets.digest(code, CODE_PURPOSE))
    _send_code(account, code)


def verify_email(email: str, code: str) -> None:
    """Confirm the address with the emailed code (bounded attempts)."""
    account_id = store.find_account_id(email)
    account = store.get_account(account_id) if account_id else None
    if account is None:
        raise DiaryError(field="code", code="code_invalid")
    if account.verified:
        raise ConflictError(code="already_verified")
    pending = store.get_verification(account.account_id)
    if pending is None:
        raise DiaryError(field="code", code="code_invalid")
    if pending.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    if not secrets.same_digest(code, CODE_PURPOSE, pending.code_hash):
        store.count_failed_verification(pending)
        raise DiaryError(field="code", code="code_invalid")
    store.mark_verified(account)


def login(email: str, password: str, client: str) -> Tokens:
    """Check the password under the failed-login rules and open a session."""
    now = epoch()
    keys = [(throttle.ACCOUNT, email), (throttle.CLIENT, client)]
    for policy, key in keys:
        _refuse_if_throttled(policy, key, now)
    account_id = store.find_account_id(email)
    account = store.get_account(account_id) if account_id else None
    if not secrets.verify_password(account.password_hash if account else None, password) or account is None:
        for policy, key in keys:
            _count_failure(policy, key, now)
        raise AuthenticationError(field="password", code="invalid_credentials")
    if not account.verified:
        raise ForbiddenError(field="email", code="email_not_verified")
    store.clear_throttle(throttle.ACCOUNT.scope, email)
    return _open_session(account.account_id)


def _refuse_if_throttled(policy: throttle.Policy, key: str, now: int) -> None:
    record = store.get_throttle(policy.scope, key)
    if record is None:
        return
    verdict = throttle.judge(policy, int(record.failures), int(record.last_failure_at), int(record.locked_until), now)
    if not verdict.allowed:
        raise TooManyAttemptsError(retry_after=max(verdict.retry_after, 1), code=verdict.code)


def _count_failure(policy: throttle.Policy, key: str, now: int) -> None:
    record = store.get_throttle(policy.scope, key)
    if record is not None and throttle.is_stale(int(record.last_failure_at), now):
        store.clear_throttle(policy.scope, key)
    failures = store.record_failure(policy.scope, key, throttle.WINDOW)
    until = throttle.lock_until(policy, failures, now)
    if until:
        store.lock(policy.scope, key, until)


def _role_claims(account_id: str) -> list[str]:
    claims = []
    for grant in store.roles_of(account_id):
        claims.append(grant.role if grant.role == "operator" else f"{grant.role}:{grant.school_id}")
    return claims


def _tokens(account_id: str, family_id: str, secret: str) -> Tokens:
    from chalicelib.domain.children import hints_of  # children builds on accounts

    access, ttl = issue_access_token(account_id, _role_claims(account_id), children=hints_of(account_id))
    return Tokens(access_token=access, expires_in=ttl, refresh_token=f"{family_id}.{secret}")


def _open_session(account_id: str) -> Tokens:
    family_id, secret = new_id(), secrets.new_token()
    lifetime = timedelta(days=get_settings().refresh_token_days)
    store.create_session(family_id, account_id, secrets.digest(secret, REFRESH_PURPOSE), lifetime)
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
    roles = [{"role": g.role, "school_id": g.school_id} for g in store.roles_of(account_id)]
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
        from chalicelib.domain import phones

        phones.change(account, changes.pop("phone"))
    store.update_profile(account, changes)
    return profile(account_id)


def create_verified_account(email: str, password: str, name: str, language: str = "ru") -> str:
    """An account whose email is already trusted (operator bootstrap, demo data); returns its id."""
    account_id = store.find_account_id(email)
    if account_id is not None:
        return account_id
    account = Account(account_id=new_id(), email=email, name=name, phone=None, language=language,
                      password_hash=secrets.hash_password(password), verified=False)
    store.create_account(account, secrets.digest(secrets.new_code(), CODE_PURPOSE))
    store.mark_verified(account)
    return account.account_id


def bootstrap_operator(email: str, password: str, name: str) -> str:
    """Create (or promote) the city operator; only a command does this, never HTTP."""
    account_id = create_verified_account(email, password, name)
    operator = store.get_account(account_id)
    assert operator is not None
    if not any(g.role == "operator" for g in store.roles_of(account_id)):
        store.grant_role(operator, "operator", None)
    return account_id
