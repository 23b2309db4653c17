"""An account's phone number and the code that confirms it (PK=ACCOUNT#<id>, SK=PHONE_VERIFICATION)."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.transactions import TransactWrite

from chalicelib.dal.accounts import account_item
from chalicelib.dal.keys import account_key, phone_code_key
from chalicelib.dal.models import Account, PhoneVerification
from chalicelib.dal.store import connection, storing
from chalicelib.errors import ConflictError
from chalicelib.records.accounts import AccountRecord

KEEP_CODE = timedelta(days=1)  # TTL only tidies up: validity is `valid_until`, checked on every use


def _code(account_id: str, phone: str, code_hash: str, valid_until: int) -> PhoneVerification:
    item = PhoneVerification(*phone_code_key(account_id), phone=phone, code_hash=code_hash, attempts=0,
                             valid_until=valid_until)
    item.expires_at = KEEP_CODE
    return item


def set_phone(account: AccountRecord, phone: str, code_hash: str, valid_until: int) -> None:
    """A new number, unconfirmed, and the code texted to it, all or nothing."""
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.update(account_item(account), actions=[Account.phone.set(phone), Account.phone_verified.remove()])
        tx.save(_code(account.account_id, phone, code_hash, valid_until))


def clear_phone(account: AccountRecord) -> None:
    """No number: nothing to confirm either."""
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.update(account_item(account), actions=[Account.phone.remove(), Account.phone_verified.remove()])
        tx.delete(PhoneVerification(*phone_code_key(account.account_id)))


def replace_code(account_id: str, phone: str, code_hash: str, valid_until: int) -> None:
    """A fresh code for the same number (the old one stops working; its wrong attempts stay counted
    against the quota of codes, not carried over)."""
    with storing():
        _code(account_id, phone, code_hash, valid_until).save()


def get_code(account_id: str) -> PhoneVerification | None:
    """The code waiting to be typed, read consistently (attempts are counted on it)."""
    with storing():
        try:
            return PhoneVerification.get(*phone_code_key(account_id), consistent_read=True)
        except PhoneVerification.DoesNotExist:
            return None


def count_attempt(item: PhoneVerification, limit: int) -> bool:
    """One more try at the code, counted before it is checked; False once `limit` tries were spent
    (so parallel guesses can never get more than `limit` checks)."""
    try:
        with storing(conflict=ConflictError(code="code_attempts_exceeded")):
            item.update(actions=[PhoneVerification.attempts.add(1)],
                        condition=(PhoneVerification.code_hash == item.code_hash)
                        & (PhoneVerification.attempts < limit))
    except ConflictError:
        return False
    return True


def confirm(account: AccountRecord, item: PhoneVerification) -> bool:
    """The number is the owner's; the code is spent. False when the number changed meanwhile."""
    try:
        with storing(conflict=ConflictError(code="code_invalid")), TransactWrite(connection=connection()) as tx:
            tx.update(account_item(account), actions=[Account.phone_verified.set(True)],
                      condition=Account.phone == item.phone)
            tx.delete(item, condition=PhoneVerification.code_hash == item.code_hash)
    except ConflictError:
        return False
    return True


def set_verified_phone(account_id: str, phone: str) -> None:
    """A number already confirmed elsewhere (demo data, benchmarks, test setup)."""
    with storing():
        Account(*account_key(account_id)).update(
            actions=[Account.phone.set(phone), Account.phone_verified.set(True)], condition=Account.pk.exists())
