"""A child's iCalendar feed — homework due dates, school events, parent meetings — at a secret
URL a calendar app polls without logging in. The token is stored only as a keyed hash; issuing a
new one deletes the old. The feed is built with the link and scope as they are at each fetch:
a revoked viewer's URL stops working, and a part outside the scope is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib import clock
from chalicelib.dal import children as child_store
from chalicelib.dal import diary as store
from chalicelib.domain import secrets
from chalicelib.domain.children import open_child
from chalicelib.domain.diary import Context
from chalicelib.errors import ForbiddenError, NotFoundError

TOKEN_PURPOSE = "calendar-feed"
FEED_PARTS = ("homework", "events", "meetings")
DAYS_BACK, DAYS_AHEAD = 30, 120


def issue_token(account_id: str, student_id: str) -> dict[str, Any]:
    """A new feed URL for this account and child; the previous one stops working."""
    access = open_child(account_id, student_id, "profile")
    if not any(p in access.scope for p in FEED_PARTS):
        raise ForbiddenError(code="part_out_of_scope")
    token = secrets.new_token()
    store.replace_calendar_token(account_id, student_id, secrets.digest(token, TOKEN_PURPOSE))
    child_store.record(student_id, account_id, "calendar_token_issued", actor_name=access.name,
                       actor_role=access.relation)
    return {"url": f"/calendar/{token}.ics", "token": token}


def feed(token: str) -> str:
    """The iCalendar document behind a feed URL (404 for an unknown or rotated token)."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    held = store.calendar_token(secrets.digest(token.removesuffix(".ics"), TOKEN_PURPOSE))
    if held is None:
        raise NotFoundError(code="calendar_not_found")
    visible, opened = [], None
    for part in FEED_PARTS:
        try:
            access = open_child(held.account_id, held.student_id, part)
        except ForbiddenError as error:
            if error.code != "part_out_of_scope":
                raise NotFoundError(code="calendar_not_found") from error
            continue
        visible.append(part)
        opened = access
    if opened is None:
        raise NotFoundError(code="calendar_not_found")
    ctx = Context(opened)
    zone = ZoneInfo(ctx.timezone)
    first = (ctx.today - dt.timedelta(days=DAYS_BACK)).isoformat()
    last = (ctx.today + dt.timedelta(days=DAYS_AHEAD)).isoformat()
    cal = Calendar()
    cal.add("prodid", "-//ediary//calendar feed//RU")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", ctx.timezone)
    stamp = clock.now()

    def add(uid: str, summary: str, start: dt.date | dt.datetime, description: str | None = None,
            location: str | None = None) -> None:
        event = Event()
        event.add("uid", f"{uid}@ediary")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", start)
        if description:
            event.add("description", description)
        if location:
            event.add("location", location)
        cal.add_component(event)

    if "homework" in visible:
        items = store.homework_between(ctx.access.school_id, ctx.class_id, first, last)
        ctx.learn({h.subject_id or "" for h in items}, set())
        for h in items:
            add(f"homework-{h.lesson_id}", f"ДЗ: {ctx.subject(h.subject_id)}", dt.date.fromisoformat(h.due_date),
                h.text)
    if "events" in visible:
        for e in store.events_between(ctx.access.school_id, first, last):
            if e.class_ids and ctx.class_id not in e.class_ids:
                continue
            day = dt.date.fromisoformat(e.date)
            start: dt.date | dt.datetime = (dt.datetime.combine(day, dt.time.fromisoformat(e.starts_at), zone)
                                            if e.starts_at else day)
            add(f"event-{e.event_id}", e.title, start, e.description, e.place)
    if "meetings" in visible:
        for m in store.meetings_between(ctx.class_id, first, last):
            start = dt.datetime.combine(dt.date.fromisoformat(m.date), dt.time.fromisoformat(m.starts_at), zone)
            add(f"meeting-{m.meeting_id}", "Родительское собрание", start, m.agenda, m.place)
    cal.add_missing_timezones()  # the VTIMEZONE of the school's zone, for clients that need it
    return bytes(cal.to_ical()).decode("utf-8")
