"""Password reset by a code emailed to the registered address.

Who has an account must not be learnt from these routes, so both do the same work for any address.
A request is throttled (the registration mail quotas: per address and per client, whatever the
address's state) and queued; the outbox handler then mails a code to a verified account and sends
nothing to any other address (docs/access.md, "Password reset"). A confirmation counts the guess
before anything is read (the address's code guesses, as for verify-email), hashes the new password
and reads the claim, the account and the code whether or not they exist.
"""

from __future__ import annotations

from chalicelib.clock import epoch
from chalicelib.dal import accounts as store
from chalicelib.dal import outbox
from chalicelib.dal import password_reset as codes
from chalicelib.domain import secrets, throttle
from chalicelib.domain.accounts import NO_CODE, _take, _take_mail_quotas, new_id
from chalicelib.errors import DiaryError, TooManyAttemptsError

CODE_PURPOSE = "password-reset"
STEP = "password-reset"  # the outbox step that mails the code (events/outbox.py)
VALID_MINUTES = 30
NO_ACCOUNT = "0" * 32  # read in place of an account that does not exist, so the work is the same


def request_reset(email: str, client: str) -> None:
    """Take a request for a reset code, answered alike for any address."""
    _take_mail_quotas(email, client, epoch())  # shared with register and resend-code: one mailbox's budget
    outbox.queue_account_step(STEP, {"email": email}, dedupe_key=f"password-reset:{new_id()}")


def send_code(email: str) -> None:
    """Mail a new reset code to a verified account (the old code dies, the new one gets its own
    guesses within the address's daily total); nothing for a pending or unknown address."""
    account_id = store.find_account_id(email)
    account = store.get_account(account_id) if account_id else None
    if account is None or not account.verified:
        return
    now = epoch()
    code = secrets.new_code()
    codes.save_code(account.account_id, secrets.digest(code, CODE_PURPOSE), now + VALID_MINUTES * 60)
    window, ends = throttle.CODE_GUESSES.window(now)
    store.fresh_code_guesses(email, window, ends)
    outbox.send_email(
        to=account.email,
        template="password_reset",
        language=account.language,
        data={"name": account.name, "code": code, "minutes": VALID_MINUTES},
        dedupe_key=f"password-reset:{account.account_id}:{secrets.digest(code, 'outbox')[:16]}",
    )


def confirm(email: str, code: str, password: str, client: str) -> None:
    """Set a new password with the emailed code; every login of the account ends and its failed-login
    lockout is lifted. A wrong, expired or spent code and an unknown address get the same answer."""
    now = epoch()
    _take(throttle.CODE_GUESSES_FROM_CLIENT, client, now)
    window, ends = throttle.CODE_GUESSES.window(now)
    outcome = store.take_code_guess(email, throttle.CODE_GUESSES.limit, throttle.GUESSES_PER_CODE, window, ends)
    if outcome == "exhausted":
        raise TooManyAttemptsError(retry_after=max(ends - now, 1))
    if outcome == "spent":
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    password_hash = secrets.hash_password(password)
    account_id = store.find_account_id(email) or NO_ACCOUNT
    account, waiting = store.get_account(account_id), codes.get_code(account_id)
    live = waiting is not None and waiting.valid_until > now
    matches = secrets.same_digest(code, CODE_PURPOSE, waiting.code_hash if waiting and live else NO_CODE)
    if account is None or not account.verified or waiting is None or not matches \
            or not codes.complete(account, waiting.code_hash, password_hash, (throttle.ACCOUNT.scope, email)):
        raise DiaryError(field="code", code="code_invalid")

