"""Alert rules with no I/O: kinds, preferences and their defaults, what a journal change is worth
telling a family, quiet hours and digests, unsubscribe tokens (SMS length: chalicelib/text.py).

Everything here takes plain values (and `now` where time matters) so it is tested without I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# The kinds a person chooses a channel for, per child.
KINDS = ("new_grade", "remark", "absence", "homework", "schedule_change", "school_event", "parent_meeting",
         "message", "news")
# Application results and invitations carry a one-time code to someone with no link to the child
# yet (an applicant, an invitee): there is no per-child choice to read, and switching them off
# would lose the only copy of the code. They always go by email, without an unsubscribe link.
TRANSACTIONAL_KINDS = ("application_result", "invitation")
ALERT_KINDS = KINDS + TRANSACTIONAL_KINDS
CHANNELS = ("email", "sms", "both", "none")
ABSENCES = ("unexcused", "all")

# Which part of the diary an alert reveals: a viewer gets it only when the parent granted that
# part. Kinds about the family's own dealings (None) are the parent's alone.
PART_OF_KIND: dict[str, str | None] = {
    "new_grade": "grades", "remark": "grades", "absence": "attendance", "homework": "homework",
    "schedule_change": "schedule", "school_event": "events", "parent_meeting": "meetings", "news": "events",
    "message": None,
}

QUIET_DEFAULT = ("21:00", "08:00")
DIGEST_AT = time(19, 0)  # the day's digest leaves in the evening, school time
SLOT_MINUTES = 15  # held alerts are released in quarter-hour slots


@dataclass(frozen=True)
class Preferences:
    """How one person wants to hear about one child."""

    channels: dict[str, str] = field(default_factory=dict)
    quiet_hours: tuple[str, str] | None = QUIET_DEFAULT
    digest: bool = False
    grade_at_most: int | None = None  # alert a grade only at or below this mark
    absences: str = "all"

    def channel(self, kind: str) -> str:
        """The chosen channel of a kind (email unless changed)."""
        return self.channels.get(kind, "email")


def kinds_for(role: str, scope: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The kinds this link may hear about: all for a parent, the granted parts for a viewer."""
    if role == "parent":
        return KINDS
    return tuple(k for k in KINDS if PART_OF_KIND[k] is not None and PART_OF_KIND[k] in scope)


def effective(prefs: Preferences, role: str, scope: frozenset[str] | set[str]) -> Preferences:
    """Preferences as they apply now: kinds outside a viewer's scope are off, a viewer hears by email."""
    allowed = kinds_for(role, scope)
    channels = {}
    for kind in KINDS:
        chosen = prefs.channel(kind) if kind in allowed else "none"
        if role != "parent" and chosen in ("sms", "both"):
            chosen = "email"
        channels[kind] = chosen
    return replace(prefs, channels=channels)


class PreferenceError(ValueError):
    """A change a person may not make; `code` is the i18n code, `field` the offending field."""

    def __init__(self, code: str, field_name: str) -> None:
        super().__init__(code)
        self.code, self.field = code, field_name


def apply_change(prefs: Preferences, change: dict[str, Any], role: str, scope: frozenset[str] | set[str],
                 has_phone: bool) -> Preferences:
    """Merge a requested change; refuses what the role may not choose."""
    channels = dict(prefs.channels)
    allowed = kinds_for(role, scope)
    for kind, channel in (change.get("channels") or {}).items():
        if role != "parent" and kind not in allowed:
            raise PreferenceError("part_out_of_scope", f"channels.{kind}")
        if role != "parent" and channel in ("sms", "both"):
            raise PreferenceError("alerts_viewer_email_only", f"channels.{kind}")
        if channel in ("sms", "both") and not has_phone:
            raise PreferenceError("alerts_phone_required", f"channels.{kind}")
        channels[kind] = channel
    updated = replace(prefs, channels=channels)
    if "quiet_hours" in change:
        quiet = change["quiet_hours"]
        updated = replace(updated, quiet_hours=(quiet["start"], quiet["end"]) if quiet else None)
    for name in ("digest", "grade_at_most", "absences"):
        if name in change:
            updated = replace(updated, **{name: change[name]})
    return updated


# --- what a change in the table is worth telling ------------------------------------------------


@dataclass(frozen=True)
class AlertEvent:
    """Something a family may want to hear about, read off one stream record."""

    kind: str
    school_id: str
    identity: str  # the record and its version: the same change always has the same identity
    student_id: str | None = None  # one child's family …
    class_ids: tuple[str, ...] = ()  # … or the families of these classes (none: the whole school)
    account_ids: tuple[str, ...] = ()  # … or these accounts (messages)
    data: dict[str, Any] = field(default_factory=dict)
    changed_at: str | None = None  # when it happened (ISO, to the second): nobody linked later hears of it


def _identity(image: dict[str, Any], event_id: str) -> str:
    if image.get("version") is not None:
        return f"{image['PK']}|{image['SK']}|v{int(image['version'])}"
    return event_id


# The `source` of journal records the demo seeding writes (ops/seed_demo.py): a demo school's
# past, made up at its start, is not news to anyone.
SEEDED_SOURCE = "demo"


def events_of_change(event_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
                     recorded_at: str | None = None) -> list[AlertEvent]:
    """What one stream record (plain old and new images, and when the stream recorded it) means
    to families; most mean nothing."""
    if new is None:
        return []  # a deletion is not news to anyone
    if new.get("source") == SEEDED_SOURCE:
        return []
    kind = new.get("kind")
    reader = _READERS.get(str(kind))
    events = reader(_identity(new, event_id), old, new) if reader else []
    when = change_time(new, recorded_at)
    return [replace(event, changed_at=when) for event in events] if when else events


# The coarsest clock of a stream we read: DynamoDB Local rounds a record's time down to the
# minute (AWS to the second, which lies within it).
STREAM_TICK = timedelta(minutes=1)


def change_time(new: dict[str, Any], recorded_at: str | None) -> str | None:
    """When a change happened, to the second. The stream's time is rounded down to its tick: an
    item created within that tick carries the exact moment itself (`created_at`); any other write
    (an edit, an item moved under a new key keeping an older creation time, an uploaded row with no
    time of its own) is placed at the tick's end, so a change made just after a parent's link still
    reaches them, while a replayed change from before the link is still found older."""
    created, recorded = (_instant(t) if isinstance(t, str) else None for t in (new.get("created_at"), recorded_at))
    if recorded is None:
        return created.isoformat(timespec="seconds") if created else None
    if created is not None and created >= recorded:
        return created.isoformat(timespec="seconds")
    return (recorded + STREAM_TICK - timedelta(seconds=1)).isoformat(timespec="seconds")


def _instant(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def told_to(link_created_at: str | None, changed_at: str | None) -> bool:
    """Whether someone whose link to the child began at `link_created_at` hears of a change made
    at `changed_at`: not when the change is older than the link (a replayed or redriven record, a
    restarted reader). Unknown times (links and jobs made before times were kept) do not hide it."""
    link, change = (_instant(t) if t else None for t in (link_created_at, changed_at))
    if link is None or change is None:
        return True
    return change.replace(microsecond=0) >= link.replace(microsecond=0)


def _grade(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    base = {"school_id": new["school_id"], "identity": identity, "student_id": new["student_id"]}
    data = {"value": int(new["value"]), "subject_id": new.get("subject_id"), "date": new.get("date"),
            "remark": new.get("remark"), "teacher_id": new.get("teacher_id") or new.get("changed_by"),
            "corrected": old is not None}
    events = []
    if old is None or int(old.get("value", 0)) != int(new["value"]):
        events.append(AlertEvent("new_grade", data=data, **base))
    if new.get("remark") and (old is None or old.get("remark") != new.get("remark")):
        events.append(AlertEvent("remark", data=data, **base))
    return events


def _attendance(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    if old is not None and old.get("mark") == new.get("mark") and old.get("excused") == new.get("excused"):
        return []
    if old is not None and new.get("excused") and not old.get("excused"):
        return []  # an absence now excused is good news the parent already knows about
    data = {"mark": new.get("mark"), "excused": bool(new.get("excused")), "subject_id": new.get("subject_id"),
            "date": new.get("date"), "minutes_late": new.get("minutes_late")}
    return [AlertEvent("absence", new["school_id"], identity, student_id=new["student_id"], data=data)]


def _homework(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    if old is not None and old.get("text") == new.get("text") and old.get("due_date") == new.get("due_date"):
        return []
    data = {"subject_id": new.get("subject_id"), "text": new.get("text"), "due_date": new.get("due_date"),
            "date": new.get("date")}
    return [AlertEvent("homework", new["school_id"], identity, class_ids=(new["class_id"],), data=data)]


def _lesson(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    # A lesson moved to another day is a new record ("moved"): an insert, alerted like a change.
    change = new.get("change")
    if change not in ("schedule_change", "cancelled", "moved") or (old is None) != (change == "moved"):
        return []
    data = {"subject_id": new.get("subject_id"), "date": new.get("date"), "starts_at": new.get("starts_at"),
            "room": new.get("room"), "cancelled": bool(new.get("cancelled"))}
    return [AlertEvent("schedule_change", new["school_id"], identity, class_ids=(new["class_id"],), data=data)]


def _school_event(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    if old is not None and new.get("change") == "created":
        return []
    kind = "parent_meeting" if new["kind"] == "ParentMeeting" else "school_event"
    data = {"title": new.get("title") or new.get("agenda") or "", "date": new.get("date"),
            "starts_at": new.get("starts_at"), "place": new.get("place"),
            "changed": old is not None or new.get("change") == "moved"}
    classes = tuple(sorted(new.get("class_ids") or ([new["class_id"]] if new.get("class_id") else [])))
    return [AlertEvent(kind, new["school_id"], identity, class_ids=classes, data=data)]


def _message(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    if old is not None:
        return []
    recipients = tuple(sorted(a for a in (new.get("recipient_account_ids") or ()) if a != new.get("sender_account_id")))
    data = {"sender_id": new.get("sender_account_id"), "thread_id": new.get("thread_id")}
    return [AlertEvent("message", new["school_id"], identity, student_id=new.get("student_id"),
                       account_ids=recipients, data=data)]


def _renewed(old: dict[str, Any] | None, new: dict[str, Any]) -> int:
    """The generation of a code renewed by this change (domain/access_codes.py); 0 for none."""
    generation = int(new.get("code_generation") or 0)
    return generation if old is not None and generation != int(old.get("code_generation") or 0) else 0


def _application(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    state = new.get("state")
    renewed = _renewed(old, new) if state == "completed" else 0
    if not renewed and (state not in ("completed", "rejected") or (old is not None and old.get("state") == state)):
        return []
    child = " ".join(str(new[p]) for p in ("child_last_name", "child_first_name", "child_middle_name") if new.get(p))
    data = {"application_id": new["application_id"], "state": state, "reason": new.get("reject_reason") or "",
            "child_name": child, "generation": renewed}
    # An application reaches each result (and each renewed code) once; its identity is the
    # result, not the stream record.
    result = f"code-{renewed}" if renewed else state
    return [AlertEvent("application_result", new["school_id"], f"application:{new['application_id']}:{result}",
                       account_ids=(new["account_id"],), data=data)]


def _invitation(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    renewed = _renewed(old, new) if new.get("state") == "pending" else 0
    if not renewed and (old is not None or new.get("state") != "pending"):
        return []  # revoked or accepted later: only the new invitation (or a renewed code) is sent
    data = {"invitation_id": new["invitation_id"], "email": new["email"], "inviter_id": new["invited_by"],
            "role": new.get("role"), "scope": sorted(new.get("scope") or ())}
    suffix = f":code-{renewed}" if renewed else ""
    return [AlertEvent("invitation", new["school_id"], f"invitation:{new['invitation_id']}{suffix}",
                       student_id=new["student_id"], data=data)]


def _news(identity: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[AlertEvent]:
    if old is not None:
        return []
    return [AlertEvent("news", new["school_id"], identity, class_ids=tuple(sorted(new.get("class_ids") or ())),
                       data={"news_id": new["news_id"]})]


_READERS = {"Grade": _grade, "AttendanceMark": _attendance, "Homework": _homework, "Lesson": _lesson,
            "SchoolEvent": _school_event, "ParentMeeting": _school_event, "Message": _message, "News": _news,
            "Application": _application, "Invitation": _invitation}


def wanted_channels(event: AlertEvent, prefs: Preferences) -> tuple[str, ...]:
    """The channels one person hears this event by (after thresholds); () for none."""
    if event.kind == "new_grade" and prefs.grade_at_most is not None and event.data["value"] > prefs.grade_at_most:
        return ()
    if event.kind == "absence" and prefs.absences == "unexcused" and event.data.get("excused"):
        return ()
    chosen = prefs.channel(event.kind)
    return {"email": ("email",), "sms": ("sms",), "both": ("email", "sms")}.get(chosen, ())


def plan(events: list[AlertEvent], prefs: Preferences) -> list[tuple[AlertEvent, str]]:
    """(event, channel) pairs for one person; a remark posted with its grade rides in the grade's alert."""
    out: list[tuple[AlertEvent, str]] = []
    covered: set[tuple[str, str]] = set()
    for event in sorted(events, key=lambda e: e.kind != "new_grade"):
        for channel in wanted_channels(event, prefs):
            if event.kind == "remark" and (event.identity, channel) in covered:
                continue
            covered.add((event.identity, channel))
            out.append((event, channel))
    return out


# --- when: quiet hours and digests --------------------------------------------------------------


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(local: datetime, quiet: tuple[str, str] | None) -> bool:
    """Whether a local time falls in the quiet hours (which may span midnight)."""
    if not quiet:
        return False
    start, end, now = _hhmm(quiet[0]), _hhmm(quiet[1]), local.time()
    return start <= now or now < end if start > end else start <= now < end


def sms_due(now: datetime, timezone: str, quiet: tuple[str, str] | None) -> datetime | None:
    """When an SMS produced at `now` (aware) may leave: None for at once, else the morning."""
    local = now.astimezone(ZoneInfo(timezone))
    if not quiet or not in_quiet_hours(local, quiet):
        return None
    end = _hhmm(quiet[1])
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning


def digest_due(now: datetime, timezone: str) -> datetime:
    """When today's digest (or, past the hour, tomorrow's) leaves."""
    local = now.astimezone(ZoneInfo(timezone))
    due = local.replace(hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, second=0, microsecond=0)
    return due if due > local else due + timedelta(days=1)


def slot_of(when: datetime) -> str:
    """The quarter-hour slot (UTC) a held alert waits in; a slot is released once it has begun."""
    utc = when.astimezone(ZoneInfo("UTC"))
    minute = utc.minute - utc.minute % SLOT_MINUTES
    # Round up so an alert is never released before its time.
    slot = utc.replace(minute=minute, second=0, microsecond=0)
    if slot < utc:
        slot += timedelta(minutes=SLOT_MINUTES)
    return slot.strftime("%Y-%m-%dT%H:%M")


def slots_until(now: datetime, since: str | None, limit: int = 96) -> list[str]:
    """Slots that have begun by `now`, from the one after `since` (or the last day's)."""
    utc = now.astimezone(ZoneInfo("UTC"))
    last = utc.replace(minute=utc.minute - utc.minute % SLOT_MINUTES, second=0, microsecond=0)
    first = last - timedelta(minutes=SLOT_MINUTES * (limit - 1))
    if since:
        start = datetime.strptime(since, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo("UTC"))
        first = max(first, start + timedelta(minutes=SLOT_MINUTES))
    out = []
    while first <= last:
        out.append(first.strftime("%Y-%m-%dT%H:%M"))
        first += timedelta(minutes=SLOT_MINUTES)
    return out


# --- unsubscribe links -------------------------------------------------------------------------


def unsubscribe_token(key: bytes, account_id: str, student_id: str, kind: str) -> str:
    """A link token that switches off one kind for one child, signed so it cannot be forged."""
    payload = f"{account_id}|{student_id}|{kind}".encode()
    sig = hmac.new(key, b"unsubscribe:" + payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + \
        base64.urlsafe_b64encode(sig).decode().rstrip("=")


def read_unsubscribe_token(key: bytes, token: str) -> tuple[str, str, str] | None:
    """(account, student, kind) of a genuine token; None for anything else."""
    try:
        body, sig = token.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        given = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except ValueError:
        return None
    expected = hmac.new(key, b"unsubscribe:" + payload, hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(given, expected):
        return None
    parts = payload.decode(errors="replace").split("|")
    if len(parts) != 3 or parts[2] not in KINDS:
        return None
    return parts[0], parts[1], parts[2]
