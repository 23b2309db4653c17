"""Imported rows as stored items: keys from the records, what a chunk reads before writing, and
the one BatchWrite of what changed.

A chunk costs what it did when the domain built the items itself: one BatchGetItem per 100 keys
(concurrent pages, uploads.get_many) for the students or lessons it refers to, one for what is
stored under its keys, the Queries for events and meetings a row moves, and the BatchWriteItem
calls of the changed items. Each record becomes one item here, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.dal import diary, keys, pending_teachers, schools, uploads
from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import (
    DiaryItem,
    Guardianship,
    JournalItem,
    Lesson,
    ParentMeeting,
    RosterEntry,
    SchoolClass,
    SchoolEvent,
    Student,
    Viewer,
)
from chalicelib.dal.school_life import event_item, meeting_item, result_item
from chalicelib.dal.store import connection, now_iso, storing
from chalicelib.errors import ConflictError
from chalicelib.records import journal, school
from chalicelib.records.family import Link
from chalicelib.records.imported import ClassCensus, Ended, Imported, Placed, Replacing, StudentLeaving

YEAR = dt.timedelta(days=366)  # how far an uploaded event or meeting is looked for when it moves


def students_by_id(school_id: str, student_ids: Iterable[str]) -> dict[str, school.Student]:
    """The school's students among these ids (one BatchGetItem per 100)."""
    found = uploads.get_many(keys.student(school_id, s) for s in student_ids)
    return {i.student_id: schools.student_record(i) for i in found.values() if isinstance(i, Student)}


def existing_lessons(lessons: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (class id, lesson id) are scheduled (one BatchGetItem per 100)."""
    found = uploads.get_many(keys.lesson(c, lesson) for c, lesson in lessons)
    return {(i.class_id, i.lesson_id) for i in found.values() if isinstance(i, Lesson)}


_MAKERS: dict[type, Any] = {
    school.SchoolClass: schools.class_item, school.NameClaim: schools.name_claim_item,
    school.Subject: schools.subject_item, school.Term: schools.term_item, school.Teaching: schools.teaching_item,
    school.Student: schools.student_item, school.RosterEntry: schools.roster_entry_item,
    school.AttestationResult: result_item, journal.SchoolEvent: event_item, journal.ParentMeeting: meeting_item,
    journal.Lesson: journal_store.lesson_item, journal.Homework: journal_store.homework_item,
    journal.Grade: journal_store.grade_item, journal.AttendanceMark: journal_store.mark_item,
    school.PendingTeaching: pending_teachers.pending_item,
}


def item_of(record: Imported) -> DiaryItem:  # never a StudentLeaving: `_leave` writes those
    """The stored item of an imported record, keyed."""
    if isinstance(record, Ended):
        return item_of(record.record)
    item: DiaryItem = _MAKERS[type(record)](record)
    return item


# Who and when, not what: a re-upload that differs only here changes nothing.
BOOKKEEPING = {"version", "created_at", "created_by", "changed_by", "change", "source"}


def _content(item: DiaryItem) -> dict[str, Any]:
    return {k: v for k, v in item.serialize().items() if k not in BOOKKEEPING}


def _identity(item: SchoolEvent | ParentMeeting) -> str:
    """What an event or a meeting is, whatever its date (its key holds the date)."""
    return f"event:{item.event_id}" if isinstance(item, SchoolEvent) else f"meeting:{item.meeting_id}"


def _displaced(unique: dict[tuple[str, str], DiaryItem]) -> dict[str, DiaryItem]:
    """Stored events and meetings that an item of this batch moves to another date (same id,
    another key), by identity: one Query per school or class concerned, a year either side."""
    movable = [i for i in unique.values() if isinstance(i, SchoolEvent | ParentMeeting)]
    if not movable:
        return {}
    wanted = {_identity(i): (i.pk, i.sk) for i in movable}
    dates = sorted(dt.date.fromisoformat(i.date) for i in movable)
    first, last = (dates[0] - YEAR).isoformat(), (dates[-1] + YEAR).isoformat()
    stored: list[SchoolEvent | ParentMeeting] = []
    for school_id in {i.school_id for i in movable if isinstance(i, SchoolEvent)}:
        stored += diary.events_between(school_id, first, last)
    for class_id in {i.class_id for i in movable if isinstance(i, ParentMeeting)}:
        stored += diary.meetings_between(class_id, first, last)
    return {ident: item for item in stored
            if (ident := _identity(item)) in wanted and (item.pk, item.sk) != wanted[ident]}


def write_changed(placed: list[Placed], upload_id: str) -> tuple[int, int]:
    """Write only the items that differ from what is stored; returns how many rows that changed
    and how many items were written. An event or a meeting the file dates otherwise is moved:
    written at its new date, then removed from the old."""
    ended = [(line, r) for line, r in placed if isinstance(r, Ended | StudentLeaving)]
    placed = [(line, r) for line, r in placed if not isinstance(r, Ended | StudentLeaving)]
    row_of: dict[tuple[str, str], int] = {}
    unique: dict[tuple[str, str], DiaryItem] = {}
    replaced: dict[tuple[str, str], DiaryItem] = {}  # new key → the stored item it takes the place of
    renamed_to: dict[tuple[str, str], tuple[str, str]] = {}  # and back
    for line, record in placed:  # two rows on one key: the later one is written
        item = item_of(record.new if isinstance(record, Replacing) else record)
        row_of[(item.pk, item.sk)] = line
        unique[(item.pk, item.sk)] = item
        if isinstance(record, Replacing):
            old = item_of(record.old)
            earlier = renamed_to.get((old.pk, old.sk))
            if earlier is not None and earlier != (item.pk, item.sk):
                del replaced[earlier], unique[earlier]  # one student renamed by two rows of a chunk: the later
            renamed_to[(old.pk, old.sk)] = (item.pk, item.sk)
            replaced[(item.pk, item.sk)] = old
    stored = uploads.get_many([*unique, *((i.pk, i.sk) for i in replaced.values())])
    displaced = _displaced(unique)
    changed = []
    pairs: list[tuple[DiaryItem, DiaryItem]] = []  # (new, old): written together
    for key, item in unique.items():
        before = stored.get(key)
        old_item = replaced.get(key)
        if old_item is not None and (old_item.pk, old_item.sk) in stored:
            pairs.append((item, old_item))
            continue
        if before is not None and _content(before) == _content(item):
            continue
        moved_from = None
        if before is None and isinstance(item, SchoolEvent | ParentMeeting):
            moved_from = displaced.get(_identity(item))
        item.created_at = getattr(before or moved_from, "created_at", None) or item.created_at
        if isinstance(item, SchoolClass) and not item.created_at:
            item.created_at = now_iso()  # an upload's end tells the classes it made (importer.notices)
        if isinstance(item, SchoolEvent | ParentMeeting):
            item.created_by = getattr(before or moved_from, "created_by", None) or item.created_by
            # "created" on an existing item is silent on the stream; a corrected or moved one tells families.
            item.change = "corrected" if before is not None else "moved" if moved_from is not None else "created"
        if isinstance(item, JournalItem):
            # Batch writes carry no version condition; the school's file is the truth here.
            item.version = int(getattr(before, "version", 0) or 0) + 1
            item.change = "corrected" if before is not None else "created"
            item.changed_by = item.source = f"upload:{upload_id}"
        changed.append(item)
    uploads.put_all(changed)
    uploads.delete_all(list(displaced.values()))  # after the new dates are stored: a crash leaves both, never none
    uploads.replace_all(pairs)  # a renamed student's roster entry: the new stored and the old gone at once
    rows = {row_of[(i.pk, i.sk)] for i in changed} | {row_of[(new.pk, new.sk)] for new, _ in pairs}
    removed_rows, removed_items = _remove(ended)
    return len(rows | removed_rows), len(changed) + 2 * len(pairs) + removed_items


def _remove(ended: list[tuple[int, Ended | StudentLeaving]]) -> tuple[set[int], int]:
    """Remove what departures end, only what is stored (a repeated departure changes nothing):
    the rows that removed something and how many items went."""
    if not ended:
        return set(), 0
    rows: set[int] = set()
    items = 0
    gone = {(i.pk, i.sk): (line, i) for line, r in ended if isinstance(r, Ended) for i in [item_of(r)]}
    stored = uploads.get_many(gone)
    uploads.delete_all([stored[key] for key in gone if key in stored])
    rows |= {gone[key][0] for key in gone if key in stored}
    items += sum(1 for key in gone if key in stored)
    for line, record in ended:
        if isinstance(record, StudentLeaving) and (n := _leave(record)):
            rows.add(line)
            items += n
    return rows, items


def _leave(leaving: StudentLeaving) -> int:
    """A student leaves the school in one write: the record and its roster entry (no application
    matches them any more), every link to the child, and the child's audit entry of each ended
    link. Marks, attendance, results and the audit trail stay. Returns the items removed (0: the
    student had gone already)."""
    from chalicelib.dal import children

    student = leaving.student
    # A transaction holds 100 items: the student, the entry and two per link. Parents' links come
    # first; a viewer beyond them sees nothing once no parent is linked (domain/children.decide),
    # so any such left over goes just after, in batches.
    links = sorted(leaving.links, key=lambda link: not link.is_parent)
    inside, after = links[:LINKS_IN_ONE_WRITE], links[LINKS_IN_ONE_WRITE:]
    try:
        with storing(conflict=ConflictError()), TransactWrite(connection=connection()) as tx:
            tx.delete(Student(*keys.student(student.school_id, student.student_id)), condition=Student.pk.exists())
            tx.delete(RosterEntry(*keys.roster_entry(student.school_id, leaving.roster_key, student.student_id)))
            for link in inside:
                tx.delete(_link_item(student.student_id, link))
                tx.save(children.audit_entry(student.student_id, leaving.by, "left_school", link.account_id,
                                             actor_role="system"))
    except ConflictError:
        return 0
    uploads.delete_all([_link_item(student.student_id, link) for link in after])
    return 2 + len(links)


LINKS_IN_ONE_WRITE = 45


def _link_item(student_id: str, link: Link) -> DiaryItem:
    kind = Guardianship if link.is_parent else Viewer
    return kind(*keys.link_key(student_id, link.account_id))


def class_census(school_id: str) -> list[ClassCensus]:
    """The school's classes (one Query: a school has a few dozen) with when each was made."""
    found = schools.children(SchoolClass, school_id, keys.CLASSES, 1000, None)
    return [ClassCensus(c.class_id, c.name, c.created_at) for c in found if isinstance(c, SchoolClass)]


def has_students(school_id: str, class_id: str) -> bool:
    """Whether anyone is on the class's roster (a Query of one item)."""
    return any(True for _ in schools.students_of_class(school_id, class_id, 1, None))
