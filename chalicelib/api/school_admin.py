"""Endpoints of a school administrator: classes, subjects, terms, teachers, students, applications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import SCHOOL_ADMIN, SCHOOL_STAFF
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import applications, schools

if TYPE_CHECKING:
    from chalicelib.api.schemas import (
        AccessCodeOut,
        ApplicationOut,
        ClassOut,
        ClassPage,
        CredentialIssued,
        CredentialPage,
        LessonMoved,
        LessonOut,
        PendingTeacherPage,
        SchoolApplicationOut,
        SchoolApplicationPage,
        StaffOut,
        StaffPage,
        StudentOut,
        StudentPage,
        SubjectOut,
        SubjectPage,
        TeachingOut,
        TeachingPage,
        TermOut,
        TermPage,
    )

bp = Blueprint(__name__)

CREATED = (401, 403, 404, 409, 422)
LISTED = (400, 401, 403, 422)


@endpoint(bp, "POST", "/schools/{school_id}/classes", allow=SCHOOL_ADMIN, body="ClassCreate",
          status=201, errors=CREATED, summary="Add a class")
def add_class(req: Request) -> Answer[ClassOut]:
    return schools.add_class(req.path["school_id"], req.body.name, req.body.grade_level)


@endpoint(bp, "GET", "/schools/{school_id}/classes", allow=SCHOOL_STAFF, query="PageQuery",
          errors=LISTED, summary="The school's classes")
def list_classes(req: Request) -> Answer[ClassPage]:
    return schools.list_classes(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "POST", "/schools/{school_id}/subjects", allow=SCHOOL_ADMIN, body="SubjectCreate",
          status=201, errors=CREATED, summary="Add a subject")
def add_subject(req: Request) -> Answer[SubjectOut]:
    return schools.add_subject(req.path["school_id"], req.body.name)


@endpoint(bp, "GET", "/schools/{school_id}/subjects", allow=SCHOOL_STAFF, query="PageQuery",
          errors=LISTED, summary="The school's subjects")
def list_subjects(req: Request) -> Answer[SubjectPage]:
    return schools.list_subjects(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "POST", "/schools/{school_id}/terms", allow=SCHOOL_ADMIN, body="TermCreate",
          status=201, errors=(400, *CREATED), summary="Add a term")
def add_term(req: Request) -> Answer[TermOut]:
    b = req.body
    return schools.add_term(req.path["school_id"], b.name, b.starts_on, b.ends_on)


@endpoint(bp, "GET", "/schools/{school_id}/terms", allow=SCHOOL_STAFF,
          errors=(401, 403), summary="The school's terms in calendar order")
def list_terms(req: Request) -> Answer[TermPage]:
    return schools.list_terms(req.path["school_id"])


@endpoint(bp, "POST", "/schools/{school_id}/teachers", allow=SCHOOL_ADMIN, body="StaffGrant",
          status=201, errors=CREATED,
          summary="Make a registered account a teacher of the school")
def add_teacher(req: Request) -> Answer[StaffOut]:
    return schools.grant_staff(req.path["school_id"], "teacher", req.body.email)


@endpoint(bp, "GET", "/schools/{school_id}/teachers", allow=SCHOOL_STAFF, query="PageQuery",
          errors=LISTED, summary="The school's teachers")
def list_teachers(req: Request) -> Answer[StaffPage]:
    return schools.list_staff(req.path["school_id"], "teacher", req.query.limit, req.cursor)


@endpoint(bp, "GET", "/schools/{school_id}/pending-teachers", allow=SCHOOL_ADMIN, query="PageQuery",
          errors=LISTED, summary="Teachings an upload named for teachers who have not signed in yet (invited)")
def list_pending_teachers(req: Request) -> Answer[PendingTeacherPage]:
    from chalicelib.domain import pending_teachers

    return pending_teachers.list_pending(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "POST", "/schools/{school_id}/teachings", allow=SCHOOL_ADMIN, body="TeachingCreate",
          status=201, errors=CREATED,
          summary="A teacher teaches a subject to a class")
def assign_teaching(req: Request) -> Answer[TeachingOut]:
    b = req.body
    return schools.assign_teaching(req.path["school_id"], b.teacher_id, b.class_id, b.subject_id)


@endpoint(bp, "GET", "/schools/{school_id}/teachings", allow=SCHOOL_STAFF, query="PageQuery",
          errors=LISTED, summary="Who teaches what to which class")
def list_teachings(req: Request) -> Answer[TeachingPage]:
    return schools.list_teachings(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "POST", "/schools/{school_id}/students", allow=SCHOOL_ADMIN, body="StudentCreate",
          status=201, errors=CREATED, summary="Add a child to a class's roster")
def add_student(req: Request) -> Answer[StudentOut]:
    return schools.add_student(req.path["school_id"], req.body.model_dump())


@endpoint(bp, "PATCH", "/schools/{school_id}/students/{student_id}", allow=SCHOOL_ADMIN, body="StudentChange",
          errors=(401, 403, 404, 422),
          summary="Move a child to another class, or correct their name or birth date")
def correct_student(req: Request) -> Answer[StudentOut]:
    changes = {k: getattr(req.body, k) for k in req.body.model_fields_set if getattr(req.body, k) is not None}
    return schools.correct_student(req.path["school_id"], req.path["student_id"], changes)


@endpoint(bp, "DELETE", "/schools/{school_id}/teachers/{account_id}", allow=SCHOOL_ADMIN, status=204,
          errors=(401, 403, 404), summary="The teacher leaves the school: role and assignments are removed")
def remove_teacher(req: Request) -> Reply:

    schools.remove_teacher(req.path["school_id"], req.path["account_id"])
    return Reply(None, 204)


@endpoint(bp, "GET", "/schools/{school_id}/students", allow=SCHOOL_STAFF, query="StudentQuery",
          errors=(*LISTED, 404), summary="A class's roster, by surname")
def list_students(req: Request) -> Answer[StudentPage]:
    q = req.query
    return schools.list_students(req.path["school_id"], q.class_id, q.limit, req.cursor)


@endpoint(bp, "GET", "/schools/{school_id}/students/{student_id}", allow=SCHOOL_STAFF,
          errors=(401, 403, 404), summary="One student of the school")
def get_student(req: Request) -> Answer[StudentOut]:
    return schools.get_student(req.path["school_id"], req.path["student_id"])


# --- the schedule -----------------------------------------------------------------------


@endpoint(bp, "POST", "/schools/{school_id}/classes/{class_id}/lessons", allow=SCHOOL_ADMIN, body="LessonCreate",
          status=201, errors=(400, *CREATED), summary="Put a lesson on the class's schedule")
def schedule_lesson(req: Request) -> Answer[LessonOut]:
    from chalicelib.domain import journal

    return journal.schedule_lesson(req.actor, req.path["school_id"], req.path["class_id"], req.body.model_dump())


@endpoint(bp, "PATCH", "/schools/{school_id}/classes/{class_id}/lessons/{lesson_id}", allow=SCHOOL_ADMIN,
          body="ScheduleChange", errors=(400, *CREATED),
          summary="Move, reassign or cancel a lesson (a schedule change)")
def change_schedule(req: Request) -> Answer[LessonOut]:
    from chalicelib.domain import journal

    changes = {k: getattr(req.body, k) for k in req.body.model_fields_set}
    return journal.change_schedule(req.actor, req.path["school_id"], req.path["class_id"], req.path["lesson_id"],
                                   changes)


@endpoint(bp, "POST", "/schools/{school_id}/classes/{class_id}/lessons/{lesson_id}/move", allow=SCHOOL_ADMIN,
          body="LessonMove", errors=(400, *CREATED),
          summary="Move a lesson to another day: the new lesson and the old one cancelled, in one transaction")
def move_lesson(req: Request) -> Answer[LessonMoved]:
    from chalicelib.domain import journal

    data = {k: getattr(req.body, k) for k in req.body.model_fields_set}
    return journal.move_lesson(req.actor, req.path["school_id"], req.path["class_id"], req.path["lesson_id"], data)


# --- applications for access to a child ------------------------------------------------


@endpoint(bp, "GET", "/schools/{school_id}/applications", allow=SCHOOL_ADMIN, query="ApplicationQuery",
          errors=LISTED,
          summary="The school's applications (pending by default) with who applied; `q` searches by name")
def list_applications(req: Request) -> Answer[SchoolApplicationPage]:
    q = req.query
    return applications.list_for_school(req.path["school_id"], q.state, q.limit, req.cursor, q.q)


@endpoint(bp, "GET", "/schools/{school_id}/applications/{application_id}", allow=SCHOOL_ADMIN,
          errors=(401, 403, 404),
          summary="One of the school's applications as the desk sees it (another school's is 404)")
def get_application(req: Request) -> Answer[SchoolApplicationOut]:
    return applications.one_for_school(req.path["school_id"], req.path["application_id"])


@endpoint(bp, "POST", "/schools/{school_id}/applications/{application_id}/check", allow=SCHOOL_ADMIN,
          body="InPersonCheck", errors=(401, 403, 404, 409, 422),
          summary="Record that the parent was checked in person (who and when; no document data)")
def check_application(req: Request) -> Answer[ApplicationOut]:
    return applications.record_check(req.path["school_id"], req.path["application_id"], req.account_id)


@endpoint(bp, "POST", "/schools/{school_id}/applications/{application_id}/approve", allow=SCHOOL_ADMIN,
          body="ApplicationApproval", errors=(401, 403, 404, 409, 422),
          summary="Approve a checked application; the roster match and the code follow by queue. "
                  "One awaiting_choice names the child picked among its candidates (`student_id`)")
def approve_application(req: Request) -> Answer[ApplicationOut]:
    return applications.approve(req.path["school_id"], req.path["application_id"], req.account_id,
                                req.body.student_id)


@endpoint(bp, "POST", "/schools/{school_id}/applications/{application_id}/reject", allow=SCHOOL_ADMIN,
          body="ApplicationReject", errors=(401, 403, 404, 409, 422),
          summary="Reject an application with a reason (emailed to the parent)")
def reject_application(req: Request) -> Answer[ApplicationOut]:
    return applications.reject(req.path["school_id"], req.path["application_id"], req.account_id,
                               req.body.reason)


@endpoint(bp, "POST", "/schools/{school_id}/applications/{application_id}/code", allow=SCHOOL_ADMIN,
          status=202, errors=(401, 403, 404, 409, 429),
          summary="Issue a new access code for an approved application (emailed to the parent)")
def renew_application_code(req: Request) -> Answer[AccessCodeOut]:
    from chalicelib.domain import access_codes

    return access_codes.renew_by_school(req.path["school_id"], req.path["application_id"], req.account_id)


# --- machine credentials of the school's information system ----------------------------


@endpoint(bp, "POST", "/schools/{school_id}/credentials", allow=SCHOOL_ADMIN, body="CredentialCreate",
          status=201, errors=(422,),
          summary="Issue a credential for the school's system (the secret is shown once)")
def issue_credential(req: Request) -> Answer[CredentialIssued]:
    from chalicelib.domain import credentials

    return credentials.issue(req.path["school_id"], req.body.name, req.account_id)


@endpoint(bp, "GET", "/schools/{school_id}/credentials", allow=SCHOOL_ADMIN,
          summary="The school's system credentials (never their secrets)")
def list_credentials(req: Request) -> Answer[CredentialPage]:
    from chalicelib.domain import credentials

    return credentials.list_for(req.path["school_id"])


@endpoint(bp, "DELETE", "/schools/{school_id}/credentials/{credential_id}", allow=SCHOOL_ADMIN, status=204,
          errors=(404,), summary="Revoke a credential: no new tokens from it")
def revoke_credential(req: Request) -> Reply:
    from chalicelib.domain import credentials

    credentials.revoke(req.path["school_id"], req.path["credential_id"])
    return Reply(None, 204)
