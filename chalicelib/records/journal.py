"""Journal records, school events and parent meetings as the domain builds them (no keys).

Field names follow the stored attributes. `version` is the stored version a record was read at
(a write is refused when it moved since); who changed it and how is the data layer's to write.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Lesson:
    """One lesson of a class's schedule."""

    school_id: str
    class_id: str
    subject_id: str | None
    lesson_id: str
    date: str
    teacher_id: str | None
    starts_at: str
    ends_at: str
    room: str | None = None
    topic: str | None = None
    cancelled: bool = False
    version: int = 0  # the stored version read (0: not stored yet); a write checks it
    created_at: str | None = None


@dataclass(slots=True)
class Homework:
    """What was set at a lesson, and when it is due."""

    school_id: str
    class_id: str
    subject_id: str | None
    lesson_id: str
    date: str
    text: str
    due_date: str
    version: int = 0
    created_at: str | None = None


@dataclass(slots=True)
class Grade:
    """A mark on the 5-point scale."""

    grade_id: str
    school_id: str
    class_id: str
    student_id: str
    subject_id: str
    lesson_id: str
    date: str
    value: int
    weight: int = 1
    work_kind: str = "classwork"
    remark: str | None = None
    teacher_id: str | None = None
    version: int = 0
    created_at: str | None = None


@dataclass(slots=True)
class AttendanceMark:
    """Absent or late at a lesson."""

    school_id: str
    class_id: str
    student_id: str
    subject_id: str
    lesson_id: str
    date: str
    mark: str
    excused: bool = False
    minutes_late: int | None = None
    version: int = 0
    created_at: str | None = None


@dataclass(slots=True)
class SchoolEvent:
    """Something happening at a school: for everyone (no class ids) or chosen classes."""

    event_id: str
    school_id: str
    class_ids: set[str] | None
    title: str
    description: str | None
    date: str
    starts_at: str | None
    ends_at: str | None
    place: str | None
    created_by: str


@dataclass(slots=True)
class ParentMeeting:
    """A parent meeting of one class."""

    meeting_id: str
    school_id: str
    class_id: str
    date: str
    starts_at: str
    place: str
    agenda: str
    created_by: str
