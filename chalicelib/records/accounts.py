"""An account as the domain reads it: who logs in, how to reach them, what they confirmed.

The data layer builds it from the stored item (`dal.accounts.get_account`) and takes it back for
writes (`save_registration`, `complete_verification`, `update_profile`, `dal.phones.set_phone`…),
building the item there; the domain never holds the PynamoDB model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class AccountRecord:
    """A person who logs in: parent, viewer, teacher, administrator or operator."""

    account_id: str
    email: str
    name: str
    language: str = "ru"
    phone: str | None = None
    phone_verified: bool | None = None  # the owner typed the code texted to `phone`: SMS may go
    password_hash: str | None = None  # none until the owner sets it, verifying the email
    verified: bool = False
    email_suppressed: bool | None = None  # SES reported a hard bounce or a complaint
    session_generation: int | None = None  # a password reset moves it: older sessions end
    expires_at: datetime | None = None  # a pending registration's end (stored ones linger: check it)
