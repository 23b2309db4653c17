"""Stored password-reset codes, and the reset itself: new password, sessions ended, lockout gone."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.transactions import TransactWrite

from chalicelib.dal.accounts import account_item
from chalicelib.dal.keys import password_reset_key, throttle_key
from chalicelib.dal.models import Account, PasswordReset, Throttle
from chalicelib.dal.store import connection, storing
from chalicelib.errors import ConflictError
from chalicelib.records.accounts import AccountRecord


def save_code(account_id: str, code_hash: str, valid_until: int) -> None:
    """Store the account's reset code; an earlier one stops working."""
    item = PasswordReset(*password_reset_key(account_id), code_hash=code_hash, valid_until=valid_until)
    item.expires_at = datetime.fromtimestamp(valid_until, UTC)
    with storing():
        item.save()


def get_code(account_id: str) -> PasswordReset | None:
    """The account's reset code, if one was sent (maybe expired: the caller checks `valid_until`)."""
    with storing():
        try:
            return PasswordReset.get(*password_reset_key(account_id), consistent_read=True)
        except PasswordReset.DoesNotExist:
            return None


def complete(account: AccountRecord, code_hash: str, password_hash: str, lockout_key: tuple[str, str]) -> bool:
    """All or nothing: the new password, a new session generation (every earlier login ends), the
    code spent and the account's failed-login lockout (`lockout_key`: scope, key) forgotten. False
    when the code was replaced or spent meanwhile, or the account is no longer a verified one."""
    scope, key = lockout_key
    try:
        with storing(), TransactWrite(connection=connection()) as tx:
            tx.update(account_item(account),
                      actions=[Account.password_hash.set(password_hash), Account.session_generation.add(1)],
                      condition=Account.pk.exists() & (Account.verified == True))  # noqa: E712
            tx.delete(PasswordReset(*password_reset_key(account.account_id)),
                      condition=PasswordReset.code_hash == code_hash)
            tx.delete(Throttle(*throttle_key(scope, key)))
    except ConflictError:
        return False
    return True
