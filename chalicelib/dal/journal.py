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

from chalicelib.dal.models import AttendanceMark, Correction, Grade, Homework, JournalItem, Lesson
from chalicelib.dal.store import connection, now_iso, storing
from chalicelib.errors import ConflictError

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
    return f"CLASS#{class_id}"


def student_pk(student_id: str) -> str:
    """Partition of a student's grades and attendance (and access, audit)."""
    return f"STUDENT#{student_id}"


def lesson_sk(lesson_id: str) -> str:
    """Sort key of a lesson; the id starts with its date."""
    return f"D#{lesson_id[:10]}#L#{lesson_id}"


def homework_sk(lesson_id: str) -> str:
    """Sort key of the homework set at a lesson."""
    return f"D#{lesson_id[:10]}#H#{lesson_id}"


def grade_sk(grade_id: str) -> str:
    """Sort key of a grade; the id starts with its date."""
    return f"D#{grade_id[:10]}#G#{grade_id}"


def mark_sk(lesson_id: str) -> str:
    """Sort key of a student's attendance mark at a lesson."""
    return f"D#{lesson_id[:10]}#A#{lesson_id}"


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
        f"HISTORY#{record.pk}#{record.sk}", f"{when}#{int(record.version or 0):06d}",
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
        return list(Correction.query(f"HISTORY#{pk}#{sk}"))


def class_days(class_id: str, first: str, last: str) -> list[JournalItem]:
    """Lessons and homework of a class between two dates (inclusive)."""
    with storing():
        return list(JournalItem.query(class_pk(class_id), JournalItem.sk.between(f"D#{first}", f"D#{last}~")))


def student_days(student_id: str, first: str, last: str) -> list[JournalItem]:
    """Grades and attendance marks of a student between two dates (inclusive)."""
    with storing():
        return list(JournalItem.query(student_pk(student_id), JournalItem.sk.between(f"D#{first}", f"D#{last}~")))


__all__ = ["AttendanceMark", "Grade", "Homework", "Lesson"]
