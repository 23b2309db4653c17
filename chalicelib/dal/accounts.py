"""Stored accounts, email claims, verification codes, roles, sessions and login throttles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.dal.keys import (
    ROLE_PREFIX,
    account_key,
    account_pk,
    code_guesses_key,
    email_claim_key,
    rate_counter_key,
    role_sk,
    session_key,
    staff_pk,
    throttle_key,
    verification_key,
)
from chalicelib.dal.models import (
    Account,
    CodeGuesses,
    EmailClaim,
    EmailVerification,
    RateCounter,
    RoleGrant,
    Session,
    Throttle,
)
from chalicelib.dal.store import Reading, connection, epoch, now_iso, storing
from chalicelib.errors import ConflictError
from chalicelib.records.accounts import AccountRecord

VERIFICATION_TTL = timedelta(hours=24)  # a pending registration lives this long


def account_of(item: Account) -> AccountRecord:
    """The record of a stored account."""
    return AccountRecord(account_id=item.account_id, email=item.email, name=item.name,
                         language=item.language or "ru", phone=item.phone, phone_verified=item.phone_verified,
                         password_hash=item.password_hash, verified=bool(item.verified),
                         email_suppressed=item.email_suppressed,
                         session_generation=None if item.session_generation is None else int(item.session_generation),
                         expires_at=item.expires_at)


def account_item(account: AccountRecord) -> Account:
    """The account's item, keyed, for an update or a transaction (its attributes as read)."""
    return Account(*account_key(account.account_id), account_id=account.account_id, email=account.email,
                   name=account.name, language=account.language, phone=account.phone,
                   phone_verified=account.phone_verified, password_hash=account.password_hash,
                   verified=account.verified, email_suppressed=account.email_suppressed,
                   session_generation=account.session_generation)


def save_registration(account: AccountRecord, code_hash: str | None, replacing_id: str | None) -> bool:
    """Store a registration, all or nothing: pending (with its code, expiring) unless `code_hash`
    is None (an address already trusted). `replacing_id` is the unverified account the address is
    claimed for: it is deleted with its code. False when the claim changed meanwhile."""
    pending = code_hash is not None
    item = account_item(account)
    item.created_at = now_iso()
    claim = EmailClaim(*email_claim_key(account.email), account_id=account.account_id)
    if pending:
        # DynamoDB deletes expired items late (hours); readers check the time themselves.
        item.expires_at = claim.expires_at = VERIFICATION_TTL
    try:
        with storing(), TransactWrite(connection=connection()) as tx:
            if replacing_id is None:
                tx.save(claim, condition=EmailClaim.pk.does_not_exist())
            else:
                tx.save(claim, condition=EmailClaim.account_id == replacing_id)
                # Gone already if DynamoDB's expiry took the account before its claim.
                tx.delete(Account(*account_key(replacing_id)),
                          condition=Account.pk.does_not_exist() | (Account.verified == False))  # noqa: E712
                tx.delete(EmailVerification(*verification_key(replacing_id)))
            tx.save(item, condition=Account.pk.does_not_exist())
            if code_hash is not None:
                tx.save(_verification(account.account_id, code_hash))
    except ConflictError:
        return False
    return True


def _verification(account_id: str, code_hash: str) -> EmailVerification:
    item = EmailVerification(*verification_key(account_id), code_hash=code_hash, attempts=0)
    item.expires_at = VERIFICATION_TTL  # TTLAttribute reads a timedelta as "from now"
    return item


def get_account(account_id: str) -> AccountRecord | None:
    """An account by id."""
    with storing():
        try:
            return account_of(Account.get(*account_key(account_id)))
        except Account.DoesNotExist:
            return None


def find_account_id(email: str) -> str | None:
    """The account registered with this email, if any."""
    with storing():
        try:
            return EmailClaim.get(*email_claim_key(email)).account_id
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
            return EmailVerification.get(*verification_key(account_id))
        except EmailVerification.DoesNotExist:
            return None


def complete_verification(account: AccountRecord, password_hash: str) -> bool:
    """The owner confirmed the address and chose the password: the account is theirs for good (no
    expiry), the code is spent. False when the registration was replaced or verified meanwhile."""
    claim = EmailClaim(*email_claim_key(account.email))
    try:
        with storing(), TransactWrite(connection=connection()) as tx:
            tx.update(account_item(account), actions=[Account.verified.set(True),
                                                      Account.password_hash.set(password_hash),
                                                      Account.expires_at.remove()],
                      condition=Account.pk.exists() & (Account.verified == False))  # noqa: E712
            tx.update(claim, actions=[EmailClaim.expires_at.remove()],
                      condition=EmailClaim.account_id == account.account_id)
            tx.delete(EmailVerification(*verification_key(account.account_id)))
    except ConflictError:
        return False
    return True


# --- fixed-window quotas and code guesses ---------------------------------------------------


def _window_ttl(ends: int) -> datetime:
    return datetime.fromtimestamp(ends, UTC) + timedelta(hours=1)


def take_quota(scope: str, key: str, limit: int, window: int, ends: int) -> bool:
    """Count one more use in this window, atomically, unless `limit` is reached (then False)."""
    counter = RateCounter(*rate_counter_key(scope, key, window))
    try:
        with storing():
            counter.update(actions=[RateCounter.times.add(1), RateCounter.expires_at.set(_window_ttl(ends))],
                           condition=RateCounter.times.does_not_exist() | (RateCounter.times < limit))
    except ConflictError:
        return False
    return True


def forget_quota(scope: str, key: str, window: int) -> None:
    """Drop a window's count (tests and operators starting a key afresh)."""
    with storing():
        RateCounter(*rate_counter_key(scope, key, window)).delete()


def take_code_guess(email: str, limit: int, per_code: int, window: int, ends: int) -> str:
    """Count a guess at the address's code before it is compared, atomically: "counted", or why not:
    "exhausted" (the window's total is spent) or "spent" (this code's guesses are)."""
    guesses = CodeGuesses(*code_guesses_key(email, window))
    try:
        with storing():
            guesses.update(
                actions=[CodeGuesses.total.add(1), CodeGuesses.since_code.add(1),
                         CodeGuesses.expires_at.set(_window_ttl(ends))],
                condition=(CodeGuesses.total.does_not_exist() | (CodeGuesses.total < limit))
                & (CodeGuesses.since_code.does_not_exist() | (CodeGuesses.since_code < per_code)),
            )
    except ConflictError:
        with storing():
            guesses.refresh(consistent_read=True)
        return "exhausted" if int(guesses.total or 0) >= limit else "spent"
    return "counted"


def fresh_code_guesses(email: str, window: int, ends: int) -> None:
    """A new code is on its way: it gets its own guesses, within the window's total."""
    with storing():
        CodeGuesses(*code_guesses_key(email, window)).update(
            actions=[CodeGuesses.since_code.set(0), CodeGuesses.expires_at.set(_window_ttl(ends))])


def update_profile(account: AccountRecord, changes: dict[str, str | None]) -> None:
    """Change name, phone or language."""
    fields = {"name": Account.name, "phone": Account.phone, "language": Account.language}
    actions: list[Action] = [
        fields[key].set(value) if value is not None else fields[key].remove()
        for key, value in changes.items()
        if key in fields
    ]
    if actions:
        with storing():
            account_item(account).update(actions=actions)


# --- roles ----------------------------------------------------------------------------


def roles_of(account_id: str) -> list[RoleGrant]:
    """Every role the account holds."""
    with storing():
        return list(RoleGrant.query(account_pk(account_id), RoleGrant.sk.startswith(ROLE_PREFIX)))




def grant_role(account: AccountRecord, role: str, school_id: str | None) -> RoleGrant:
    """Give the account a role (operator city-wide; admin/teacher at a school)."""
    grant = role_grant_item(account, role, school_id)
    with storing(conflict=ConflictError(field="email", code="already_member")):
        grant.save(condition=RoleGrant.pk.does_not_exist())
    return grant


def role_grant_item(account: AccountRecord, role: str, school_id: str | None) -> RoleGrant:
    """The stored grant of a role, keyed and listed among the school's staff (for a transaction)."""
    grant = RoleGrant(
        account_pk(account.account_id),
        role_sk(role, school_id),
        account_id=account.account_id,
        role=role,
        school_id=school_id,
        name=account.name,
        email=account.email,
        created_at=now_iso(),
    )
    if school_id:
        grant.gsi1pk = staff_pk(school_id, role)
        grant.gsi1sk = f"{account.name}#{account.account_id}"
    return grant


def staff_of(school_id: str, role: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a school's administrators or teachers, by name."""
    with storing():
        return Reading(RoleGrant.gsi1.query(staff_pk(school_id, role), limit=limit, last_evaluated_key=start))


def has_role(account_id: str, role: str, school_id: str) -> bool:
    """Whether the account holds this role at this school."""
    with storing():
        try:
            RoleGrant.get(account_pk(account_id), role_sk(role, school_id))
            return True
        except RoleGrant.DoesNotExist:
            return False


def standing_roles(account_id: str, roles: list[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    """Which of these (role, school) the account holds now, read consistently: one GetItem, or
    one BatchGetItem for several."""
    from chalicelib.dal.store import get_many

    pk = account_pk(account_id)
    if len(roles) == 1:
        role, school_id = roles[0]
        with storing():
            try:
                RoleGrant.get(pk, role_sk(role, school_id), consistent_read=True)
                return {roles[0]}
            except RoleGrant.DoesNotExist:
                return set()
    found = get_many([(pk, role_sk(role, school_id)) for role, school_id in roles], consistent=True)
    return {(role, school_id) for role, school_id in roles if (pk, role_sk(role, school_id)) in found}


def remove_role(account_id: str, role: str, school_id: str | None) -> None:
    """Take a role from the account (its tokens lose it on their next request)."""
    with storing():
        RoleGrant(account_pk(account_id), role_sk(role, school_id)).delete()


# --- sessions (refresh-token families) ------------------------------------------------


def create_session(family_id: str, account_id: str, token_hash: str, lifetime: timedelta,
                   generation: int = 0) -> None:
    """A new login: the first token of a family, of the account's current session generation."""
    session = Session(*session_key(family_id), account_id=account_id, current_hash=token_hash,
                      generation=generation)
    session.created_at = now_iso()
    session.expires_at = lifetime
    with storing():
        session.save(condition=Session.pk.does_not_exist())


def get_session(family_id: str) -> Session | None:
    """A refresh-token family."""
    with storing():
        try:
            return Session.get(*session_key(family_id))
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
            return Throttle.get(*throttle_key(scope, key))
        except Throttle.DoesNotExist:
            return None


def record_failure(scope: str, key: str, window: timedelta) -> int:
    """Count one more failure atomically; returns the new count."""
    item = Throttle(*throttle_key(scope, key))
    with storing():
        item.update(
            actions=[
                Throttle.failures.add(1),
                Throttle.last_failure_at.set(epoch()),
                Throttle.expires_at.set(clock.now() + window),
            ]
        )
    return int(item.failures)


def lock(scope: str, key: str, until: int) -> None:
    """Refuse logins for this account or client until `until` (epoch seconds)."""
    with storing():
        Throttle(*throttle_key(scope, key)).update(actions=[Throttle.locked_until.set(until)])


def clear_throttle(scope: str, key: str) -> None:
    """Forget the failures after a successful login."""
    with storing():
        Throttle(*throttle_key(scope, key)).delete()


def take_login_attempt(scope: str, key: str, seen: Throttle | None, failures: int, locked_until: int,
                       now: int, window: timedelta) -> bool:
    """Count an attempt as a failure before the password is checked, only if the counter is still
    what the caller judged (`seen`): parallel attempts are admitted one at a time. False if it moved."""
    item = Throttle(*throttle_key(scope, key))
    actions: list[Action] = [Throttle.failures.set(failures), Throttle.last_failure_at.set(now),
                             Throttle.locked_until.set(locked_until),
                             Throttle.expires_at.set(datetime.fromtimestamp(now, UTC) + window)]
    condition = Throttle.pk.does_not_exist() if seen is None else Throttle.failures == int(seen.failures)
    try:
        with storing():
            item.update(actions=actions, condition=condition)
    except ConflictError:
        return False
    return True


def give_back_attempt(scope: str, key: str) -> None:
    """An attempt counted in advance turned out not to be a failure (right password, or refused)."""
    try:
        with storing():
            Throttle(*throttle_key(scope, key)).update(
                actions=[Throttle.failures.add(-1)], condition=Throttle.failures > 0)
    except ConflictError:
        pass  # cleared meanwhile: nothing to give back
