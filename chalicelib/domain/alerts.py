"""Alerts to families: preferences, production from the table's changes, delivery, held alerts
(quiet hours, digests), unsubscribe links, bounces, school news.

Production never happens in a request: the stream turns a change into an "event" job on the
alerts queue; the queue expands it into one "deliver" job per person and channel, each with its
own idempotency key (change identity × person × channel), claimed with a lease before it is sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import alerts as store
from chalicelib.dal import outbox as marks
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import Account, AlertPreferences, Guardianship, News, Viewer
from chalicelib.domain import children
from chalicelib.domain.accounts import new_id
from chalicelib.domain.alert_rules import (
    KINDS,
    TRANSACTIONAL_KINDS,
    AlertEvent,
    PreferenceError,
    Preferences,
    apply_change,
    digest_due,
    effective,
    events_of_change,
    plan,
    read_unsubscribe_token,
    slot_of,
    slots_until,
    sms_due,
    told_to,
    unsubscribe_token,
)
from chalicelib.domain.phones import sms_allowed
from chalicelib.errors import DiaryError, ForbiddenError, NotFoundError
from chalicelib.mail.failures import PermanentSendError, sending
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)
NEWS_BATCH = 50  # SES bulk email takes 50 destinations a call


def clock() -> datetime:
    """Now, aware; tests replace it to stand at 22:30 or 08:05."""
    return datetime.now(UTC)


# --- preferences ------------------------------------------------------------------------------


def _prefs(item: AlertPreferences | None) -> Preferences:
    if item is None:
        return Preferences()
    quiet = (item.quiet_start, item.quiet_end) if item.quiet_start and item.quiet_end else None
    return Preferences(channels=json.loads(item.channels or "{}"), quiet_hours=quiet, digest=bool(item.digest),
                       grade_at_most=int(item.grade_at_most) if item.grade_at_most is not None else None,
                       absences=item.absences or "all")


def _view(student_id: str, role: str, prefs: Preferences, has_phone: bool) -> dict[str, Any]:
    quiet = {"start": prefs.quiet_hours[0], "end": prefs.quiet_hours[1]} if prefs.quiet_hours else None
    return {"student_id": student_id, "role": role, "channels": dict(prefs.channels), "quiet_hours": quiet,
            "digest": prefs.digest, "grade_at_most": prefs.grade_at_most, "absences": prefs.absences,
            "sms_available": has_phone and role == "parent"}


def preferences_of(account_id: str, student_id: str) -> dict[str, Any]:
    """How the caller hears about the child (defaults until changed)."""
    access = children.link_of(account_id, student_id)
    account = account_store.get_account(account_id)
    prefs = effective(_prefs(store.get_preferences(student_id, account_id)), access.role, access.scope)
    return _view(student_id, access.role, prefs, sms_allowed(account))


def change_preferences(account_id: str, student_id: str, change: dict[str, Any]) -> dict[str, Any]:
    """Change how the caller hears about the child: parents choose anything, viewers email within scope."""
    access = children.link_of(account_id, student_id)
    account = account_store.get_account(account_id)
    item = store.get_preferences(student_id, account_id)
    try:
        prefs = apply_change(_prefs(item), change, access.role, access.scope, sms_allowed(account))
    except PreferenceError as exc:
        if exc.code == "part_out_of_scope":
            raise ForbiddenError(code=exc.code) from exc
        raise DiaryError(field=exc.field, code=exc.code) from exc
    store.save_preferences(_item(account_id, student_id, prefs, item))
    return _view(student_id, access.role, effective(prefs, access.role, access.scope), sms_allowed(account))


def _item(account_id: str, student_id: str, prefs: Preferences, old: AlertPreferences | None) -> AlertPreferences:
    item = AlertPreferences(account_id=account_id, student_id=student_id,
                            channels=json.dumps(prefs.channels, sort_keys=True),
                            quiet_start=prefs.quiet_hours[0] if prefs.quiet_hours else None,
                            quiet_end=prefs.quiet_hours[1] if prefs.quiet_hours else None,
                            digest=prefs.digest, grade_at_most=prefs.grade_at_most, absences=prefs.absences)
    item.created_at = old.created_at if old else None
    return item


def unsubscribe_preview(token: str) -> dict[str, Any]:
    """What the unsubscribe link would switch off, changing nothing (a link scanner, a preview or
    a prefetch opens it too)."""
    account_id, student_id, kind, school_id = _unsubscribing(token)
    prefs = _prefs(store.get_preferences(student_id, account_id))
    return _unsubscribe_view(account_id, student_id, kind, school_id, prefs.channel(kind))


def unsubscribe(token: str) -> dict[str, Any]:
    """The link's POST (the page's button, or the mail client's one-click, RFC 8058): that kind of
    alert about that child stops, by every channel. Doing it again changes nothing more."""
    account_id, student_id, kind, school_id = _unsubscribing(token)
    item = store.get_preferences(student_id, account_id)
    prefs = _prefs(item)
    store.save_preferences(_item(account_id, student_id,
                                 Preferences(**{**asdict(prefs), "channels": {**prefs.channels, kind: "none"}}),
                                 item))
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
    account = account_store.get_account(account_id)
    return {"student_id": student_id, "kind": kind, "channel": channel, "child": _child(school_id, student_id),
            "language": (account.language if account else None) or "ru"}


def _key() -> bytes:
    return get_settings().signing_secret.encode() + b":alerts"


def list_unsubscribe(link: str) -> dict[str, str]:
    """The headers that let a mail client offer its own unsubscribe button, one click, no page
    (RFC 2369 and RFC 8058): it POSTs "List-Unsubscribe=One-Click" to the link."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_link(account_id: str, student_id: str, kind: str) -> str:
    """The one-click link that turns one kind off for one child."""
    return f"{get_settings().public_url}/alerts/unsubscribe?token=" + \
        unsubscribe_token(_key(), account_id, student_id, kind)


# --- production: stream → event jobs ----------------------------------------------------------


def produce(changes: Iterable[tuple[Any, ...]]) -> int:
    """Turn stream records (event id, old image, new image[, when the stream recorded it, ISO])
    into event jobs; returns how many."""
    jobs = [{"type": "event", "event": asdict(event)}
            for event_id, old, new, *recorded in changes
            for event in events_of_change(event_id, old, new, recorded[0] if recorded else None)]
    if jobs:
        store.enqueue(jobs)
    return len(jobs)


def handle(job: dict[str, Any], now: datetime | None = None) -> None:
    """One job from the alerts queue."""
    with fresh_names():
        _handle(job, now or clock())


def _handle(job: dict[str, Any], now: datetime) -> None:
    kind = job.get("type")
    if kind == "event":
        event = AlertEvent(**{**job["event"], "class_ids": tuple(job["event"]["class_ids"]),
                              "account_ids": tuple(job["event"]["account_ids"])})
        if event.kind == "news":
            plan_news(event, now)
        elif event.kind in TRANSACTIONAL_KINDS:
            send_transactional(event)
        else:
            expand(event, now)
    elif kind == "deliver":
        deliver(job)
    elif kind == "digest":
        deliver_digest(job)
    elif kind == "news_email":
        send_news_emails(job)
    elif kind == "news_sms":
        send_news_sms(job)
    else:
        raise ValueError(f"unknown alert job {kind!r}")


# --- who: the families an event concerns ------------------------------------------------------


Recipient = tuple[Account, str, str, frozenset[str], Preferences]  # account, student, role, scope, prefs


def _families(student_ids: Iterable[str],
              changed_at: str | None = None) -> list[tuple[str, Guardianship | Viewer, Preferences]]:
    out = []
    for student_id in dict.fromkeys(student_ids):
        links, prefs = store.family(student_id)
        guardians = {link.account_id for link in links if isinstance(link, Guardianship)}
        for link in links:
            # A viewer hears only while the parent who invited them is still linked.
            if isinstance(link, Viewer) and link.invited_by not in guardians:
                continue
            if not told_to(link.created_at, changed_at):
                continue  # the change is older than this link: news to nobody who joined since
            out.append((student_id, link, _prefs(prefs.get(link.account_id))))
    return out


def recipients(event: AlertEvent) -> list[Recipient]:
    """Everyone who may hear about this event, with the preferences that apply to them."""
    if event.account_ids:
        family = _families([event.student_id] if event.student_id else [])
        links = {link.account_id: (link, p) for _, link, p in family}
        found = store.accounts(event.account_ids)
        out: list[Recipient] = []
        for account_id, account in found.items():
            link, prefs = links.get(account_id, (None, Preferences(quiet_hours=None)))
            if link is not None and not told_to(link.created_at, event.changed_at):
                continue
            role = "parent" if link is None or isinstance(link, Guardianship) else "viewer"
            scope = frozenset(link.scope or ()) if isinstance(link, Viewer) else frozenset()
            out.append((account, event.student_id or "", role, scope, prefs))
        return out
    if event.student_id:
        students = [event.student_id]
    else:
        classes = event.class_ids or tuple(store.class_ids_of_school(event.school_id))
        students = [s.student_id for s in store.students_of_classes(event.school_id, classes)]
    family = _families(students, event.changed_at)
    found = store.accounts(link.account_id for _, link, _ in family)
    return [(found[link.account_id], student_id, "parent" if isinstance(link, Guardianship) else "viewer",
             frozenset(link.scope or ()) if isinstance(link, Viewer) else frozenset(), prefs)
            for student_id, link, prefs in family if link.account_id in found]


# --- expansion: one event → a job per person and channel --------------------------------------


# Names an alert shows (school, subject, teacher, sender) are read for each invocation — a queue
# batch, or one job called on its own — and forgotten after it: a parent or teacher renamed
# between two batches is named anew, while a batch of alerts about one school reads them once.
_names: ContextVar[dict[tuple[str, ...], Any] | None] = ContextVar("alert_names", default=None)
DEFAULT_TIMEZONE = "Europe/Moscow"


@contextmanager
def fresh_names() -> Iterator[None]:
    """Within this block each name is read at most once; outside it, never kept (nested: the outer
    block's names)."""
    if _names.get() is not None:
        yield
        return
    token = _names.set({})
    try:
        yield
    finally:
        _names.reset(token)


def _lookup(school_id: str, subject_ids: Iterable[str | None] = (),
            account_ids: Iterable[str | None] = ()) -> dict[tuple[str, ...], Any]:
    """The names wanted, those not read yet in this invocation read together in one call."""
    memo = _names.get()
    if memo is None:
        memo = {}
    with_school = ("school", school_id) not in memo
    subjects = [s for s in dict.fromkeys(subject_ids) if s and ("subject", school_id, s) not in memo]
    people = [a for a in dict.fromkeys(account_ids) if a and ("person", a) not in memo]
    if with_school or subjects or people:
        school, subject_names, person_names = store.names(school_id, with_school, subjects, people)
        if with_school:
            memo[("school", school_id)] = (school[0], school[1] or DEFAULT_TIMEZONE) if school \
                else ("", DEFAULT_TIMEZONE)
        memo.update({("subject", school_id, s): subject_names.get(s, "") for s in subjects})
        memo.update({("person", a): person_names.get(a, "") for a in people})
    return memo


def _school(school_id: str) -> tuple[str, str]:
    school: tuple[str, str] = _lookup(school_id)[("school", school_id)]
    return school


def _child(school_id: str, student_id: str) -> dict[str, str]:
    """The child as an alert names them, and the gender its verbs agree with («получил» or
    «получила»): the roster has no gender, so it is read from the first name and patronymic
    ("" when they do not tell: the templates then use a phrasing without a gendered verb)."""
    from chalicelib.mail.wording import gender

    student = school_store.get_student(school_id, student_id) if student_id else None
    if student is None:
        return {"child": "", "child_gender": ""}
    return {"child": student.first_name, "child_gender": gender(student.first_name, student.middle_name)}


def _details(event: AlertEvent) -> dict[str, Any]:
    data = dict(event.data)
    subject_id, teacher_id, sender_id = (event.data.get(k) for k in ("subject_id", "teacher_id", "sender_id"))
    names = _lookup(event.school_id, [subject_id], [teacher_id, sender_id])
    data["school"] = names[("school", event.school_id)][0]
    data["subject"] = names[("subject", event.school_id, subject_id)] if subject_id else ""
    data["teacher"] = names[("person", teacher_id)] if teacher_id else ""
    data["sender"] = names[("person", sender_id)] if sender_id else ""
    return data


def alert_key(identity: str, account_id: str, channel: str) -> str:
    """The idempotency key of one alert: the same change, person and channel is sent once."""
    return "alert:" + hashlib.sha256(f"{identity}|{account_id}|{channel}".encode()).hexdigest()[:40]


def expand(event: AlertEvent, now: datetime) -> int:
    """Queue (or hold) one job per person and channel; returns how many were queued or held."""
    people = recipients(event)
    if not people:
        return 0
    details, timezone = _details(event), _school(event.school_id)[1]
    children_names: dict[str, dict[str, str]] = {}
    jobs = []
    for account, student_id, role, scope, prefs in people:
        for _, channel in plan([event], effective(prefs, role, scope)):
            if channel == "email" and account.email_suppressed:
                continue
            if channel == "sms" and not sms_allowed(account):
                continue  # no number, or one its owner never confirmed: it may be anyone's
            if student_id not in children_names:
                children_names[student_id] = _child(event.school_id, student_id)
            job: dict[str, Any] = {"type": "deliver", "key": alert_key(event.identity, account.account_id, channel),
                   "kind": event.kind, "channel": channel, "account_id": account.account_id,
                   "student_id": student_id, "language": account.language or "ru",
                   "to": account.email if channel == "email" else account.phone,
                   "data": {**details, **children_names[student_id]}}
            due = sms_due(now, timezone, prefs.quiet_hours) if channel == "sms" else \
                (digest_due(now, timezone) if prefs.digest and role == "parent" else None)
            if due is not None:
                store.hold(slot_of(due), account.account_id, job["key"], job)
                store.record_attempt(job["key"], account.account_id, event.kind, channel, "held", None,
                                     attempt=False)
            else:
                jobs.append(job)
    store.enqueue(jobs)
    return len(jobs)


def release_due(now: datetime | None = None) -> int:
    """Queue the held alerts whose time has come: SMS after quiet hours, and each person's digest."""
    now = now or clock()
    slots = slots_until(now, store.release_cursor())
    released = 0
    for slot in slots:
        held = store.held_in(slot)
        jobs: list[dict[str, Any]] = []
        digests: dict[str, list[dict[str, Any]]] = {}
        for item in held:
            job = json.loads(item.job)
            if job["channel"] == "email":
                digests.setdefault(job["account_id"], []).append(job)
            else:
                jobs.append(job)
        for account_id, entries in digests.items():
            keys = ",".join(sorted(e["key"] for e in entries))
            jobs.append({"type": "digest", "key": "digest:" + hashlib.sha256(keys.encode()).hexdigest()[:40],
                         "account_id": account_id, "to": entries[0]["to"], "language": entries[0]["language"],
                         "entries": entries})
        store.enqueue(jobs)
        store.release_held(held)
        store.set_release_cursor(slot)
        released += len(jobs)
    return released


# --- application results and invitations: one email to one address -------------------------


def send_transactional(event: AlertEvent) -> int:
    """Queue the email of an application result or an invitation, whatever anyone's preferences
    (it carries the code); returns 1 when queued."""
    from chalicelib.domain import applications

    if event.kind == "invitation":
        message = children.invitation_email(event.student_id or "", event.data["invitation_id"])
    else:
        account = account_store.get_account(event.account_ids[0])
        template, data = applications.result_email(
            event.data["application_id"], event.data["state"], event.data["reason"], event.data["child_name"],
            account.name if account else "", _school(event.school_id)[0], int(event.data.get("generation") or 0))
        message = None if account is None else {
            "account_id": account.account_id, "to": account.email, "language": account.language or "ru",
            "suppressed": bool(account.email_suppressed), "template": template, "data": data}
    if not message:
        return 0  # the account is gone, or the invitation was revoked before its email left
    key = alert_key(event.identity, message["account_id"] or message["to"], "email")
    if message["suppressed"]:
        store.record_attempt(key, message["account_id"], event.kind, "email", "skipped", "email_suppressed",
                             attempt=False)
        return 0
    store.enqueue([{"type": "deliver", "key": key, "kind": event.kind, "channel": "email",
                    "account_id": message["account_id"], "student_id": event.student_id or "",
                    "language": message["language"], "to": message["to"], "template": message["template"],
                    "data": message["data"]}])
    return 1


# --- delivery ---------------------------------------------------------------------------------


def deliver(job: dict[str, Any]) -> None:
    """Send one alert once: claimed with a lease; a transient failure releases it and raises (the
    queue retries); a permanent one is recorded on the alert and never retried."""
    from chalicelib.mail.render import render_email
    from chalicelib.mail.send import send_email
    from chalicelib.mail.sms import opted_out, render_sms, send_sms

    key, channel = job["key"], job["channel"]
    if not marks.claim(key, channel):
        return
    status, error, reason = "sent", None, None
    try:
        if channel == "email" and job["kind"] in TRANSACTIONAL_KINDS:
            rendered = render_email(job["template"], job["language"], job["data"])
            with sending():
                send_email(job["to"], rendered)
        elif channel == "email":
            link = unsubscribe_link(job["account_id"], job["student_id"], job["kind"])
            rendered = render_email(f"alert_{job['kind']}", job["language"], {**job["data"], "unsubscribe": link})
            with sending():
                send_email(job["to"], rendered, list_unsubscribe(link))
        elif not _texts_to(job["account_id"], job["to"]):
            status, reason = "skipped", "phone_unverified"  # changed or unconfirmed since it was planned
        elif opted_out(job["to"]):
            status = "skipped"
        else:
            send_sms(job["to"], render_sms(job["kind"], job["language"], job["data"]))
    except PermanentSendError as exc:
        status, error = "failed", exc.code
    except Exception as exc:
        marks.release(key)
        store.record_attempt(key, job["account_id"], job["kind"], channel, "retrying", type(exc).__name__)
        raise
    if error is not None:
        _dead_letter(key, job, error)
    marks.mark_sent(key)
    store.record_attempt(key, job["account_id"], job["kind"], channel, status, error or reason)


def _texts_to(account_id: str, phone: str) -> bool:
    """Whether the account's number is still this one, confirmed: an SMS held for the morning (or
    queued a moment ago) never goes to a number its owner replaced or has not confirmed."""
    account = account_store.get_account(account_id)
    return sms_allowed(account) and account is not None and account.phone == phone


def _dead_letter(key: str, job: dict[str, Any], error: str) -> None:
    """Retrying a rejected send cannot help, so the job goes straight to the dead-letter queue (an
    alarm watches it); if even that fails, the claim is let go and the whole job retried."""
    try:
        store.dead_letter(job, error)
    except Exception:
        marks.release(key)
        raise


def deliver_digest(job: dict[str, Any]) -> None:
    """One email with everything a person chose to read in the evening."""
    from chalicelib.mail.render import render_email
    from chalicelib.mail.send import send_email

    if not marks.claim(job["key"], "email"):
        return
    entries = [{**e["data"], "kind": e["kind"],
                "unsubscribe": unsubscribe_link(e["account_id"], e["student_id"], e["kind"])}
               for e in job["entries"]]
    # One click can switch off one kind about one child: a digest of just that carries the headers.
    only = {(e["student_id"], e["kind"]) for e in job["entries"]}
    headers = list_unsubscribe(entries[0]["unsubscribe"]) if len(only) == 1 else None
    try:
        with sending():
            send_email(job["to"], render_email("alert_digest", job["language"], {"entries": entries}), headers)
    except PermanentSendError as exc:
        _dead_letter(job["key"], job, exc.code)
        marks.mark_sent(job["key"])
        store.record_attempt(job["key"], job["account_id"], "digest", "email", "failed", exc.code)
        return
    except Exception:
        marks.release(job["key"])
        raise
    marks.mark_sent(job["key"])
    for entry in job["entries"]:  # each alert in it was delivered, once, by this email
        marks.claim(entry["key"], "email")
        marks.mark_sent(entry["key"])
        store.record_attempt(entry["key"], entry["account_id"], entry["kind"], "email", "sent", None)


def suppress(addresses: Iterable[str]) -> int:
    """SES reported these addresses as bouncing or complaining: no more email to them."""
    count = 0
    for address in addresses:
        account_id = account_store.find_account_id(address.strip().lower())
        if account_id:
            store.suppress_email(account_id)
            count += 1
    return count


# --- school news ------------------------------------------------------------------------------


def publish_news(school_id: str, author_id: str, title: str, body: str, class_ids: list[str]) -> dict[str, Any]:
    """Store news for the school or some classes; the fan-out starts from the stream."""
    for class_id in class_ids:
        if school_store.get_class(school_id, class_id) is None:
            raise NotFoundError(field="class_ids", code="class_not_found")
    news = News(news_id=new_id(), school_id=school_id, title=title, body=body, class_ids=set(class_ids) or None,
                created_by=author_id, state="queued")
    store.create_news(news)
    return news_view(news)


def news_view(news: News) -> dict[str, Any]:
    """News with how its delivery is going."""
    return {"news_id": news.news_id, "school_id": news.school_id, "title": news.title, "body": news.body,
            "class_ids": sorted(news.class_ids or ()), "created_at": news.created_at, "state": news.state,
            "recipients": int(news.recipients or 0), "batches_total": int(news.batches_total or 0),
            "batches_done": int(news.batches_done or 0), "emails_sent": int(news.emails_sent or 0),
            "sms_sent": int(news.sms_sent or 0), "failed": int(news.failed or 0)}


def get_news(school_id: str, news_id: str) -> dict[str, Any]:
    """One news item and its delivery counts."""
    news = store.get_news(school_id, news_id)
    if news is None:
        raise NotFoundError(code="news_not_found")
    return news_view(news)


def plan_news(event: AlertEvent, now: datetime) -> None:
    """Everyone who wants the school's news, once per person, in batches of 50 per language; SMS to
    someone inside their quiet hours wait for the morning like every other SMS."""
    from chalicelib.mail.sms import opted_out_numbers

    news_id, timezone = event.data["news_id"], _school(event.school_id)[1]
    emails: dict[str, dict[str, Any]] = {}
    phones: dict[str, tuple[str, str | None, str]] = {}  # phone → (language, slot held for or None, account)
    for account, student_id, role, scope, prefs in recipients(event):
        channel = effective(prefs, role, scope).channel("news")
        if channel in ("email", "both") and not account.email_suppressed:
            emails.setdefault(account.account_id, {"to": account.email, "language": account.language or "ru",
                                                   "unsubscribe": unsubscribe_link(account.account_id, student_id,
                                                                                   "news")})
        if channel in ("sms", "both") and account.phone and sms_allowed(account):
            due = sms_due(now, timezone, prefs.quiet_hours)
            phones.setdefault(account.phone, (account.language or "ru", slot_of(due) if due else None,
                                              account.account_id))
    blocked = opted_out_numbers() if phones else set()
    jobs: list[dict[str, Any]] = []
    for language in ("ru", "en"):
        batch = [e for e in emails.values() if e["language"] == language]
        for n, start in enumerate(range(0, len(batch), NEWS_BATCH)):
            jobs.append({"type": "news_email", "school_id": event.school_id, "news_id": news_id,
                         "key": f"news:{news_id}:email:{language}:{n}", "language": language,
                         "destinations": batch[start:start + NEWS_BATCH]})
    held: list[tuple[str, dict[str, Any]]] = []
    by_slot: dict[str | None, list[tuple[str, str, str]]] = {}
    for phone, (language, slot, account_id) in sorted(phones.items()):
        if phone not in blocked:
            by_slot.setdefault(slot, []).append((phone, language, account_id))
    for slot, numbers in by_slot.items():
        for n, start in enumerate(range(0, len(numbers), NEWS_BATCH)):
            job = {"type": "news_sms", "channel": "sms", "school_id": event.school_id, "news_id": news_id,
                   "key": f"news:{news_id}:sms:{slot + ':' if slot else ''}{n}",
                   "phones": numbers[start:start + NEWS_BATCH]}
            if slot:
                held.append((slot, job))
            else:
                jobs.append(job)
    recipients_count = len(emails) + sum(len(numbers) for numbers in by_slot.values())
    # Held batches count as batches: the news stays "sending" until the morning's SMS have left.
    store.news_planned(event.school_id, news_id, recipients_count, len(jobs) + len(held))
    for slot, job in held:
        store.hold(slot, f"news:{news_id}", job["key"], job)
    store.enqueue(jobs)


def _news_content(school_id: str, news_id: str) -> News:
    news = store.get_news(school_id, news_id)
    if news is None:
        raise ValueError(f"news {news_id} vanished")
    return news


def send_news_emails(job: dict[str, Any]) -> None:
    """One bulk SES call for a batch of up to 50 families."""
    from chalicelib.mail.bulk import send_bulk

    if not marks.claim(job["key"], "email"):
        return
    news = _news_content(job["school_id"], job["news_id"])
    school = _school(job["school_id"])[0]
    destinations = [(d["to"], {"title": news.title, "body": news.body, "school": school,
                               "unsubscribe": d["unsubscribe"]}) for d in job["destinations"]]
    try:
        statuses = send_bulk("news", job["language"], destinations)
    except PermanentSendError as exc:
        _dead_letter(job["key"], job, exc.code)
        statuses = ["Failed"] * len(destinations)
    except Exception:
        marks.release(job["key"])
        raise
    marks.mark_sent(job["key"])
    sent = sum(1 for s in statuses if s == "Success")
    store.news_batch_done(job["school_id"], job["news_id"], sent, 0, len(destinations) - sent)


def send_news_sms(job: dict[str, Any]) -> None:
    """One SMS per opted-in phone; each phone is claimed alone, so a retried batch skips the sent."""
    from chalicelib.mail.sms import render_sms, send_sms

    if not marks.claim(job["key"], "sms-batch"):
        return
    news = _news_content(job["school_id"], job["news_id"])
    school = _school(job["school_id"])[0]
    # Read again at sending time (one BatchGetItem): a number replaced or unconfirmed since the
    # plan, e.g. while held for the morning, gets nothing; an entry without its account (planned
    # before numbers were confirmed) cannot be checked, so it is not sent either.
    owners = store.accounts(entry[2] for entry in job["phones"] if len(entry) > 2)
    sent = failed = 0
    try:
        for phone, language, *owner in job["phones"]:
            account = owners.get(owner[0]) if owner else None
            if not (sms_allowed(account) and account is not None and account.phone == phone):
                continue
            key = f"news:{job['news_id']}:sms:{phone}"
            if not marks.claim(key, "sms"):
                sent += 1  # sent by an earlier attempt of this batch, whose lease lapsed
                continue
            try:
                send_sms(phone, render_sms("news", language, {"title": news.title, "school": school}))
                sent += 1
            except PermanentSendError as exc:
                failed += 1  # that one phone, parked with why; the batch goes on
                _dead_letter(key, {"type": "news_sms", "key": key, "school_id": job["school_id"],
                                   "news_id": job["news_id"], "phone": phone, "language": language}, exc.code)
            except Exception:
                marks.release(key)
                raise
            marks.mark_sent(key)
    except Exception:
        marks.release(job["key"])
        raise
    marks.mark_sent(job["key"])
    store.news_batch_done(job["school_id"], job["news_id"], 0, sent, failed)


__all__ = ["KINDS", "change_preferences", "handle", "preferences_of", "produce", "release_due", "unsubscribe",
           "unsubscribe_preview"]
