"""The child's diary as families read it (parents, and viewers within their scope), and the
calendar feed. Each handler names the part it opens; domain.children.open_child checks the link
and the scope in the database and writes the audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.api.access import ACCOUNT, PUBLIC
from chalicelib.api.routing import Answer, Request, endpoint
from chalicelib.domain import calendar_feed, diary, school_life

if TYPE_CHECKING:
    from chalicelib.api.diary_schemas import (
        CalendarTokenOut,
        EventList,
        HomeworkDueOut,
        MeetingList,
        StatisticsOut,
        TermAttendanceOut,
        TermGradesOut,
        WeekOut,
    )
    from chalicelib.api.schemas import AttestationList

bp = Blueprint(__name__)

CHILD = (401, 403, 404, 422)
CHILD_PATH = "/children/{student_id}"


@endpoint(bp, "GET", CHILD_PATH + "/week", allow=ACCOUNT, query="WeekQuery", errors=CHILD,
          summary="The child's week: lessons, topics, homework, grades, attendance (part: schedule)")
def child_week(req: Request) -> Answer[WeekOut]:
    return diary.week(req.actor, req.path["student_id"], req.query.date)


@endpoint(bp, "GET", CHILD_PATH + "/grades", allow=ACCOUNT, query="TermQuery",
          errors=CHILD, summary="The child's grades of a term by subject (part: grades)")
def child_grades(req: Request) -> Answer[TermGradesOut]:
    return diary.grades(req.actor, req.path["student_id"], req.query.term_id)


@endpoint(bp, "GET", CHILD_PATH + "/attendance", allow=ACCOUNT, query="TermQuery",
          errors=CHILD, summary="The child's absences and late arrivals of a term, with totals (part: attendance)")
def child_attendance(req: Request) -> Answer[TermAttendanceOut]:
    return diary.attendance(req.actor, req.path["student_id"], req.query.term_id)


@endpoint(bp, "GET", CHILD_PATH + "/homework", allow=ACCOUNT, query="HomeworkQuery",
          errors=CHILD, summary="The child's homework by due date, upcoming or past (part: homework)")
def child_homework(req: Request) -> Answer[HomeworkDueOut]:
    return diary.homework(req.actor, req.path["student_id"], req.query.when, req.query.limit)


@endpoint(bp, "GET", CHILD_PATH + "/statistics", allow=ACCOUNT, query="TermQuery",
          errors=CHILD, summary="Averages, dynamics, attendance rate and standing in the class (part: statistics)")
def child_statistics(req: Request) -> Answer[StatisticsOut]:
    return diary.statistics(req.actor, req.path["student_id"], req.query.term_id, req.lang)


@endpoint(bp, "GET", CHILD_PATH + "/events", allow=ACCOUNT, query="DateRangeQuery",
          errors=(400, *CHILD), summary="School events for the child's school or class (part: events)")
def child_events(req: Request) -> Answer[EventList]:
    return school_life.child_events(req.actor, req.path["student_id"], req.query.first, req.query.last)


@endpoint(bp, "GET", CHILD_PATH + "/meetings", allow=ACCOUNT, query="DateRangeQuery",
          errors=(400, *CHILD), summary="Parent meetings of the child's class (part: meetings)")
def child_meetings(req: Request) -> Answer[MeetingList]:
    return school_life.child_meetings(req.actor, req.path["student_id"], req.query.first, req.query.last)


@endpoint(bp, "POST", CHILD_PATH + "/calendar-token", allow=ACCOUNT, status=201,
          errors=(401, 403, 404), summary="A new secret calendar URL for the child; the previous one stops working")
def calendar_token(req: Request) -> Answer[CalendarTokenOut]:
    return calendar_feed.issue_token(req.account_id, req.path["student_id"])


@endpoint(bp, "GET", "/calendar/{token}", allow=PUBLIC, errors=(404,), media_type="text/calendar",
          summary="The child's iCalendar feed (homework due, events, meetings) at its secret URL …/{token}.ics")
def calendar(req: Request) -> Any:
    return Response(body=calendar_feed.feed(req.path["token"]), status_code=200,
                    headers={"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300"})


@endpoint(bp, "GET", CHILD_PATH + "/attestation", allow=ACCOUNT, errors=CHILD,
          summary="The child's term and final attestation results (part: grades)")
def child_attestation(req: Request) -> Answer[AttestationList]:
    from chalicelib.domain import attestation

    return attestation.of_child(req.actor, req.path["student_id"])
