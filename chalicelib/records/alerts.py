"""What the alerts read and write, as the domain sees it (chalicelib/dal/alerts.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Person:
    """An account as an alert addresses it."""

    account_id: str
    email: str
    name: str = ""
    language: str = "ru"
    phone: str | None = None
    phone_verified: bool = False
    email_suppressed: bool = False

    @property
    def may_text(self) -> bool:
        """Whether SMS may go to the number: there is one and its owner confirmed it (the rule of
        domain/phones.sms_allowed, read off the record)."""
        return bool(self.phone and self.phone_verified)


@dataclass(frozen=True)
class FamilyLink:
    """A parent's or a viewer's link to a child, as far as alerts care."""

    account_id: str
    role: str  # "parent" | "viewer"
    scope: frozenset[str] = frozenset()  # a viewer's parts of the diary; a parent's is everything
    invited_by: str | None = None  # the parent who invited a viewer
    created_at: str | None = None


@dataclass(frozen=True)
class StoredPreferences:
    """A person's alert choices for one child, as stored."""

    channels: dict[str, str] = field(default_factory=dict)
    quiet_start: str | None = None
    quiet_end: str | None = None
    digest: bool = False
    grade_at_most: int | None = None
    absences: str = "all"
    created_at: str | None = None  # kept when the choices change


@dataclass(frozen=True)
class NewsItem:
    """School news and how its delivery is going."""

    news_id: str
    school_id: str
    title: str
    body: str
    class_ids: tuple[str, ...] = ()
    created_by: str = ""
    created_at: str | None = None
    state: str = "queued"  # queued | sending | done
    recipients: int = 0
    batches_total: int = 0
    batches_done: int = 0
    emails_sent: int = 0
    sms_sent: int = 0
    failed: int = 0
    held: int = 0  # SMS waiting for the morning


@dataclass(frozen=True)
class HeldJob:
    """An alert job kept until its slot begins (`ref` finds the stored item again)."""

    ref: tuple[str, str]
    job: dict[str, Any]
