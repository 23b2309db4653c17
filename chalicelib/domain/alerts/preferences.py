"""How each person hears about each child: choices, and the one-click unsubscribe link."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.dal import alerts as store
from chalicelib.domain import children
from chalicelib.domain.alert_rules import (
    PreferenceError,
    Preferences,
    apply_change,
    effective,
    read_unsubscribe_token,
    unsubscribe_token,
)
from chalicelib.domain.alerts.names import child
from chalicelib.errors import DiaryError, ForbiddenError, NotFoundError
from chalicelib.records.alerts import StoredPreferences
from chalicelib.settings import get_settings


def of_stored(stored: StoredPreferences | None) -> Preferences:
    """The rules' view of stored choices (defaults when none were made)."""
    if stored is None:
        return Preferences()
    quiet = (stored.quiet_start, stored.quiet_end) if stored.quiet_start and stored.quiet_end else None
    return Preferences(channels=dict(stored.channels), quiet_hours=quiet, digest=stored.digest,
                       grade_at_most=stored.grade_at_most, absences=stored.absences)


def _stored(prefs: Preferences, old: StoredPreferences | None) -> StoredPreferences:
    return StoredPreferences(channels=dict(prefs.channels),
                             quiet_start=prefs.quiet_hours[0] if prefs.quiet_hours else None,
                             quiet_end=prefs.quiet_hours[1] if prefs.quiet_hours else None,
                             digest=prefs.digest, grade_at_most=prefs.grade_at_most, absences=prefs.absences,
                             created_at=old.created_at if old else None)


def _view(student_id: str, role: str, prefs: Preferences, has_phone: bool) -> dict[str, Any]:
    quiet = {"start": prefs.quiet_hours[0], "end": prefs.quiet_hours[1]} if prefs.quiet_hours else None
    return {"student_id": student_id, "role": role, "channels": dict(prefs.channels), "quiet_hours": quiet,
            "digest": prefs.digest, "grade_at_most": prefs.grade_at_most, "absences": prefs.absences,
            "sms_available": has_phone and role == "parent"}


def _may_text(account_id: str) -> bool:
    person = store.person(account_id)
    return person is not None and person.may_text


def preferences_of(account_id: str, student_id: str) -> dict[str, Any]:
    """How the caller hears about the child (defaults until changed)."""
    access = children.link_of(account_id, student_id)
    prefs = effective(of_stored(store.get_preferences(student_id, account_id)), access.role, access.scope)
    return _view(student_id, access.role, prefs, _may_text(account_id))


def change_preferences(account_id: str, student_id: str, change: dict[str, Any]) -> dict[str, Any]:
    """Change how the caller hears about the child: parents choose anything, viewers email within scope."""
    access = children.link_of(account_id, student_id)
    may_text = _may_text(account_id)
    old = store.get_preferences(student_id, account_id)
    try:
        prefs = apply_change(of_stored(old), change, access.role, access.scope, may_text)
    except PreferenceError as exc:
        if exc.code == "part_out_of_scope":
            raise ForbiddenError(code=exc.code) from exc
        raise DiaryError(field=exc.field, code=exc.code) from exc
    store.save_preferences(student_id, account_id, _stored(prefs, old))
    return _view(student_id, access.role, effective(prefs, access.role, access.scope), may_text)


def unsubscribe_preview(token: str) -> dict[str, Any]:
    """What the unsubscribe link would switch off, changing nothing (a link scanner, a preview or
    a prefetch opens it too)."""
    account_id, student_id, kind, school_id = _unsubscribing(token)
    prefs = of_stored(store.get_preferences(student_id, account_id))
    return _unsubscribe_view(account_id, student_id, kind, school_id, prefs.channel(kind))


def unsubscribe(token: str) -> dict[str, Any]:
    """The link's POST (the page's button, or the mail client's one-click, RFC 8058): that kind of
    alert about that child stops, by every channel. Doing it again changes nothing more."""
    account_id, student_id, kind, school_id = _unsubscribing(token)
    old = store.get_preferences(student_id, account_id)
    prefs = of_stored(old)
    store.save_preferences(student_id, account_id,
                           _stored(replace(prefs, channels={**prefs.channels, kind: "none"}), old))
    return _unsubscribe_view(account_id, student_id, kind, school_id, "none")


def _unsubscribing(token: str) -> tuple[str, str, str, str]:
    """(account, student, kind, school) of a genuine token whose holder is still linked to the child."""
    found = read_unsubscribe_token(_key(), token)
    if found is None:
        raise DiaryError(field="token", code="unsubscribe_token_invalid")
    account_id, student_id, kind = found
    try:
        access = children.link_of(account_id, student_id)
    except ForbiddenError as exc:  # the link ended: no alerts come, and no setting is left behind
        raise NotFoundError(field="token", code="unsubscribe_link_ended") from exc
    return account_id, student_id, kind, access.school_id


def _unsubscribe_view(account_id: str, student_id: str, kind: str, school_id: str, channel: str) -> dict[str, Any]:
    person = store.person(account_id)
    return {"student_id": student_id, "kind": kind, "channel": channel, "child": child(school_id, student_id),
            "language": (person.language if person else None) or "ru"}


def _key() -> bytes:
    return get_settings().signing_secret.encode() + b":alerts"


def list_unsubscribe(link: str) -> dict[str, str]:
    """The headers that let a mail client offer its own unsubscribe button, one click, no page
    (RFC 2369 and RFC 8058): it POSTs "List-Unsubscribe=One-Click" to the link."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_link(account_id: str, student_id: str, kind: str) -> str:
    """The one-click link that turns one kind off for one child."""
    from chalicelib.mail.links import api

    # Through the cabinet's origin (CloudFront forwards /api/*): the address families know.
    return api("/alerts/unsubscribe?token=" + unsubscribe_token(_key(), account_id, student_id, kind))
