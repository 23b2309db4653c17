"""Staff pages beyond writing the journal: the teacher's journal grid, school events (administrators)
and parent meetings (a class's teacher or an administrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import SCHOOL_ADMIN, SCHOOL_STAFF
from chalicelib.api.routing import Answer, Request, endpoint
from chalicelib.domain import gradebook, school_life

if TYPE_CHECKING:
    from chalicelib.api.diary_schemas import ClassJournalOut, EventList, EventOut, MeetingList, MeetingOut

bp = Blueprint(__name__)

CLASS = "/schools/{school_id}/classes/{class_id}"


@endpoint(bp, "GET", CLASS + "/journal", allow=SCHOOL_STAFF, query="JournalQuery",
          errors=(401, 403, 404, 422), summary="Students × lessons of a subject and term, averages, who is at risk")
def class_journal(req: Request) -> Answer[ClassJournalOut]:
    p = req.path
    return gradebook.class_journal(req.actor, p["school_id"], p["class_id"], req.query.subject_id, req.query.term_id)


@endpoint(bp, "POST", "/schools/{school_id}/events", allow=SCHOOL_ADMIN, body="EventCreate",
          status=201, errors=(401, 403, 404, 422), summary="Publish a school event (whole school or chosen classes)")
def create_event(req: Request) -> Answer[EventOut]:
    return school_life.create_event(req.actor, req.path["school_id"], req.body.model_dump())


@endpoint(bp, "GET", "/schools/{school_id}/events", allow=SCHOOL_STAFF, query="DateRangeQuery",
          errors=(400, 401, 403, 422), summary="The school's events by date")
def list_events(req: Request) -> Answer[EventList]:
    return {"items": school_life.school_events(req.path["school_id"], req.query.first, req.query.last)}


@endpoint(bp, "POST", CLASS + "/meetings", allow=SCHOOL_STAFF, body="MeetingCreate",
          status=201, errors=(401, 403, 404, 422), summary="Call a parent meeting of the class")
def create_meeting(req: Request) -> Answer[MeetingOut]:
    p = req.path
    return school_life.create_meeting(req.actor, p["school_id"], p["class_id"], req.body.model_dump())


@endpoint(bp, "GET", CLASS + "/meetings", allow=SCHOOL_STAFF, query="DateRangeQuery",
          errors=(400, 401, 403, 404, 422), summary="The class's parent meetings by date")
def list_meetings(req: Request) -> Answer[MeetingList]:
    p = req.path
    return {"items": school_life.class_meetings(p["school_id"], p["class_id"], req.query.first, req.query.last)}
