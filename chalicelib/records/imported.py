"""What a row of a school's file becomes: one of these records (the data layer keys and stores it)."""

from __future__ import annotations

from dataclasses import dataclass

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

Imported = (SchoolClass | NameClaim | Subject | Term | Teaching | Student | RosterEntry | Lesson | Homework | Grade
            | AttendanceMark | AttestationResult | SchoolEvent | ParentMeeting | PendingTeaching)


@dataclass(slots=True)
class Replacing:
    """A record that takes the place of a stored one under another key (a renamed student's
    roster entry): the old is removed in the same write as the new is stored, never one alone."""

    new: RosterEntry
    old: RosterEntry


# A record and the row (its place in the chunk) it comes from: a row may make several records
# (a student and its roster entry), and an upload reports rows, not items.
Placed = tuple[int, Imported | Replacing]
