"""What a row of a school's file becomes: one of these records (the data layer keys and stores it)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.records.family import Link
from chalicelib.records.journal import AttendanceMark, Grade, Homework, Lesson, ParentMeeting, SchoolEvent
from chalicelib.records.school import (
    AttestationResult,
    NameClaim,
    PendingTeaching,
    RosterEntry,
    SchoolClass,
    Student,
    Subject,
    Teaching,
    Term,
)


@dataclass(slots=True)
class StudentLeaving:
    """A student the school's system ended: the record and its roster entry go, and every link
    to the child (parents', viewers') ends, in one write; marks and results stay stored."""

    student: Student
    roster_key: str
    links: tuple[Link, ...]
    by: str  # "upload:<id>", for the child's audit trail


@dataclass(slots=True)
class Ended:
    """A term or a teaching assignment the school's system ended: it is removed (when stored)."""

    record: Term | Teaching


Imported = (SchoolClass | NameClaim | Subject | Term | Teaching | Student | RosterEntry | Lesson | Homework | Grade
            | AttendanceMark | AttestationResult | SchoolEvent | ParentMeeting | PendingTeaching | StudentLeaving
            | Ended)


@dataclass(slots=True)
class Replacing:
    """A record that takes the place of a stored one under another key (a renamed student's
    roster entry): the old is removed in the same write as the new is stored, never one alone."""

    new: RosterEntry
    old: RosterEntry


# A record and the row (its place in the chunk) it comes from: a row may make several records
# (a student and its roster entry), and an upload reports rows, not items.
Placed = tuple[int, Imported | Replacing]


@dataclass(slots=True)
class ClassCensus:
    """A class of the school as an upload's end sees it: when it was made, whether anyone is in it."""

    class_id: str
    name: str
    created_at: str | None
    has_students: bool | None = None  # None: not looked at
