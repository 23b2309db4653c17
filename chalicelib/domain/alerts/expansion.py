"""Expansion: one event → the families it concerns → one delivery job per person and channel,
queued now or held (an SMS inside quiet hours, an alert chosen for the evening digest)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.dal import alerts as store
from chalicelib.domain import children
from chalicelib.domain.alert_rules import (
    AlertEvent,
    Preferences,
    digest_due,
    effective,
    plan,
    slot_of,
    slots_until,
    sms_due,
    told_to,
)
from chalicelib.domain.alerts.jobs import DeliverJob, DigestJob, MalformedJobError, read
from chalicelib.domain.alerts.names import child, details, school
from chalicelib.domain.alerts.preferences import of_stored
from chalicelib.records.alerts import FamilyLink, Person

Recipient = tuple[Person, str, str, frozenset[str], Preferences]  # person, student, role, scope, prefs


def _families(student_ids: Iterable[str], changed_at: str | None = None) -> list[tuple[str, FamilyLink, Preferences]]:
    out = []
    for student_id in dict.fromkeys(student_ids):
        links, prefs = store.family(student_id)
        guardians = {link.account_id for link in links if link.role == "parent"}
        for link in links:
            # A viewer hears only while the parent who invited them is still linked.
            if link.role == "viewer" and link.invited_by not in guardians:
                continue
            if not told_to(link.created_at, changed_at):
                continue  # the change is older than this link: news to nobody who joined since
            out.append((student_id, link, of_stored(prefs.get(link.account_id))))
    return out


def recipients(event: AlertEvent) -> list[Recipient]:
    """Everyone who may hear about this event, with the preferences that apply to them."""
    if event.account_ids:
        family = _families([event.student_id] if event.student_id else [])
        links = {link.account_id: (link, p) for _, link, p in family}
        found = store.accounts(event.account_ids)
        out: list[Recipient] = []
        for account_id, person in found.items():
            link, prefs = links.get(account_id, (None, Preferences(quiet_hours=None)))
            if link is not None and not told_to(link.created_at, event.changed_at):
                continue
            role = "parent" if link is None else link.role
            out.append((person, event.student_id or "", role, link.scope if link else frozenset(), prefs))
        return out
    if event.student_id:
        students = [event.student_id]
    else:
        classes = event.class_ids or tuple(store.class_ids_of_school(event.school_id))
        students = store.students_of_classes(event.school_id, classes)
    family = _families(students, event.changed_at)
    found = store.accounts(link.account_id for _, link, _ in family)
    return [(found[link.account_id], student_id, link.role, link.scope, prefs)
            for student_id, link, prefs in family if link.account_id in found]


def alert_key(identity: str, account_id: str, channel: str) -> str:
    """The idempotency key of one alert: the same change, person and channel is sent once."""
    return "alert:" + hashlib.sha256(f"{identity}|{account_id}|{channel}".encode()).hexdigest()[:40]


def expand(event: AlertEvent, now: datetime) -> int:
    """Queue (or hold) one job per person and channel; returns how many were queued or held."""
    people = recipients(event)
    if not people:
        return 0
    shown, timezone = details(event), school(event.school_id)[1]
    children_names: dict[str, dict[str, str]] = {}
    jobs = []
    for person, student_id, role, scope, prefs in people:
        for _, channel in plan([event], effective(prefs, role, scope)):
            if channel == "email" and person.email_suppressed:
                continue
            if channel == "sms" and not person.may_text:
                continue  # no number, or one its owner never confirmed: it may be anyone's
            if student_id not in children_names:
                children_names[student_id] = child(event.school_id, student_id)
            job = DeliverJob(key=alert_key(event.identity, person.account_id, channel), kind=event.kind,
                             channel=channel, account_id=person.account_id, student_id=student_id,
                             language=person.language or "ru",
                             to=person.email if channel == "email" else (person.phone or ""),
                             data={**shown, **children_names[student_id]})
            due = sms_due(now, timezone, prefs.quiet_hours) if channel == "sms" else \
                (digest_due(now, timezone) if prefs.digest and role == "parent" else None)
            if due is not None:
                store.hold(slot_of(due), person.account_id, job.key, job.wire())
                store.record_attempt(job.key, person.account_id, event.kind, channel, "held", None,
                                     attempt=False)
            else:
                jobs.append(job.wire())
    store.enqueue(jobs)
    return len(jobs)


def release_due(now: datetime | None = None) -> int:
    """Queue the held alerts whose time has come: SMS after quiet hours, and each person's digest."""
    now = now or clock.now()
    released = 0
    for slot in slots_until(now, store.release_cursor()):
        held = store.held_in(slot)
        jobs: list[dict[str, Any]] = []
        digests: dict[str, list[DeliverJob]] = {}
        for entry in held:
            if entry.job.get("channel") == "email" and entry.job.get("type") == DeliverJob.TYPE:
                try:
                    job = read(entry.job)
                except MalformedJobError:
                    jobs.append(entry.job)  # the dispatcher parks it, with why
                    continue
                if isinstance(job, DeliverJob):
                    digests.setdefault(job.account_id, []).append(job)
            else:
                jobs.append(entry.job)  # SMS held for the morning, and news batches, leave as they were held
        for account_id, entries in digests.items():
            keys = ",".join(sorted(e.key for e in entries))
            jobs.append(DigestJob(key="digest:" + hashlib.sha256(keys.encode()).hexdigest()[:40],
                                  account_id=account_id, to=entries[0].to, language=entries[0].language,
                                  entries=tuple(entries)).wire())
        store.enqueue(jobs)
        store.release_held(held)
        store.set_release_cursor(slot)
        released += len(jobs)
    return released


def send_transactional(event: AlertEvent) -> int:
    """Queue the email of an application result or an invitation, whatever anyone's preferences
    (it carries the code); returns 1 when queued."""
    from chalicelib.domain import applications  # applications reads alerts' rules: imported on use

    if event.kind == "invitation":
        message = children.invitation_email(event.student_id or "", event.data["invitation_id"])
    else:
        person = store.person(event.account_ids[0])
        template, data = applications.result_email(
            event.data["application_id"], event.data["state"], event.data["reason"], event.data["child_name"],
            person.name if person else "", school(event.school_id)[0], int(event.data.get("generation") or 0))
        message = None if person is None else {
            "account_id": person.account_id, "to": person.email, "language": person.language or "ru",
            "suppressed": person.email_suppressed, "template": template, "data": data}
    if not message:
        return 0  # the account is gone, or the invitation was revoked before its email left
    key = alert_key(event.identity, message["account_id"] or message["to"], "email")
    if message["suppressed"]:
        store.record_attempt(key, message["account_id"], event.kind, "email", "skipped", "email_suppressed",
                             attempt=False)
        return 0
    store.enqueue([DeliverJob(key=key, kind=event.kind, channel="email", account_id=message["account_id"],
                              student_id=event.student_id or "", language=message["language"], to=message["to"],
                              template=message["template"], data=message["data"]).wire()])
    return 1
