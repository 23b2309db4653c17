"""The teacher's journal page: a class's students × the subject's lessons of a term.

Reads: the class, the subject, the terms, the class's Query over the term (lessons, homework), the
roster (GSI Query) and one Query per student over the term (grades, marks) — about 30 Queries for
a class, on a staff page only.
At risk: a weighted average below 3.0, or absent from 30 % or more of the lessons held so far.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.dal import journal as journal_store
from chalicelib.dal import schools as school_store
from chalicelib.domain.diary import school_today
from chalicelib.domain.grade_math import average, projected
from chalicelib.domain.journal import require_teacher_of
from chalicelib.domain.schools import term_view
from chalicelib.domain.tokens import Caller
from chalicelib.errors import NotFoundError
from chalicelib.records.journal import AttendanceMark, Grade, Homework, Lesson
from chalicelib.records.school import DEFAULT_TIMEZONE, Term

AT_RISK_AVERAGE = Decimal("3.0")
AT_RISK_ABSENCE_SHARE = 0.30


def risk_reasons(avg: Decimal | None, absent: int, held: int) -> list[str]:
    """Why a student is at risk in a subject this term: "low_average" (a weighted average below
    AT_RISK_AVERAGE; none without grades), "absences" (absent from AT_RISK_ABSENCE_SHARE or more
    of the lessons held so far; none before a lesson is held)."""
    low = avg is not None and avg < AT_RISK_AVERAGE
    away = held > 0 and absent / held >= AT_RISK_ABSENCE_SHARE
    return (["low_average"] if low else []) + (["absences"] if away else [])


def _term(terms: list[Term], term_id: str | None, today: str) -> Term:
    # Without a term: today's, or in the holidays the one just ended (before the year: the first).
    begun = [t for t in terms if t.starts_on <= today]
    found = (next((t for t in terms if t.term_id == term_id), None) if term_id
             else begun[-1] if begun else terms[0] if terms else None)
    if found is None:
        raise NotFoundError(field="term_id", code="term_not_found")
    return found


def class_journal(caller: Caller, school_id: str, class_id: str, subject_id: str,
                  term_id: str | None) -> dict[str, Any]:
    """The grid with each student's grades and marks, average, absences and whether at risk."""
    if not caller.is_admin_of(school_id):
        require_teacher_of(caller, school_id, class_id, subject_id)
    klass = school_store.find_class(school_id, class_id)
    if klass is None:
        raise NotFoundError(code="class_not_found")
    subject = school_store.find_subject(school_id, subject_id)
    if subject is None:
        raise NotFoundError(field="subject_id", code="subject_not_found")
    school = school_store.find_school(school_id)
    today = school_today(school.timezone if school else DEFAULT_TIMEZONE).isoformat()
    terms = sorted(school_store.terms_of(school_id), key=lambda t: t.starts_on)
    term = _term(terms, term_id, today)
    records = journal_store.class_records(class_id, term.starts_on, term.ends_on)
    lessons = sorted((i for i in records if isinstance(i, Lesson) and i.subject_id == subject_id),
                     key=lambda x: x.lesson_id)
    homework = {i.lesson_id: i for i in records if isinstance(i, Homework)}
    held = sum(1 for x in lessons if not x.cancelled and x.date <= today)
    rows = []
    for student in school_store.whole_roster(school_id, class_id):
        items = [i for i in journal_store.student_records(student.student_id, term.starts_on, term.ends_on)
                 if i.subject_id == subject_id]
        grades = [i for i in items if isinstance(i, Grade)]
        marks = {i.lesson_id: i for i in items if isinstance(i, AttendanceMark)}
        cells: dict[str, dict[str, Any]] = {}
        for g in sorted(grades, key=lambda g: g.grade_id):
            cells.setdefault(g.lesson_id or "", {"grades": [], "attendance": None})["grades"].append(
                {"grade_id": g.grade_id, "value": int(g.value), "weight": int(g.weight), "work_kind": g.work_kind,
                 "remark": g.remark, "version": int(g.version or 0)})
        for lesson_id, m in marks.items():
            cells.setdefault(lesson_id or "", {"grades": [], "attendance": None})["attendance"] = {
                "mark": m.mark, "excused": bool(m.excused), "version": int(m.version or 0)}
        avg = average(sum(int(g.value) * int(g.weight) for g in grades), sum(int(g.weight) for g in grades))
        absent = sum(1 for m in marks.values() if m.mark == "absent")
        share = absent / held if held else 0.0
        reasons = risk_reasons(avg, absent, held)
        rows.append({"student_id": student.student_id, "last_name": student.last_name,
                     "first_name": student.first_name, "cells": cells,
                     "average": float(avg) if avg is not None else None, "projected_grade": projected(avg),
                     "absent": absent, "absence_share": round(share, 3), "at_risk": bool(reasons),
                     "risk_reasons": reasons})
    averages = [Decimal(str(r["average"])) for r in rows if r["average"] is not None]
    class_avg = (sum(averages, Decimal(0)) / len(averages)).quantize(Decimal("0.01")) if averages else None
    return {"class_id": class_id, "subject_id": subject_id, "term": term_view(term), "lessons_held": held,
            "class_name": klass.name, "subject_name": subject.name, "today": today,
            "terms": [term_view(t) for t in terms],
            "lessons": [{"lesson_id": x.lesson_id, "date": x.date, "starts_at": x.starts_at, "topic": x.topic,
                         "cancelled": bool(x.cancelled),
                         "homework": ({"text": homework[x.lesson_id].text, "due_date": homework[x.lesson_id].due_date}
                                      if x.lesson_id in homework else None)} for x in lessons],
            "students": rows, "class_average": float(class_avg) if class_avg is not None else None}
