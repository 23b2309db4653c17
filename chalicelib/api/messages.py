"""Endpoints of messages between a child's family and the school. Who may start a thread is a rule
of the data (a parent's link, a teacher's class), checked by domain.messages on every request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import ACCOUNT, SCHOOL_STAFF
from chalicelib.api.routing import Answer, Request, endpoint
from chalicelib.domain import messages

if TYPE_CHECKING:
    from chalicelib.api.schemas import (
        ChildTeacherList,
        ClassMessageOut,
        MessageOut,
        ThreadMessages,
        ThreadOut,
        ThreadPage,
        ThreadStarted,
    )

bp = Blueprint(__name__)

THREAD = "/messages/threads/{thread_id}"
SEND = (400, 401, 403, 404, 409, 422, 429)


@endpoint(bp, "POST", "/children/{student_id}/messages", allow=ACCOUNT, body="TeacherMessageCreate",
          status=201, errors=SEND,
          summary="A parent writes to a teacher of the child's class (parents only, not viewers)")
def write_to_teacher(req: Request) -> Answer[ThreadStarted]:
    b = req.body
    return messages.write_to_teacher(req.actor, req.path["student_id"], b.teacher_id, b.subject, b.body)


@endpoint(bp, "GET", "/children/{student_id}/teachers", allow=ACCOUNT,
          errors=(401, 403, 404),
          summary="The child's teachers a parent may write to: name, subjects, id (parents only, not viewers)")
def childs_teachers(req: Request) -> Answer[ChildTeacherList]:
    return messages.teachers_of_child(req.actor, req.path["student_id"])


@endpoint(bp, "POST", "/schools/{school_id}/students/{student_id}/messages", allow=SCHOOL_STAFF,
          body="FamilyMessageCreate", status=201, errors=SEND,
          summary="A teacher of the student's class (or an administrator) writes to all the child's parents")
def write_to_family(req: Request) -> Answer[ThreadStarted]:
    p, b = req.path, req.body
    return messages.write_to_family(req.actor, p["school_id"], p["student_id"], b.subject, b.body)


@endpoint(bp, "POST", "/schools/{school_id}/classes/{class_id}/messages", allow=SCHOOL_STAFF,
          body="FamilyMessageCreate", status=201, errors=SEND,
          summary="An administrator, or a teacher of the class (any subject), writes to every family of a class "
                  "(one thread per family)")
def write_to_class(req: Request) -> Answer[ClassMessageOut]:
    p, b = req.path, req.body
    return messages.write_to_class(req.actor, p["school_id"], p["class_id"], b.subject, b.body)


@endpoint(bp, "GET", "/messages/threads", allow=ACCOUNT, query="PageQuery",
          errors=(400, 401, 422), summary="My threads, most recently active first, with unread counts")
def list_threads(req: Request) -> Answer[ThreadPage]:
    return messages.list_threads(req.actor, req.query.limit, req.cursor)


@endpoint(bp, "GET", THREAD, allow=ACCOUNT, query="PageQuery",
          errors=(400, 401, 403, 404, 422), summary="A thread's messages, newest first, with who has read each")
def thread_messages(req: Request) -> Answer[ThreadMessages]:
    q = req.query
    return messages.thread_messages(req.actor, req.path["thread_id"], q.limit, req.cursor)


@endpoint(bp, "POST", THREAD + "/messages", allow=ACCOUNT, body="MessageCreate",
          status=201, errors=SEND, summary="Reply in a thread")
def reply(req: Request) -> Answer[MessageOut]:
    return messages.reply(req.actor, req.path["thread_id"], req.body.body)


@endpoint(bp, "POST", THREAD + "/read", allow=ACCOUNT, errors=(401, 403, 404, 409),
          summary="Mark everything in the thread so far as read (the senders see it)")
def mark_read(req: Request) -> Answer[ThreadOut]:
    return messages.mark_read(req.actor, req.path["thread_id"])
