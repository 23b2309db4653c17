"""Stored journal records — lessons, homework, grades, attendance — and their correction history.

Every write of a record and its Correction go in one transaction, so the history can never
miss a change; the record's version makes a concurrent edit fail instead of overwriting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from pynamodb.transactions import TransactWrite

from chalicelib.dal import keys
from chalicelib.dal.models import AttendanceMark, Correction, Grade, Homework, JournalItem, Lesson
from chalicelib.dal.store import connection, now_iso, storing
from chalicelib.errors import ConflictError
from chalicelib.records import journal as records

RecordT = TypeVar("RecordT", bound=JournalItem)

STALE = ConflictError(field="version", code="stale_version")
# Who wrote the records written now: a teacher (through the API), unless a writer such as the
# demo seeding says otherwise (`written_as`); alerts read it off the stream record.
_source: ContextVar[str] = ContextVar("journal_source", default="teacher")


@contextmanager
def written_as(source: str) -> Iterator[None]:
    """Records created or changed inside carry this `source` (a later change by a teacher, the teacher's)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def class_pk(class_id: str) -> str:
    """Partition of a class's lessons and homework."""
    return keys.class_partition(class_id)


def student_pk(student_id: str) -> str:
    """Partition of a student's grades and attendance (and access, audit)."""
    return keys.student_partition(student_id)


def lesson_sk(lesson_id: str) -> str:
    """Sort key of a lesson; the id starts with its date."""
    return keys.lesson_sk(lesson_id)


def homework_sk(lesson_id: str) -> str:
    """Sort key of the homework set at a lesson."""
    return keys.homework_sk(lesson_id)


def grade_sk(grade_id: str) -> str:
    """Sort key of a grade; the id starts with its date."""
    return keys.grade_sk(grade_id)


def mark_sk(lesson_id: str) -> str:
    """Sort key of a student's attendance mark at a lesson."""
    return keys.mark_sk(lesson_id)


def get(model: type[RecordT], pk: str, sk: str) -> RecordT | None:
    """One journal record."""
    with storing():
        try:
            return model.get(pk, sk)
        except model.DoesNotExist:
            return None


def _correction(record: JournalItem, by: str, action: str, before: dict[str, Any] | None,
                after: dict[str, Any] | None) -> Correction:
    when = now_iso()
    item = Correction(
        keys.history(record.pk, record.sk), f"{when}#{int(record.version or 0):06d}",
        record_key=f"{record.pk}#{record.sk}", changed_by=by, action=action,
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
    )
    item.created_at = when
    return item


def create(record: JournalItem, by: str, after: dict[str, Any], exists: ConflictError) -> None:
    """Write a new record and its first history line; `exists` when the key is taken."""
    record.created_at = record.created_at or now_iso()
    record.changed_by, record.change, record.source = by, "created", _source.get()
    with storing(conflict=exists):
        with TransactWrite(connection=connection()) as tx:
            tx.save(record, condition=JournalItem.pk.does_not_exist())
            tx.save(_correction(record, by, "created", None, after))


def save_change(record: JournalItem, by: str, change: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Write a corrected record (version-checked) with what changed."""
    record.changed_by, record.change, record.source = by, change, _source.get()
    with storing(conflict=STALE):
        with TransactWrite(connection=connection()) as tx:
            tx.save(record)  # PynamoDB adds "version = <read version>" to the condition
            tx.save(_correction(record, by, change, before, after))


def delete(record: JournalItem, by: str, before: dict[str, Any]) -> None:
    """Remove a record (version-checked); the history keeps what it was."""
    with storing(conflict=STALE):
        with TransactWrite(connection=connection()) as tx:
            tx.delete(record)
            tx.save(_correction(record, by, "deleted", before, None))


def history(pk: str, sk: str) -> list[Correction]:
    """Every change of one record, oldest first."""
    with storing():
        return list(Correction.query(keys.history(pk, sk)))


def class_days(class_id: str, first: str, last: str) -> list[JournalItem]:
    """Lessons and homework of a class between two dates (inclusive)."""
    with storing():
        return list(JournalItem.query(class_pk(class_id), JournalItem.sk.between(*keys.days(first, last))))


def student_days(student_id: str, first: str, last: str) -> list[JournalItem]:
    """Grades and attendance marks of a student between two dates (inclusive)."""
    with storing():
        return list(JournalItem.query(student_pk(student_id), JournalItem.sk.between(*keys.days(first, last))))


# --- records in, records out (the domain's side of the seam) ---------------------------

JournalRecord = records.Lesson | records.Homework | records.Grade | records.AttendanceMark


def _at_version(item: RecordT, version: int) -> RecordT:
    # A record read at a version writes back at it (PynamoDB conditions the write on it); a new one has none.
    if version:
        item.version = version
    return item


def lesson_item(r: records.Lesson) -> Lesson:
    """A lesson as stored; a lesson with a teacher is in the teacher's list (GSI1)."""
    item = Lesson(*keys.lesson(r.class_id, r.lesson_id), school_id=r.school_id, class_id=r.class_id,
                  subject_id=r.subject_id, lesson_id=r.lesson_id, date=r.date, teacher_id=r.teacher_id,
                  starts_at=r.starts_at, ends_at=r.ends_at, room=r.room, topic=r.topic, cancelled=r.cancelled,
                  created_at=r.created_at)
    if r.teacher_id:
        item.gsi1pk, item.gsi1sk = keys.lessons_of_teacher(r.school_id, r.teacher_id), r.lesson_id
    return _at_version(item, r.version)


def homework_item(r: records.Homework) -> Homework:
    """Homework as stored, in its class's list by due date (GSI1)."""
    item = Homework(*keys.homework(r.class_id, r.lesson_id), school_id=r.school_id, class_id=r.class_id,
                    subject_id=r.subject_id, lesson_id=r.lesson_id, date=r.date, text=r.text, due_date=r.due_date,
                    created_at=r.created_at)
    item.gsi1pk = keys.homework_of_class(r.school_id, r.class_id)
    item.gsi1sk = keys.homework_due(r.due_date, r.lesson_id)
    return _at_version(item, r.version)


def grade_item(r: records.Grade) -> Grade:
    """A grade as stored, in the student's list of the subject (GSI1)."""
    item = Grade(*keys.grade(r.student_id, r.grade_id), grade_id=r.grade_id, school_id=r.school_id,
                 class_id=r.class_id, student_id=r.student_id, subject_id=r.subject_id, lesson_id=r.lesson_id,
                 date=r.date, value=r.value, weight=r.weight, work_kind=r.work_kind, remark=r.remark,
                 teacher_id=r.teacher_id, created_at=r.created_at)
    item.gsi1pk, item.gsi1sk = keys.grades_of(r.student_id, r.subject_id), r.grade_id
    return _at_version(item, r.version)


def mark_item(r: records.AttendanceMark) -> AttendanceMark:
    """An attendance mark as stored, in the student's attendance (GSI1)."""
    item = AttendanceMark(*keys.attendance_mark(r.student_id, r.lesson_id), school_id=r.school_id,
                          class_id=r.class_id, student_id=r.student_id, subject_id=r.subject_id,
                          lesson_id=r.lesson_id, date=r.date, mark=r.mark, excused=r.excused,
                          minutes_late=r.minutes_late, created_at=r.created_at)
    item.gsi1pk, item.gsi1sk = keys.attendance_of(r.student_id), r.lesson_id
    return _at_version(item, r.version)


def _lesson_record(i: Lesson) -> records.Lesson:
    return records.Lesson(i.school_id, i.class_id or "", i.subject_id, i.lesson_id or "", i.date, i.teacher_id,
                          i.starts_at, i.ends_at, i.room, i.topic, bool(i.cancelled), int(i.version or 0),
                          i.created_at)


def _homework_record(i: Homework) -> records.Homework:
    return records.Homework(i.school_id, i.class_id or "", i.subject_id, i.lesson_id or "", i.date, i.text,
                            i.due_date, int(i.version or 0), i.created_at)


def _grade_record(i: Grade) -> records.Grade:
    return records.Grade(i.grade_id, i.school_id, i.class_id or "", i.student_id or "", i.subject_id or "",
                         i.lesson_id or "", i.date, int(i.value), int(i.weight), i.work_kind, i.remark, i.teacher_id,
                         int(i.version or 0), i.created_at)


def _mark_record(i: AttendanceMark) -> records.AttendanceMark:
    return records.AttendanceMark(i.school_id, i.class_id or "", i.student_id or "", i.subject_id or "",
                                  i.lesson_id or "", i.date, i.mark, bool(i.excused),
                                  None if i.minutes_late is None else int(i.minutes_late), int(i.version or 0),
                                  i.created_at)


def item_of(record: JournalRecord) -> JournalItem:
    """The stored item of a journal record, keyed (its version: the one it was read at)."""
    if isinstance(record, records.Lesson):
        return lesson_item(record)
    if isinstance(record, records.Homework):
        return homework_item(record)
    if isinstance(record, records.Grade):
        return grade_item(record)
    return mark_item(record)


def record_of(item: JournalItem) -> JournalRecord | None:
    """A stored journal item as the domain sees it (None: not one of the four)."""
    if isinstance(item, Lesson):
        return _lesson_record(item)
    if isinstance(item, Homework):
        return _homework_record(item)
    if isinstance(item, Grade):
        return _grade_record(item)
    if isinstance(item, AttendanceMark):
        return _mark_record(item)
    return None


def find_lesson(class_id: str, lesson_id: str) -> records.Lesson | None:
    """One lesson of a class."""
    item = get(Lesson, *keys.lesson(class_id, lesson_id))
    return _lesson_record(item) if item else None


def find_homework(class_id: str, lesson_id: str) -> records.Homework | None:
    """The homework set at a lesson."""
    item = get(Homework, *keys.homework(class_id, lesson_id))
    return _homework_record(item) if item else None


def find_grade(student_id: str, grade_id: str) -> records.Grade | None:
    """One grade of a student."""
    item = get(Grade, *keys.grade(student_id, grade_id))
    return _grade_record(item) if item else None


def find_mark(student_id: str, lesson_id: str) -> records.AttendanceMark | None:
    """A student's attendance mark at a lesson."""
    item = get(AttendanceMark, *keys.attendance_mark(student_id, lesson_id))
    return _mark_record(item) if item else None


def add(record: JournalRecord, by: str, after: dict[str, Any], exists: ConflictError) -> None:
    """Write a new record and its first history line; `exists` when the key is taken."""
    item = item_of(record)
    create(item, by, after, exists)
    record.version, record.created_at = int(item.version or 0), item.created_at


def change(record: JournalRecord, by: str, how: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Write a corrected record, refused (stale_version) when it changed since it was read."""
    item = item_of(record)
    save_change(item, by, how, before, after)
    record.version = int(item.version or 0)


def move(old: records.Lesson, new: records.Lesson, by: str, after: dict[str, Any]) -> None:
    """Cancel a lesson (version-checked) and create the one it moved to, in one transaction: both
    or neither. The new record's `change` is "moved", so the stream alerts the families of it."""
    item, created = item_of(old), item_of(new)
    item.changed_by, item.change, item.source = by, "cancelled", _source.get()
    created.created_at = now_iso()
    created.changed_by, created.change, created.source = by, "moved", _source.get()
    with storing(conflict=STALE):
        with TransactWrite(connection=connection()) as tx:
            tx.save(item)  # conditioned on the version read
            tx.save(_correction(item, by, "cancelled", {"cancelled": False},
                                {"cancelled": True, "moved_to": new.lesson_id}))
            tx.save(created, condition=JournalItem.pk.does_not_exist())
            tx.save(_correction(created, by, "created", None, after))
    old.version, new.version, new.created_at = int(item.version or 0), int(created.version or 0), created.created_at


def remove(record: JournalRecord, by: str, before: dict[str, Any]) -> None:
    """Remove a record, refused (stale_version) when it changed since it was read."""
    delete(item_of(record), by, before)


def grade_history(student_id: str, grade_id: str) -> list[Correction]:
    """Every change of one grade, oldest first (also once it is deleted)."""
    return history(*keys.grade(student_id, grade_id))


def class_records(class_id: str, first: str, last: str) -> list[records.Lesson | records.Homework]:
    """A class's lessons and homework between two dates (inclusive)."""
    found = (record_of(i) for i in class_days(class_id, first, last))
    return [r for r in found if isinstance(r, records.Lesson | records.Homework)]


def student_records(student_id: str, first: str, last: str) -> list[records.Grade | records.AttendanceMark]:
    """A student's grades and attendance marks between two dates (inclusive)."""
    found = (record_of(i) for i in student_days(student_id, first, last))
    return [r for r in found if isinstance(r, records.Grade | records.AttendanceMark)]


# --- the teacher's day («Мои классы», docs/staff.md) ------------------------------------


def teacher_lessons(school_id: str, teacher_id: str, day: str) -> list[records.Lesson]:
    """The lessons a teacher gives on a day, in every class (GSI1: a lesson's id starts with its date)."""
    with storing():
        found = Lesson.gsi1.query(keys.lessons_of_teacher(school_id, teacher_id), Lesson.gsi1sk.startswith(day))
        return [_lesson_record(i) for i in found if isinstance(i, Lesson)]


__all__ = ["AttendanceMark", "Grade", "Homework", "Lesson"]
