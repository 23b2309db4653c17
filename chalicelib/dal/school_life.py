"""Stored attestation results, school events and parent meetings, records in and out.

Key design (see keys.py and models.py):
- a student's results:        Query  PK=STUDENT#<student>, SK begins_with ATTESTATION#
- a school's events by date:  Query  PK=SCHOOL#<school>, SK between EVENT#<first> and EVENT#<last>~
- a class's meetings by date: Query  PK=CLASS#<class>, SK between MEETING#<first> and MEETING#<last>~
"""

from __future__ import annotations

from chalicelib.dal import diary, keys
from chalicelib.dal.models import AttestationResult, DiaryItem, ParentMeeting, SchoolEvent
from chalicelib.dal.store import now_iso, storing
from chalicelib.records import journal, school


def result_item(result: school.AttestationResult) -> AttestationResult:
    """A result as stored, in the student's partition."""
    return AttestationResult(*keys.attestation_result(result.student_id, result.period, result.subject_id),
                             school_id=result.school_id, class_id=result.class_id, student_id=result.student_id,
                             subject_id=result.subject_id, period=result.period, result=result.result,
                             changed_by=result.changed_by, source=result.source, created_at=result.created_at)


def _result_record(item: AttestationResult) -> school.AttestationResult:
    return school.AttestationResult(item.school_id, item.class_id, item.student_id, item.subject_id, item.period,
                                    item.result, item.changed_by, item.source, item.created_at)


def save_result(result: school.AttestationResult) -> None:
    """Set (or overwrite) a result: the latest word on a period and subject is the result."""
    result.created_at = now_iso()
    with storing():
        result_item(result).save()


def results_of(student_id: str) -> list[school.AttestationResult]:
    """Every term and final result of a student (a few dozen a year)."""
    with storing():
        found = DiaryItem.query(keys.student_partition(student_id), DiaryItem.sk.startswith(keys.ATTESTATIONS))
        return [_result_record(i) for i in found if isinstance(i, AttestationResult)]


def event_item(event: journal.SchoolEvent) -> SchoolEvent:
    """An event as stored, under its school by date."""
    return SchoolEvent(*keys.school_event(event.school_id, event.date, event.event_id), event_id=event.event_id,
                       school_id=event.school_id, class_ids=event.class_ids or None, title=event.title,
                       description=event.description, date=event.date, starts_at=event.starts_at,
                       ends_at=event.ends_at, place=event.place, created_by=event.created_by)


def meeting_item(meeting: journal.ParentMeeting) -> ParentMeeting:
    """A meeting as stored, under its class by date and hour (`class_ids`: the shape alerts read of an event)."""
    return ParentMeeting(*keys.parent_meeting(meeting.class_id, meeting.date, meeting.starts_at, meeting.meeting_id),
                         meeting_id=meeting.meeting_id, school_id=meeting.school_id, class_id=meeting.class_id,
                         class_ids={meeting.class_id}, date=meeting.date, starts_at=meeting.starts_at,
                         place=meeting.place, agenda=meeting.agenda, created_by=meeting.created_by)


def event_record(item: SchoolEvent) -> journal.SchoolEvent:
    """A stored event as the domain sees it."""
    return journal.SchoolEvent(item.event_id, item.school_id, set(item.class_ids) if item.class_ids else None,
                               item.title, item.description, item.date, item.starts_at, item.ends_at, item.place,
                               item.created_by)


def meeting_record(item: ParentMeeting) -> journal.ParentMeeting:
    """A stored meeting as the domain sees it."""
    return journal.ParentMeeting(item.meeting_id, item.school_id, item.class_id, item.date, item.starts_at,
                                 item.place, item.agenda, item.created_by)


def add_event(event: journal.SchoolEvent) -> None:
    """A new school event."""
    diary.save_event(event_item(event))


def add_meeting(meeting: journal.ParentMeeting) -> None:
    """A new parent meeting."""
    diary.save_meeting(meeting_item(meeting))


def events_between(school_id: str, first: str, last: str) -> list[journal.SchoolEvent]:
    """A school's events between two dates (inclusive)."""
    return [event_record(e) for e in diary.events_between(school_id, first, last)]


def meetings_between(class_id: str, first: str, last: str) -> list[journal.ParentMeeting]:
    """A class's parent meetings between two dates (inclusive)."""
    return [meeting_record(m) for m in diary.meetings_between(class_id, first, last)]
