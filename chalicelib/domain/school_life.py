"""School events (administrators, for the whole school or chosen classes) and parent meetings
(a class's teacher or an administrator), and how a family sees them for its child.

Both items carry school_id, the class ids and `change`, so the alerts can read whom to tell
straight off the stream image.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.dal import school_life as store
from chalicelib.dal import schools as school_store
from chalicelib.domain.diary import Context
from chalicelib.domain.ids import new_id
from chalicelib.domain.tokens import Caller
from chalicelib.errors import DiaryError, ForbiddenError, NotFoundError
from chalicelib.records.journal import ParentMeeting, SchoolEvent

DEFAULT_DAYS_BACK, DEFAULT_DAYS_AHEAD = 7, 90
MAX_RANGE_DAYS = 366


def _range(first: dt.date | None, last: dt.date | None, today: dt.date) -> tuple[str, str]:
    first = first or today - dt.timedelta(days=DEFAULT_DAYS_BACK)
    last = last or today + dt.timedelta(days=DEFAULT_DAYS_AHEAD)
    if last < first or (last - first).days > MAX_RANGE_DAYS:
        raise DiaryError(field="to", code="range_too_long")
    return first.isoformat(), last.isoformat()


def event_view(item: SchoolEvent) -> dict[str, Any]:
    """An event as everyone sees it."""
    return {"event_id": item.event_id, "title": item.title, "description": item.description, "date": item.date,
            "starts_at": item.starts_at, "ends_at": item.ends_at, "place": item.place,
            "class_ids": sorted(item.class_ids or ()), "whole_school": not item.class_ids}


def meeting_view(item: ParentMeeting) -> dict[str, Any]:
    """A parent meeting as everyone sees it."""
    return {"meeting_id": item.meeting_id, "class_id": item.class_id, "date": item.date,
            "starts_at": item.starts_at, "place": item.place, "agenda": item.agenda}


def new_event(school_id: str, event_id: str, class_ids: list[str], data: dict[str, Any],
               created_by: str) -> SchoolEvent:
    """An event (not yet stored), the same whether posted or uploaded; `date` is ISO text."""
    date = str(data["date"])
    return SchoolEvent(event_id=event_id, school_id=school_id, class_ids=set(class_ids) or None, title=data["title"],
                       description=data.get("description"), date=date, starts_at=data.get("starts_at"),
                       ends_at=data.get("ends_at"), place=data.get("place"), created_by=created_by)


def new_meeting(school_id: str, class_id: str, meeting_id: str, data: dict[str, Any],
                 created_by: str) -> ParentMeeting:
    """A parent meeting (not yet stored), the same whether posted or uploaded."""
    date = str(data["date"])
    return ParentMeeting(meeting_id=meeting_id, school_id=school_id, class_id=class_id, date=date,
                         starts_at=data["starts_at"], place=data["place"], agenda=data["agenda"], created_by=created_by)


def create_event(caller: Caller, school_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """An administrator publishes an event for the whole school or for chosen classes."""
    class_ids = sorted(set(data.get("class_ids") or ()))
    for class_id in class_ids:
        if not school_store.has_class(school_id, class_id):
            raise NotFoundError(field="class_ids", code="class_not_found")
    item = new_event(school_id, new_id(), class_ids, {**data, "date": data["date"].isoformat()}, caller.account_id)
    store.add_event(item)
    return event_view(item)


def school_events(school_id: str, first: dt.date | None, last: dt.date | None) -> list[dict[str, Any]]:
    """The school's events between two dates (staff)."""
    a, b = _range(first, last, dt.date.today())
    return [event_view(e) for e in store.events_between(school_id, a, b)]


def create_meeting(caller: Caller, school_id: str, class_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A teacher of the class (any subject) or an administrator calls a parent meeting."""
    if not caller.is_admin_of(school_id) and not school_store.teaches_class(school_id, caller.account_id, class_id):
        raise ForbiddenError(code="not_your_class")
    if not school_store.has_class(school_id, class_id):
        raise NotFoundError(code="class_not_found")
    item = new_meeting(school_id, class_id, new_id(), {**data, "date": data["date"].isoformat()},
                        caller.account_id)
    store.add_meeting(item)
    return meeting_view(item)


def class_meetings(school_id: str, class_id: str, first: dt.date | None, last: dt.date | None) -> list[dict[str, Any]]:
    """A class's parent meetings between two dates (staff)."""
    if not school_store.has_class(school_id, class_id):
        raise NotFoundError(code="class_not_found")
    a, b = _range(first, last, dt.date.today())
    return [meeting_view(m) for m in store.meetings_between(class_id, a, b)]


def child_events(caller: Caller, student_id: str, first: dt.date | None, last: dt.date | None) -> dict[str, Any]:
    """Events of the child's school meant for everyone or for the child's class."""
    ctx, _ = Context.open(caller, student_id, "events")
    a, b = _range(first, last, ctx.today)
    found = [e for e in store.events_between(ctx.access.school_id, a, b)
             if not e.class_ids or ctx.class_id in e.class_ids]
    return {"items": [event_view(e) for e in found]}


def child_meetings(caller: Caller, student_id: str, first: dt.date | None, last: dt.date | None) -> dict[str, Any]:
    """Parent meetings of the child's class."""
    ctx, _ = Context.open(caller, student_id, "meetings")
    a, b = _range(first, last, ctx.today)
    return {"items": [meeting_view(m) for m in store.meetings_between(ctx.class_id, a, b)]}
