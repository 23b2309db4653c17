"""What a row of a school's file becomes: one of these records (the data layer keys and stores it)."""

from __future__ import annotations

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
# A record and the row (its place in the chunk) it comes from: a row may make several records
# (a student and its roster entry), and an upload reports rows, not items.
Placed = tuple[int, Imported]
