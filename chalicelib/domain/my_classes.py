"""«Мои классы»: what the signed-in teacher teaches at a school, and their lessons of one day.

One request per school serves the teacher's start page (docs/staff.md). Reads, all Queries:
the teacher's assignments (their key leads with the teacher), the school's classes and subjects
(for the names; a few dozen each), the teacher's lessons of the day in any class (GSI1 by
teacher), and the day of each class they teach — which finds the lessons the school left
without a teacher (a class split between two teachers of a subject: docs/staff.md) in a class
and subject the caller teaches. A school's administrator who teaches nothing gets empty lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.dal import journal as journal_store
from chalicelib.dal import schools as school_store
from chalicelib.domain.diary import school_today
from chalicelib.domain.tokens import Caller
from chalicelib.records.journal import Homework, Lesson
from chalicelib.records.school import DEFAULT_TIMEZONE


def _order(grade_level: int | None, name: str) -> tuple[int, str]:
    return (grade_level if grade_level is not None else 99, name)


def my_classes(caller: Caller, school_id: str, day: dt.date | None) -> dict[str, Any]:
    """The caller's classes with their subjects (by name), and the day's lessons in time order."""
    school = school_store.find_school(school_id)
    date = (day or school_today(school.timezone if school else DEFAULT_TIMEZONE)).isoformat()
    mine = {(t.class_id, t.subject_id) for t in school_store.teachings_of(school_id, caller.account_id)}
    classes = {c.class_id: c for c in school_store.classes_of(school_id)}
    subjects = {s.subject_id: s.name for s in school_store.subjects_of(school_id)}
    lessons: dict[str, Lesson] = {x.lesson_id: x for x in journal_store.teacher_lessons(school_id, caller.account_id,
                                                                                          date)}
    homework: set[str] = set()
    for class_id in sorted({c for c, _ in mine} | {x.class_id for x in lessons.values()}):
        for item in journal_store.class_records(class_id, date, date):
            if isinstance(item, Homework):
                homework.add(item.lesson_id)
            elif item.teacher_id is None and (class_id, item.subject_id) in mine:
                lessons[item.lesson_id] = item
    taught: dict[str, set[str]] = {}
    for class_id, subject_id in mine:
        taught.setdefault(class_id, set()).add(subject_id)
    listed = [c for c in classes.values() if c.class_id in taught]
    return {
        "date": date,
        "classes": [{"class_id": c.class_id, "name": c.name, "grade_level": c.grade_level,
                     "subjects": sorted(({"subject_id": s, "name": subjects.get(s, "")} for s in taught[c.class_id]),
                                        key=lambda s: (s["name"], s["subject_id"]))}
                    for c in sorted(listed, key=lambda c: _order(c.grade_level, c.name))],
        "lessons": [{"lesson_id": x.lesson_id, "class_id": x.class_id,
                     "class_name": classes[x.class_id].name if x.class_id in classes else "",
                     "subject_id": x.subject_id, "subject_name": subjects.get(x.subject_id or "", ""),
                     "starts_at": x.starts_at, "ends_at": x.ends_at, "room": x.room, "topic": x.topic,
                     "cancelled": bool(x.cancelled), "homework_set": x.lesson_id in homework,
                     "teaches": (x.class_id, x.subject_id) in mine}
                    for x in sorted(lessons.values(), key=lambda x: (x.starts_at, x.class_id, x.lesson_id))],
    }
