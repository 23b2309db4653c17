"""Messages between a child's family and the school, in threads about that child.

Who may write:
- a parent (a Guardianship, never a viewer) to a teacher who teaches the child's class (a
  Teaching item for that class, any subject); the thread is the parent's and the teacher's
  alone, since parents of one child may not want to share every conversation;
- a teacher of the child's class, or an administrator of the school, to all the child's parents;
- an administrator, or a teacher of the class, to all parents of a class: one thread per family
  (not one class-wide thread), so a family's answer reaches the school only, never the other families.

Participants are fixed when a thread starts. Every read and write checks again that the caller is
still in it and still has the right that put them there (a parent's link, a teacher's class, an
administrator's role), so a teacher who no longer teaches the class stops seeing its threads.

Read status: each participant's inbox item keeps how far they have read; a message shows which of
its recipients have read it (`read_by`), and each participant when they last marked the thread read.
Alerts are not sent here: the alerts read new Message items off the table's stream.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.clock import epoch
from chalicelib.dal import accounts as account_store
from chalicelib.dal import children as children_store
from chalicelib.dal import diary as diary_store
from chalicelib.dal import messages as store
from chalicelib.dal import schools as school_store
from chalicelib.domain.children import require_guardian
from chalicelib.domain.grants import still_admin_of
from chalicelib.domain.ids import new_id
from chalicelib.domain.tokens import Caller
from chalicelib.errors import ConflictError, DiaryError, ForbiddenError, NotFoundError, TooManyAttemptsError
from chalicelib.records.family import FAMILY_SIDE, SCHOOL_SIDE
from chalicelib.records.messages import InboxRecord, MessageRecord, ThreadRecord
from chalicelib.records.paging import PageCursor
from chalicelib.records.school import Student

# Enough for a busy exchange, too few for a flood: a fixed window, so at a window's edge up to
# twice the limit may pass in a short burst, which is acceptable for a human-paced channel.
SEND_LIMIT = 20
SEND_WINDOW_SECONDS = 10 * 60
FAMILY, SCHOOL = FAMILY_SIDE, SCHOOL_SIDE
MARK_READ_ATTEMPTS = 3


# --- who may write and read -----------------------------------------------------------


def _count_send(account_id: str) -> None:
    now = epoch()
    count, window_ends = store.count_send(account_id, SEND_WINDOW_SECONDS, now)
    if count > SEND_LIMIT:
        raise TooManyAttemptsError(retry_after=max(1, window_ends - now), code="too_many_messages")


def _speaks_for_school(caller: Caller, school_id: str, class_id: str) -> bool:
    # An administrator's role is read back (the token may predate its removal); a teacher's class
    # is read anyway, and removing a teacher removes their classes too.
    return still_admin_of(caller, school_id) or school_store.teaches_class(school_id, caller.account_id, class_id)


def _is_guardian(account_id: str, student_id: str) -> bool:
    link = children_store.access_of(student_id, account_id)
    return link is not None and link.is_parent


def _still_entitled(caller: Caller, inbox: InboxRecord) -> bool:
    if inbox.side == FAMILY:
        return _is_guardian(caller.account_id, inbox.student_id)
    return _speaks_for_school(caller, inbox.school_id, inbox.class_id)


def _enter(caller: Caller, thread_id: str) -> InboxRecord:
    """The caller's inbox item of the thread, if they are in it and still may be."""
    inbox = store.get_inbox(thread_id, caller.account_id)
    if inbox is None:  # not a participant: the thread is as good as absent to them
        raise NotFoundError(code="thread_not_found")
    if not _still_entitled(caller, inbox):
        raise ForbiddenError(code="not_in_thread")
    return inbox


def _guardians(student: Student) -> list[str]:
    return sorted(link.account_id for link in children_store.links_of_child(student.student_id)
                  if link.is_parent and link.school_id == student.school_id)


# --- views ----------------------------------------------------------------------------


def thread_view(inbox: InboxRecord) -> dict[str, Any]:
    """A thread as one participant sees it in their list."""
    return {
        "thread_id": inbox.thread_id, "school_id": inbox.school_id, "class_id": inbox.class_id,
        "student_id": inbox.student_id, "student_name": inbox.student_name, "subject": inbox.subject,
        "participant_ids": sorted(inbox.participant_ids or ()), "unread": int(inbox.unread or 0),
        "last_message_at": inbox.last_message_at, "last_sender_account_id": inbox.last_sender_id,
        "preview": inbox.preview, "read_at": inbox.read_at,
    }


def participant_view(inbox: InboxRecord) -> dict[str, Any]:
    """A participant and how far they have read."""
    return {"account_id": inbox.account_id, "name": inbox.name, "side": inbox.side,
            "last_read_at": inbox.read_at}


def message_view(message: MessageRecord, inboxes: Iterable[InboxRecord]) -> dict[str, Any]:
    """A message, with which of its recipients have read it."""
    recipients = set(message.recipient_account_ids or ())
    read_by = sorted(i.account_id for i in inboxes
                     if i.account_id in recipients and i.read_up_to is not None and i.read_up_to >= message.position)
    return {
        "message_id": message.message_id, "thread_id": message.thread_id,
        "sender_account_id": message.sender_account_id, "body": message.body, "created_at": message.created_at,
        "recipient_account_ids": sorted(recipients), "read_by": read_by, "read": bool(read_by),
    }


# --- starting threads -----------------------------------------------------------------


def _student(school_id: str, student_id: str) -> Student:
    student = school_store.find_student(school_id, student_id)
    if student is None:
        raise NotFoundError(code="child_not_found")
    return student


def _start(student: Student, sender_id: str, sides: dict[str, str], subject: str | None, body: str) -> dict[str, Any]:
    thread = ThreadRecord(thread_id=new_id(), school_id=student.school_id, class_id=student.class_id,
                          student_id=student.student_id, subject=subject, started_by=sender_id,
                          participant_ids=set(sides))
    student_name = f"{student.first_name} {student.last_name}"
    inboxes = []
    for account_id, side in sides.items():
        account = account_store.get_account(account_id)
        inboxes.append(InboxRecord(
            thread_id=thread.thread_id, account_id=account_id, name=account.name if account else None, side=side,
            school_id=student.school_id, class_id=student.class_id, student_id=student.student_id,
            student_name=student_name, subject=subject, participant_ids=set(sides)))
    message = store.new_message(thread, sender_id, body)
    store.start_thread(thread, inboxes, message)
    mine = next(i for i in inboxes if i.account_id == sender_id)
    return {**thread_view(mine), "message": message_view(message, inboxes)}


def teachers_of_child(caller: Caller, student_id: str) -> dict[str, Any]:
    """The teachers a parent may write to about the child (exactly those `write_to_teacher` takes:
    whoever teaches the child's class any subject, but the parent themself), with their subjects."""
    access = require_guardian(caller.account_id, student_id)
    context = diary_store.child_context(access.school_id, student_id)
    student = context.pupil
    if student is None:
        raise NotFoundError(code="child_not_found")
    subjects: dict[str, set[str]] = {}
    for teaching in school_store.teachings_of_class(student.school_id, student.class_id):
        if teaching.teacher_id != caller.account_id:
            subjects.setdefault(teaching.teacher_id, set()).add(teaching.subject_id)
    names = dict(context.names)
    missing_s = {s for ids in subjects.values() for s in ids if f"s:{s}" not in names}
    missing_t = {t for t in subjects if f"t:{t}" not in names}
    if missing_s or missing_t:  # the directory is kept by the stream, a moment behind a new teaching
        names.update(diary_store.names(student.school_id, missing_s, missing_t))
    teachers = [{"teacher_id": teacher_id, "name": names.get(f"t:{teacher_id}", ""),
                 "subjects": [{"subject_id": s, "name": names.get(f"s:{s}", "")}
                              for s in sorted(ids, key=lambda s: (names.get(f"s:{s}", ""), s))]}
                for teacher_id, ids in sorted(subjects.items(), key=lambda t: (names.get(f"t:{t[0]}", ""), t[0]))]
    return {"items": teachers, "next_cursor": None}


def write_to_teacher(caller: Caller, student_id: str, teacher_id: str, subject: str | None,
                     body: str) -> dict[str, Any]:
    """A parent starts a thread about their child with one of the child's teachers."""
    access = require_guardian(caller.account_id, student_id)
    student = _student(access.school_id, student_id)
    if teacher_id == caller.account_id:
        raise DiaryError(field="teacher_id", code="message_to_self")
    if not school_store.teaches_class(student.school_id, teacher_id, student.class_id):
        raise ForbiddenError(field="teacher_id", code="not_childs_teacher")
    _count_send(caller.account_id)
    return _start(student, caller.account_id, {caller.account_id: FAMILY, teacher_id: SCHOOL}, subject, body)


def write_to_family(caller: Caller, school_id: str, student_id: str, subject: str | None,
                    body: str) -> dict[str, Any]:
    """A teacher of the child's class (or an administrator) starts a thread with all its parents."""
    student = _student(school_id, student_id)
    if not _speaks_for_school(caller, school_id, student.class_id):
        raise ForbiddenError(code="not_your_student")
    parents = [p for p in _guardians(student) if p != caller.account_id]
    if not parents:
        raise ConflictError(code="no_parents_linked")
    _count_send(caller.account_id)
    sides = {caller.account_id: SCHOOL, **dict.fromkeys(parents, FAMILY)}
    return _start(student, caller.account_id, sides, subject, body)


def write_to_class(caller: Caller, school_id: str, class_id: str, subject: str | None, body: str) -> dict[str, Any]:
    """An administrator, or a teacher of the class (any subject: the same rule as calling its parent
    meeting), writes to every family of a class: one thread per child with linked parents. Each
    family's thread is its own transaction; counted as one message against the sender's limit."""
    if not school_store.has_class(school_id, class_id):
        raise NotFoundError(code="class_not_found")
    if not _speaks_for_school(caller, school_id, class_id):
        raise ForbiddenError(code="not_your_class")
    families: list[tuple[Student, list[str]]] = []
    for student in school_store.whole_roster(school_id, class_id):
        parents = [p for p in _guardians(student) if p != caller.account_id]
        if parents:
            families.append((student, parents))
    if not families:
        raise ConflictError(code="no_parents_linked")
    _count_send(caller.account_id)
    threads = [_start(student, caller.account_id, {caller.account_id: SCHOOL, **dict.fromkeys(parents, FAMILY)},
                      subject, body)
               for student, parents in families]
    return {"families": len(threads), "recipients": sum(len(parents) for _, parents in families),
            "thread_ids": [t["thread_id"] for t in threads]}


# --- a thread -------------------------------------------------------------------------


def reply(caller: Caller, thread_id: str, body: str) -> dict[str, Any]:
    """Answer in a thread: reaches every other participant."""
    _enter(caller, thread_id)
    thread = store.get_thread(thread_id)
    if thread is None:
        raise NotFoundError(code="thread_not_found")
    _count_send(caller.account_id)
    message = store.new_message(thread, caller.account_id, body)
    store.add_message(thread, message)
    return message_view(message, store.inboxes_of_thread(thread_id))


def list_threads(caller: Caller, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The caller's threads, most recently active first, each with its unread count. Threads the
    caller no longer has the right to (a class they stopped teaching) are left out."""
    items, next_cursor = store.threads_page(caller.account_id, limit, cursor)
    entitled: dict[tuple[str, str, str], bool] = {}
    shown = []
    for inbox in items:
        key = (inbox.side, inbox.student_id if inbox.side == FAMILY else inbox.school_id, inbox.class_id)
        if key not in entitled:
            entitled[key] = _still_entitled(caller, inbox)
        if entitled[key]:
            shown.append(thread_view(inbox))
    return {"items": shown, "next_cursor": next_cursor}


def unread_by_child(account_id: str) -> dict[str, int]:
    """Unread messages in the account's family threads, per child (one Query of its threads)."""
    return store.unread_by_child(account_id, FAMILY)


def thread_messages(caller: Caller, thread_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """A page of a thread's messages, newest first, with who has read each."""
    mine = _enter(caller, thread_id)
    inboxes = store.inboxes_of_thread(thread_id)
    items, next_cursor = store.messages_page(thread_id, limit, cursor)
    return {"thread": thread_view(mine), "participants": [participant_view(i) for i in inboxes],
            "items": [message_view(m, inboxes) for m in items], "next_cursor": next_cursor}


def mark_read(caller: Caller, thread_id: str) -> dict[str, Any]:
    """Everything in the thread so far is read by the caller; the senders see it."""
    inbox = _enter(caller, thread_id)
    for attempt in range(MARK_READ_ATTEMPTS):
        if not inbox.unread and inbox.read_up_to == inbox.last_message:
            break
        try:
            store.mark_read(inbox)
            break
        except ConflictError:
            # A message arrived between reading and marking: read again, mark up to it.
            if attempt == MARK_READ_ATTEMPTS - 1:
                raise
            fresh = store.get_inbox(thread_id, caller.account_id)
            if fresh is None:
                raise NotFoundError(code="thread_not_found") from None
            inbox = fresh
    return thread_view(inbox)
