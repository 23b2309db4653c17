"""Stored accounts, email claims, verification codes, roles, sessions and login throttles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import Account, EmailClaim, EmailVerification, RoleGrant, Session, Throttle
from chalicelib.dal.store import Reading, connection, epoch, now_iso, storing
from chalicelib.errors import ConflictError

VERIFICATION_TTL = timedelta(hours=24)


def _account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def create_account(account: Account, code_hash: str) -> None:
    """Write the account, claim its email and store its verification code, all or nothing."""
    account.pk, account.sk = _account_pk(account.account_id), "ACCOUNT"
    account.created_at = now_iso()
    claim = EmailClaim(f"EMAIL#{account.email}", "EMAIL", account_id=account.account_id)
    verification = _verification(account.account_id, code_hash)
    with storing(conflict=ConflictError(field="email", code="email_taken")):
        with TransactWrite(connection=connection()) as tx:
            tx.save(claim, condition=EmailClaim.pk.does_not_exist())
            tx.save(account, condition=Account.pk.does_not_exist())
            tx.save(verification)


def _verification(account_id: str, code_hash: str) -> EmailVerification:
    item = EmailVerification(_account_pk(account_id), "VERIFICATION", code_hash=code_hash, attempts=0)
    item.expires_at = VERIFICATION_TTL  # TTLAttribute reads a timedelta as "from now"
    return item


def get_account(account_id: str) -> Account | None:
    """An account by id."""
    with storing():
        try:
            return Account.get(_account_pk(account_id), "ACCOUNT")
        except Account.DoesNotExist:
            return None


def find_account_id(email: str) -> str | None:
    """The account registered with this email, if any."""
    with storing():
        try:
            return EmailClaim.get(f"EMAIL#{email}", "EMAIL").account_id
        except EmailClaim.DoesNotExist:
            return None


def save_verification_code(account_id: str, code_hash: str) -> None:
    """Replace the account's verification code (old codes stop working)."""
    with storing():
        _verification(account_id, code_hash).save()


def get_verification(account_id: str) -> EmailVerification | None:
    """The account's pending verification code."""
    with storing():
        try:
            return EmailVerification.get(_account_pk(account_id), "VERIFICATION")
        except EmailVerification.DoesNotExist:
            return None


def count_failed_verification(item: EmailVerification) -> None:
    """One more wrong code typed."""
    with storing():
        item.update(actions=[EmailVerification.attempts.add(1)])


def mark_verified(account: Account) -> None:
    """The email is confirmed: the account may now log in; the code is spent."""
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.update(account, actions=[Account.verified.set(True)])
        tx.delete(EmailVerification(_account_pk(account.account_id), "VERIFICATION"))


def update_profile(account: Account, changes: dict[str, str | None]) -> None:
    """Change name, phone or language."""
    fields = {"name": Account.name, "phone": Account.phone, "language": Account.language}
    actions: list[Action] = [
        fields[key].set(value) if value is not None else fields[key].remove()
        for key, value in changes.items()
        if key in fields
    ]
    if actions:
        with storing():
            account.update(actions=actions)


# --- roles ----------------------------------------------------------------------------


def roles_of(account_id: str) -> list[RoleGrant]:
    """Every role the account holds."""
    with storing():
        return list(RoleGrant.query(_account_pk(account_id), RoleGrant.sk.startswith("ROLE#")))


def grant_role(account: Account, role: str, school_id: str | None) -> RoleGrant:
    """Give the account a role (operator city-wide; admin/teacher at a school)."""
    scope = school_id or "CITY"
    grant = RoleGrant(
        _account_pk(account.account_id),
        f"ROLE#{scope}#{role}",
        account_id=account.account_id,
        role=role,
        school_id=school_id,
        name=account.name,
        email=account.email,
        created_at=now_iso(),
    )
    if school_id:
        grant.gsi1pk = f"STAFF#{school_id}#{role}"
        grant.gsi1sk = f"{account.name}#{account.account_id}"
    with storing(conflict=ConflictError(field="email", code="already_member")):
        grant.save(condition=RoleGrant.pk.does_not_exist())
    return grant


def staff_of(school_id: str, role: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a school's administrators or teachers, by name."""
    with storing():
        return Reading(RoleGrant.gsi1.query(f"STAFF#{school_id}#{role}", limit=limit, last_evaluated_key=start))


def has_role(account_id: str, role: str, school_id: str) -> bool:
    """Whether the account holds this role at this school."""
    with storing():
        try:
            RoleGrant.get(_account_pk(account_id), f"ROLE#{school_id}#{role}")
            return True
        except RoleGrant.DoesNotExist:
            return False


# --- sessions (refresh-token families) ------------------------------------------------


def create_session(family_id: str, account_id: str, token_hash: str, lifetime: timedelta) -> None:
    """A new login: the first token of a family."""
    session = Session(f"SESSION#{family_id}", "SESSION", account_id=account_id, current_hash=token_hash)
    session.created_at = now_iso()
    session.expires_at = lifetime
    with storing():
        session.save(condition=Session.pk.does_not_exist())


def get_session(family_id: str) -> Session | None:
    """A refresh-token family."""
    with storing():
        try:
            return Session.get(f"SESSION#{family_id}", "SESSION")
        except Session.DoesNotExist:
            return None


def rotate_session(session: Session, old_hash: str, new_hash: str) -> bool:
    """Swap the family's current token; False when another refresh won the race."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.dal.store import condition_failed

    try:
        with storing():
            session.update(
                actions=[Session.current_hash.set(new_hash), Session.used_hashes.add({old_hash})],
                condition=(Session.current_hash == old_hash) & (Session.revoked == False),  # noqa: E712
            )
    except ConflictError as conflict:
        if isinstance(conflict.__cause__, UpdateError) and condition_failed(conflict.__cause__):
            return False
        raise
    return True


def revoke_session(session: Session) -> None:
    """End a login family (logout, or a reused refresh token)."""
    with storing():
        session.update(actions=[Session.revoked.set(True)])


# --- failed-login throttles -----------------------------------------------------------


def get_throttle(scope: str, key: str) -> Throttle | None:
    """The failed-login counter of an account or a client."""
    with storing():
        try:
            return Throttle.get(f"THROTTLE#{scope}#{key}", "THROTTLE")
        except Throttle.DoesNotExist:
            return None


def record_failure(scope: str, key: str, window: timedelta) -> int:
    """Count one more failure atomically; returns the new count."""
    item = Throttle(f"THROTTLE#{scope}#{key}", "THROTTLE")
    with storing():
        item.update(
            actions=[
                Throttle.failures.add(1),
                Throttle.last_failure_at.set(epoch()),
                Throttle.expires_at.set(datetime.now(UTC) + window),
            ]
        )
    return int(item.failures)


def lock(scope: str, key: str, until: int) -> None:
    """Refuse logins for this account or client until `until` (epoch seconds)."""
    with storing():
        Throttle(f"THROTTLE#{scope}#{key}", "THROTTLE").update(actions=[Throttle.locked_until.set(until)])


def clear_throttle(scope: str, key: str) -> None:
    """Forget the failures after a successful login."""
    with storing():
        Throttle(f"THROTTLE#{scope}#{key}", "THROTTLE").delete()
