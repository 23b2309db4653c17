"""Endpoints of a teacher: the journal of the classes and subjects they teach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import SCHOOL_STAFF
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import journal

if TYPE_CHECKING:
    from chalicelib.api.diary_schemas import MyClassesOut
    from chalicelib.api.schemas import (
        AttendanceOut,
        AttestationOut,
        CorrectionList,
        GradeOut,
        HomeworkOut,
        LessonGradesOut,
        LessonList,
        LessonOut,
    )

bp = Blueprint(__name__)

LESSON = "/schools/{school_id}/classes/{class_id}/lessons/{lesson_id}"
GRADE = "/schools/{school_id}/students/{student_id}/grades/{grade_id}"
WRITE = (400, 401, 403, 404, 409, 422)


@endpoint(bp, "GET", "/schools/{school_id}/classes/{class_id}/lessons", allow=SCHOOL_STAFF, query="RangeQuery",
          errors=(400, 404, 422), summary="A class's lessons, topics and homework by date")
def class_lessons(req: Request) -> Answer[LessonList]:
    p = req.path
    return {"items": journal.class_lessons(p["school_id"], p["class_id"], req.query.first, req.query.last)}


@endpoint(bp, "PUT", LESSON + "/topic", allow=SCHOOL_STAFF, body="TopicSet", errors=WRITE,
          summary="Set or correct the lesson's topic")
def set_topic(req: Request) -> Answer[LessonOut]:
    p = req.path
    return journal.set_topic(req.actor, p["school_id"], p["class_id"], p["lesson_id"], req.body.topic,
                             req.body.version)


@endpoint(bp, "PUT", LESSON + "/homework", allow=SCHOOL_STAFF, body="HomeworkSet",
          errors=WRITE, summary="Set or correct the homework given at the lesson")
def set_homework(req: Request) -> Answer[HomeworkOut]:
    p = req.path
    b = req.body
    return journal.set_homework(req.actor, p["school_id"], p["class_id"], p["lesson_id"], b.text, b.due_date,
                                b.version)


@endpoint(bp, "DELETE", LESSON + "/homework", allow=SCHOOL_STAFF, query="OptionalVersionQuery", status=204,
          errors=WRITE, summary="Take back the homework (the history keeps it)")
def remove_homework(req: Request) -> Reply:
    p = req.path
    journal.remove_homework(req.actor, p["school_id"], p["class_id"], p["lesson_id"], req.query.version)
    return Reply(None, 204)


@endpoint(bp, "POST", LESSON + "/grades", allow=SCHOOL_STAFF, body="GradeCreate",
          status=201, errors=WRITE, summary="Grade a student of the class at this lesson")
def post_grade(req: Request) -> Answer[GradeOut]:
    p = req.path
    return journal.post_grade(req.actor, p["school_id"], p["class_id"], p["lesson_id"], req.body.model_dump())


@endpoint(bp, "PUT", LESSON + "/grades", allow=SCHOOL_STAFF, body="LessonGradesSet", errors=WRITE,
          summary="A lesson's column at once: each item a grade or a mark of its own, done or refused on its own")
def grade_lesson(req: Request) -> Answer[LessonGradesOut]:
    from chalicelib import i18n

    p = req.path
    items = [item.model_dump(exclude_unset=True) for item in req.body.items]
    outcomes = journal.grade_lesson(req.actor, p["school_id"], p["class_id"], p["lesson_id"], items)
    for outcome in outcomes:
        refused = outcome.pop("error", None)
        if refused is not None:
            outcome["message"] = i18n.message(refused.code, req.lang, field=refused.field or "")
    return {"items": outcomes}


@endpoint(bp, "PATCH", GRADE, allow=SCHOOL_STAFF, body="GradeCorrection", errors=WRITE,
          summary="Correct a grade (value, weight, kind, remark); stale versions get 409")
def correct_grade(req: Request) -> Answer[GradeOut]:
    p = req.path
    changes = {k: getattr(req.body, k) for k in req.body.model_fields_set | {"version"}}
    return journal.correct_grade(req.actor, p["school_id"], p["student_id"], p["grade_id"], changes)


@endpoint(bp, "DELETE", GRADE, allow=SCHOOL_STAFF, query="VersionQuery", status=204, errors=WRITE,
          summary="Delete a grade posted by mistake (the history keeps it)")
def delete_grade(req: Request) -> Reply:
    p = req.path
    journal.delete_grade(req.actor, p["school_id"], p["student_id"], p["grade_id"], req.query.version)
    return Reply(None, 204)


@endpoint(bp, "GET", GRADE + "/history", allow=SCHOOL_STAFF, errors=(403, 404),
          summary="Who changed the grade, what and when")
def grade_history(req: Request) -> Answer[CorrectionList]:
    p = req.path
    return {"items": journal.grade_history(req.actor, p["school_id"], p["student_id"], p["grade_id"])}


@endpoint(bp, "PUT", LESSON + "/attendance/{student_id}", allow=SCHOOL_STAFF, body="AttendanceSet",
          errors=WRITE, summary="Mark a student absent or late at the lesson")
def mark_attendance(req: Request) -> Answer[AttendanceOut]:
    p = req.path
    return journal.mark_attendance(req.actor, p["school_id"], p["class_id"],
        p["lesson_id"], p["student_id"],
                                   req.body.model_dump())


@endpoint(bp, "DELETE", LESSON + "/attendance/{student_id}", allow=SCHOOL_STAFF, query="OptionalVersionQuery",
          status=204, errors=WRITE, summary="Clear an attendance mark")
def clear_attendance(req: Request) -> Reply:
    p = req.path
    journal.clear_attendance(req.actor, p["school_id"], p["class_id"],
        p["lesson_id"], p["student_id"],
                             req.query.version)
    return Reply(None, 204)


@endpoint(bp, "PUT", "/schools/{school_id}/students/{student_id}/attestation", allow=SCHOOL_STAFF,
          body="AttestationSet", errors=(403, 404, 422),
          summary="Set a term or final attestation result (the subject's teacher or an administrator)")
def set_attestation(req: Request) -> Answer[AttestationOut]:
    from chalicelib.domain import attestation

    p, b = req.path, req.body
    return attestation.record(req.actor, p["school_id"], p["student_id"], b.subject_id, b.period, b.result)


@endpoint(bp, "GET", "/schools/{school_id}/my-classes", allow=SCHOOL_STAFF, query="DayQuery",
          errors=(401, 403, 422),
          summary="The signed-in teacher's classes and subjects (by name) and their lessons of a day (today)")
def my_classes(req: Request) -> Answer[MyClassesOut]:
    from chalicelib.domain import my_classes as mine

    return mine.my_classes(req.actor, req.path["school_id"], req.query.date)
