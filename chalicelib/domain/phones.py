"""A phone number is trusted with SMS alerts only once its owner typed the code texted to it.

Setting or changing the number makes it unconfirmed and texts a six-digit code (through the
outbox, like the email code); `verify` confirms it. The code is stored as a keyed hash, lasts
15 minutes and allows 5 tries, counted before checking. Codes are a paid SMS to a number nobody
has confirmed, so each is charged to the account and to the number (domain/quotas.py)."""

from __future__ import annotations

from chalicelib.clock import epoch
from chalicelib.dal import accounts as account_store
from chalicelib.dal import keys, outbox
from chalicelib.dal import phones as store
from chalicelib.domain import quotas, secrets
from chalicelib.errors import AuthenticationError, ConflictError, DiaryError, TooManyAttemptsError
from chalicelib.records.accounts import AccountRecord

CODE_PURPOSE = "phone-verification"
CODE_VALID_SECONDS = 15 * 60
MAX_CODE_ATTEMPTS = 5


def sms_allowed(account: AccountRecord | None) -> bool:
    """Whether SMS may go to the account's number: there is one, and its owner confirmed it."""
    return bool(account and account.phone and account.phone_verified)


def _charge(account_id: str, phone: str) -> None:
    quotas.spend("too_many_codes", (quotas.PHONE_CODES_PER_ACCOUNT_HOUR, account_id),
                 (quotas.PHONE_CODES_PER_ACCOUNT_DAY, account_id),
                 (quotas.PHONE_CODES_PER_NUMBER_DAY, keys.number_quota(phone)))


def _text(account: AccountRecord, phone: str, code: str) -> None:
    outbox.send_sms(to=phone, template="phone_code", language=account.language or "ru", data={"code": code},
                    dedupe_key=f"phone:{account.account_id}:{secrets.digest(code, 'outbox')[:16]}")


def change(account: AccountRecord, phone: str | None) -> None:
    """Set, change or clear the number; a new one is unconfirmed until its texted code is typed.
    A throttled code refuses the whole change (429), so nothing is half-written."""
    if phone == account.phone:
        return
    if phone is None:
        store.clear_phone(account)
        return
    _charge(account.account_id, phone)
    code = secrets.new_code()
    store.set_phone(account, phone, secrets.digest(code, CODE_PURPOSE), epoch() + CODE_VALID_SECONDS)
    _text(account, phone, code)


def _account(account_id: str) -> AccountRecord:
    account = account_store.get_account(account_id)
    if account is None:
        raise AuthenticationError()
    return account


def send_code(account_id: str) -> None:
    """Text a new code to the account's unconfirmed number (the old code stops working)."""
    account = _account(account_id)
    if not account.phone:
        raise DiaryError(field="phone", code="phone_missing")
    if account.phone_verified:
        raise ConflictError(field="phone", code="phone_already_verified")
    _charge(account.account_id, account.phone)
    code = secrets.new_code()
    store.replace_code(account.account_id, account.phone, secrets.digest(code, CODE_PURPOSE),
                       epoch() + CODE_VALID_SECONDS)
    _text(account, account.phone, code)


def verify(account_id: str, code: str) -> None:
    """Confirm the number with the texted code."""
    account = _account(account_id)
    pending = store.get_code(account_id)
    if pending is None or pending.phone != account.phone:
        if account.phone and account.phone_verified:
            raise ConflictError(field="phone", code="phone_already_verified")
        raise DiaryError(field="code", code="code_invalid")
    if pending.valid_until <= epoch():
        raise DiaryError(field="code", code="code_expired")
    if not store.count_attempt(pending, MAX_CODE_ATTEMPTS):
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    if not secrets.same_digest(code, CODE_PURPOSE, pending.code_hash) or not store.confirm(account, pending):
        raise DiaryError(field="code", code="code_invalid")
