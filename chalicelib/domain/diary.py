"""The child's diary as a family reads it: the week, grades, attendance, homework, statistics.

Every read opens the child through `children.open_child` with the part it shows (the access
check and the audit entry), then reads on known keys only:
- the child's context (class, the school's time zone, subject and teacher names): one BatchGetItem;
- a week: the class's and the student's week pages (copies the stream keeps of the week's lessons,
  homework, grades and marks). With the token's hint of where the child is (domain/tokens.py), the
  link, the context and both pages are one BatchGetItem, and the audit entry the second call;
- a term: the student's Query over the term's dates; statistics: two Queries of aggregates.
Names come from the school's directory item, which the stream keeps; a name written a moment ago
and not there yet costs one more BatchGetItem.

Numbers, the same everywhere (statistics, grades, the teacher's journal):
- weighted average = Σ(value × weight) / Σ(weight), rounded half up to 2 decimals;
- projected term grade = that 2-decimal average rounded half up to a whole mark (4.50 → 5, 4.49 → 4);
- attendance rate = (lessons held − absences) / lessons held × 100, one decimal; "held" means
  not cancelled and dated today or earlier in the school's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chalicelib import clock
from chalicelib.dal import diary as store
from chalicelib.domain.children import ChildAccess, grades_seen, may_see, open_child, open_child_reading
from chalicelib.domain.grade_math import average, projected  # the diary's old names still answer
from chalicelib.domain.tokens import Caller
from chalicelib.errors import NotFoundError
from chalicelib.records.family import ChildContext, Entry, Pupil, SchoolPlace, Term, TermDates, WeekPage

Week = tuple[WeekPage, WeekPage]  # the class's page and the student's
NO_WEEK: Week = (WeekPage(), WeekPage())

# The parts a week shows beside the schedule; a viewer without one gets the week without it.
WEEK_EXTRAS = ("homework", "grades", "attendance")
SCHOOL_DAYS = 6  # Monday to Saturday are always listed; Sunday only when it has lessons
HOMEWORK_PAGE = 50


def school_today(timezone: str) -> dt.date:
    """Today where the school is: 23:30 UTC is already tomorrow in Moscow."""
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo(timezone)).date()


def monday(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def attendance_rate(held: int, absent: int) -> float | None:
    """(lessons held − absences) / lessons held × 100, to one decimal; None before a lesson is held."""
    return round(100 * (held - absent) / held, 1) if held else None


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- the child and its names ------------------------------------------------------------


class Context:
    """Who the child is for a page: class, school time zone, names."""

    def __init__(self, access: ChildAccess, read: ChildContext | None = None) -> None:
        context = read or store.child_context(access.school_id, access.student_id)
        if context.pupil is None:
            raise NotFoundError(code="child_not_found")
        self.access = access
        self.student: Pupil = context.pupil
        self.school: SchoolPlace | None = context.school
        self.timezone = context.timezone
        self.today = school_today(self.timezone)
        self._names: dict[str, str] = dict(context.names)

    @classmethod
    def open(cls, caller: Caller, student_id: str, part: str, weekly: bool = False,
             day: dt.date | None = None) -> tuple[Context, Week]:
        """Open the child for a page (`open_child`: the access check and the audit entry) and read
        its context; `weekly`: the week's pages of the day's week too. A token that knows where
        the child is lets the links, the context and the pages come in one BatchGetItem; a stale
        hint, or none, costs the reads it saved."""
        hint = caller.children.get(student_id)
        if hint is None:  # a token issued before the link: the link, then the context, then the page
            ctx = cls(open_child(caller.account_id, student_id, part))
            first = monday(day or ctx.today)
            return ctx, store.week_pages(ctx.class_id, student_id, first.isoformat()) if weekly else NO_WEEK
        guessed = monday(day or school_today(hint.timezone))
        access, reading = open_child_reading(caller.account_id, student_id, part, hint.invited_by, hint.school_id,
                                             (hint.class_id, guessed.isoformat()) if weekly else None)
        ctx = cls(access, reading.context if access.school_id == hint.school_id else None)
        first = monday(day or ctx.today)
        week = (reading.class_week, reading.student_week)
        if weekly and (ctx.class_id, first) != (hint.class_id, guessed):  # moved since the token
            week = store.week_pages(ctx.class_id, student_id, first.isoformat())
        return ctx, week

    @property
    def class_id(self) -> str:
        """The child's class now."""
        return self.student.class_id

    def sees(self, part: str) -> bool:
        """Whether the caller's link opens this part."""
        return may_see(self.access.role, self.access.scope, part)

    def learn(self, subject_ids: set[str], teacher_ids: set[str]) -> None:
        """Fetch the names the directory does not have yet (one call, only when needed)."""
        missing_s = {s for s in subject_ids if s and f"s:{s}" not in self._names}
        missing_t = {t for t in teacher_ids if t and f"t:{t}" not in self._names}
        if missing_s or missing_t:
            self._names.update(store.names(self.access.school_id, missing_s, missing_t))

    def subject(self, subject_id: str | None) -> str:
        """A subject's name."""
        return self._names.get(f"s:{subject_id}", "")

    def teacher(self, teacher_id: str | None) -> str | None:
        """A teacher's name."""
        return self._names.get(f"t:{teacher_id}") if teacher_id else None

    def term(self, term_id: str | None) -> Term:
        """The term asked for, or the one today falls in (else the latest that has begun)."""
        terms = sorted(store.terms_of(self.access.school_id), key=lambda t: t.starts_on)
        if term_id:
            found = next((t for t in terms if t.term_id == term_id), None)
        else:
            today = self.today.isoformat()
            found = next((t for t in terms if t.starts_on <= today <= t.ends_on), None)
            found = found or next((t for t in reversed(terms) if t.starts_on <= today), None)
        if found is None:
            raise NotFoundError(field="term_id", code="term_not_found")
        return found


def term_view(term: TermDates) -> dict[str, Any]:
    """A term as pages show it."""
    return {"term_id": term.term_id, "name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on}


def _grade(g: Mapping[str, Any], unseen: frozenset[str]) -> dict[str, Any]:
    """A grade as pages show it (from a stored Grade's attributes or a week page's entry); `new`:
    posted since this account last saw it."""
    return {"grade_id": g["grade_id"], "date": g["date"], "lesson_id": g.get("lesson_id"), "value": int(g["value"]),
            "weight": int(g.get("weight") or 1), "work_kind": g.get("work_kind"), "remark": g.get("remark"),
            "new": g["grade_id"] in unseen}


def _mark(m: Mapping[str, Any]) -> dict[str, Any]:
    """An attendance mark as pages show it."""
    return {"mark": m["mark"], "excused": bool(m.get("excused")),
            "minutes_late": int(m["minutes_late"]) if m.get("minutes_late") is not None else None}


# --- the week ---------------------------------------------------------------------------


def week(caller: Caller, student_id: str, day: dt.date | None) -> dict[str, Any]:
    """The school week holding `day` (default: today at the school): each day's lessons with topic,
    room, teacher, homework set, grades received and the attendance mark. Parts outside a viewer's
    scope are left out (and named in `omitted`) rather than refusing the whole week."""
    ctx, pages = Context.open(caller, student_id, "schedule", weekly=True, day=day)
    first = monday(day or ctx.today)
    return week_view(ctx, first, pages)


def week_view(ctx: Context, first: dt.date, pages: Week) -> dict[str, Any]:
    """The week from its two pages (no I/O but the names the directory lacks)."""
    last = first + dt.timedelta(days=6)
    shown = [p for p in WEEK_EXTRAS if ctx.sees(p)]
    class_page, student_page = pages
    lessons = sorted(class_page.lessons, key=lambda x: (x["date"], x.get("starts_at") or "", x["lesson_id"]))
    homework = {v["lesson_id"]: v for v in class_page.homework}
    grades: dict[str, list[Mapping[str, Any]]] = {}
    for entry in student_page.grades:
        grades.setdefault(entry.get("lesson_id") or "", []).append(entry)
    marks = {v["lesson_id"]: v for v in student_page.marks}
    ctx.learn({x.get("subject_id") or "" for x in lessons}, {x.get("teacher_id") or "" for x in lessons})
    days: list[dict[str, Any]] = []
    for offset in range(7):
        date = (first + dt.timedelta(days=offset)).isoformat()
        todays = [x for x in lessons if x["date"] == date]
        if offset >= SCHOOL_DAYS and not todays:
            continue
        views = []
        for lesson in todays:
            lesson_id = lesson["lesson_id"]
            view: dict[str, Any] = {
                "lesson_id": lesson_id, "subject_id": lesson.get("subject_id"),
                "subject_name": ctx.subject(lesson.get("subject_id")),
                "teacher_name": ctx.teacher(lesson.get("teacher_id")),
                "starts_at": lesson.get("starts_at"), "ends_at": lesson.get("ends_at"), "room": lesson.get("room"),
                "topic": lesson.get("topic"), "cancelled": bool(lesson.get("cancelled")),
            }
            if "homework" in shown:
                hw = homework.get(lesson_id)
                view["homework"] = {"text": hw["text"], "due_date": hw.get("due_date")} if hw else None
            if "grades" in shown:
                view["grades"] = [_grade(g, ctx.access.unseen_grades) for g in grades.get(lesson_id, [])]
            if "attendance" in shown:
                mark = marks.get(lesson_id)
                view["attendance"] = _mark(mark) if mark else None
            views.append(view)
        days.append({"date": date, "weekday": offset + 1, "lessons": views})
    grades_seen(ctx.access, {g["grade_id"] for day in days for x in day["lessons"] for g in x.get("grades", [])})
    return {"student_id": ctx.access.student_id, "week_start": first.isoformat(), "week_end": last.isoformat(),
            "today": ctx.today.isoformat(), "timezone": ctx.timezone,
            "omitted": [p for p in WEEK_EXTRAS if p not in shown], "days": days}


# --- a term: grades, attendance ---------------------------------------------------------


def _term_items(ctx: Context, term: Term) -> tuple[list[Entry], list[Entry]]:
    return store.term_journal(ctx.access.student_id, term.starts_on, term.ends_on)


def grades(caller: Caller, student_id: str, term_id: str | None) -> dict[str, Any]:
    """Every grade of the term by subject, with weights, kinds of work, remarks and the average."""
    ctx, _ = Context.open(caller, student_id, "grades")
    term = ctx.term(term_id)
    found, _ = _term_items(ctx, term)
    ctx.learn({g.get("subject_id") or "" for g in found}, set())
    by_subject: dict[str, list[Entry]] = {}
    for g in found:
        by_subject.setdefault(g.get("subject_id") or "", []).append(g)
    subjects = []
    for subject_id, items in by_subject.items():
        avg = average(sum(int(g["value"]) * _weight(g) for g in items), sum(_weight(g) for g in items))
        subjects.append({"subject_id": subject_id, "subject_name": ctx.subject(subject_id), "average": _num(avg),
                         "projected_grade": projected(avg),
                         "grades": [_grade(g, ctx.access.unseen_grades)
                                    for g in sorted(items, key=lambda g: g["grade_id"])]})
    subjects.sort(key=lambda s: (s["subject_name"], s["subject_id"]))
    grades_seen(ctx.access, {g["grade_id"] for g in found})
    return {"student_id": student_id, "term": term_view(term), "subjects": subjects}


def _weight(g: Entry) -> int:
    return int(g.get("weight") or 1)


def _totals(marks: list[Entry]) -> dict[str, int]:
    return {"absent": sum(m["mark"] == "absent" for m in marks), "late": sum(m["mark"] == "late" for m in marks),
            "excused": sum(bool(m.get("excused")) for m in marks),
            "unexcused": sum(not m.get("excused") for m in marks)}


def attendance(caller: Caller, student_id: str, term_id: str | None) -> dict[str, Any]:
    """The term's absences and late arrivals, newest first, with totals overall and by subject
    (excused/unexcused count both absences and late arrivals)."""
    ctx, _ = Context.open(caller, student_id, "attendance")
    term = ctx.term(term_id)
    _, marks = _term_items(ctx, term)
    ctx.learn({m.get("subject_id") or "" for m in marks}, set())
    marks.sort(key=lambda m: m.get("lesson_id") or "", reverse=True)
    subjects = sorted({m.get("subject_id") or "" for m in marks}, key=lambda s: (ctx.subject(s), s))
    return {
        "student_id": student_id, "term": term_view(term),
        "items": [{"date": m["date"], "lesson_id": m.get("lesson_id"), "subject_id": m.get("subject_id"),
                   "subject_name": ctx.subject(m.get("subject_id")), **_mark(m)} for m in marks],
        "totals": _totals(marks),
        "by_subject": [{"subject_id": s, "subject_name": ctx.subject(s),
                        **_totals([m for m in marks if m.get("subject_id") == s])} for s in subjects],
    }


# --- homework ---------------------------------------------------------------------------


def homework(caller: Caller, student_id: str, when: str, limit: int = HOMEWORK_PAGE) -> dict[str, Any]:
    """Homework by due date: from today on (soonest first) or already due (latest first)."""
    ctx, _ = Context.open(caller, student_id, "homework")
    items = store.homework_due(ctx.access.school_id, ctx.class_id, ctx.today.isoformat(), when == "upcoming", limit)
    ctx.learn({h.subject_id or "" for h in items}, set())
    return {"student_id": student_id, "today": ctx.today.isoformat(), "when": when,
            "items": [{"lesson_id": h.lesson_id, "subject_id": h.subject_id, "subject_name": ctx.subject(h.subject_id),
                       "text": h.text, "set_on": h.date, "due_date": h.due_date} for h in items]}


# --- statistics -------------------------------------------------------------------------


def _weeks(term: Term, today: dt.date) -> list[str]:
    start = monday(dt.date.fromisoformat(term.starts_on))
    end = min(dt.date.fromisoformat(term.ends_on), today)
    out = []
    while start <= end:
        out.append(start.isoformat())
        start += dt.timedelta(days=7)
    return out


def standing(class_item: dict[str, Any] | None, student_id: str, lang: str = "ru") -> dict[str, Any] | None:
    """The child among graded classmates (domain/standing.py: what is shown, and what is withheld
    in small groups) — nobody's name, grades or rank but the child's own."""
    from chalicelib.domain.standing import class_standing, group_averages

    return class_standing(group_averages(class_item or {}), student_id, lang)


def statistics(caller: Caller, student_id: str, term_id: str | None, lang: str = "ru") -> dict[str, Any]:
    """Per subject: weighted average, counts by value, the weekly series, projected term grade,
    attendance rate and the child's standing in the class (in words, in `lang`) — all read from the
    stream's aggregates."""
    ctx, _ = Context.open(caller, student_id, "statistics")
    term = ctx.term(term_id)
    mine, klass = store.term_counts(ctx.class_id, student_id, term.term_id)
    ctx.learn(set(mine) | set(klass), set())
    today = ctx.today.isoformat()
    weeks = _weeks(term, ctx.today)
    subjects = []
    for subject_id in sorted(set(mine) | set(klass), key=lambda s: (ctx.subject(s), s)):
        own, cls = mine.get(subject_id, {}), klass.get(subject_id, {})
        avg = average(own.get("sum_vw", 0), own.get("sum_w", 0))
        held = sum(int(v) for k, v in cls.items() if k.startswith("l_") and k[2:] <= today)
        absent = int(own.get("absent", 0))
        subjects.append({
            "subject_id": subject_id, "subject_name": ctx.subject(subject_id), "average": _num(avg),
            "projected_grade": projected(avg), "grades_count": int(own.get("n", 0)),
            "counts": {str(v): int(own.get(f"c{v}", 0)) for v in range(1, 6)},
            "weekly": [{"week": w, "average": _num(average(own.get(f"wvw_{w}", 0), own.get(f"ww_{w}", 0)))}
                       for w in weeks],
            "attendance": {"lessons_held": held, "absent": absent, "late": int(own.get("late", 0)),
                           "rate": attendance_rate(held, absent)},
            "standing": standing(cls, student_id, lang),
        })
    return {"student_id": student_id, "term": term_view(term), "today": today, "subjects": subjects,
            "formula": "sum(value*weight)/sum(weight), rounded half up to 0.01; term grade: half up"}
