"""Term aggregates kept from the table's stream, so statistics are read, never recomputed.

Per student × subject × term (PK=STUDENT#<student>, SK=STAT#<term>#<subject>):
  sum_vw (Σ value·weight), sum_w (Σ weight), n (grades), c1…c5 (grades of each value),
  wvw_<monday> / ww_<monday> (the same sums per school week), absent, late, excused, unexcused.
Per class × subject × term (PK=CLASS#<class>, SK=STAT#<term>#<subject>):
  vw_<student> / w_<student> (each classmate's sums, for the standing), l_<date> (lessons held).

Week pages (PK=CLASS#<class> | STUDENT#<student>, SK=WEEK#<monday>): each lesson, homework, grade
and attendance mark is copied, as the week view shows it, into its week's page; an entry is set
from the record's new image and removed with the record, so replaying a batch changes nothing.

A stream record contributes the difference between its new and old images, so a correction
or a deletion moves the sums exactly; each record is applied once (its event id is marked in
the same transaction as the ADDs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.dal import diary as store
from chalicelib.dal import keys

Updates = list[tuple[str, str, dict[str, int]]]


@dataclass(frozen=True)
class Change:
    """One stream record, its images already plain Python values."""

    event_id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def monday_of(date: str) -> str:
    """The Monday of the school week a date falls in."""
    day = dt.date.fromisoformat(date)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


class Terms:
    """Which term a date belongs to, reading each school's terms once per batch."""

    def __init__(self) -> None:
        self._by_school: dict[str, list[tuple[str, str, str]]] = {}

    def of(self, school_id: str, date: str) -> str | None:
        """The term holding this date, or None (outside every term: counted nowhere)."""
        if school_id not in self._by_school:
            self._by_school[school_id] = [(t.starts_on, t.ends_on, t.term_id) for t in store.terms(school_id)]
        return next((term for first, last, term in self._by_school[school_id] if first <= date <= last), None)


def _contribution(image: dict[str, Any] | None, terms: Terms) -> Updates:
    if not image:
        return []
    kind, school = image.get("kind"), str(image.get("school_id") or "")
    if kind not in ("Grade", "AttendanceMark", "Lesson") or not image.get("date") or not image.get("subject_id"):
        return []
    term = terms.of(school, str(image["date"]))
    if term is None:
        return []
    sk = store.stat_sk(term, str(image["subject_id"]))
    student, klass = str(image.get("student_id") or ""), str(image.get("class_id") or "")
    if kind == "Grade":
        value, weight = int(image["value"]), int(image.get("weight") or 1)
        week = monday_of(str(image["date"]))
        return [(keys.student_partition(student), sk, {"sum_vw": value * weight, "sum_w": weight, "n": 1,
                                                       f"c{value}": 1, f"wvw_{week}": value * weight,
                                                       f"ww_{week}": weight}),
                (keys.class_partition(klass), sk, {f"vw_{student}": value * weight, f"w_{student}": weight})]
    if kind == "AttendanceMark":
        mark = str(image["mark"])
        excused = "excused" if image.get("excused") else "unexcused"
        return [(keys.student_partition(student), sk, {mark: 1, excused: 1})]
    if image.get("cancelled"):
        return []
    return [(keys.class_partition(klass), sk, {f"l_{image['date']}": 1})]


def deltas(change: Change, terms: Terms) -> Updates:
    """What one record adds to which aggregate: new contribution minus old, zeros dropped."""
    merged: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, image in ((-1, change.old), (1, change.new)):
        for pk, sk, values in _contribution(image, terms):
            for attr, value in values.items():
                merged[(pk, sk)][attr] += sign * value
    out: Updates = []
    for (pk, sk), values in merged.items():
        nonzero = {k: v for k, v in values.items() if v}
        if nonzero:
            out.append((pk, sk, nonzero))
    return out


def directory_names(image: dict[str, Any] | None) -> tuple[str, dict[str, str]] | None:
    """A subject's or a teacher's name for the school's directory, if the record carries one."""
    if not image:
        return None
    if image.get("kind") == "Subject" and image.get("name"):
        return str(image["school_id"]), {f"s:{image['subject_id']}": str(image["name"])}
    if image.get("kind") == "RoleGrant" and image.get("role") == "teacher" and image.get("school_id"):
        return str(image["school_id"]), {f"t:{image['account_id']}": str(image.get("name") or "")}
    return None


# kind -> (the id naming the entry, what the week view shows of it); the entry's name is keys.week_entry
PAGE_ENTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Lesson": ("lesson_id", ("lesson_id", "subject_id", "teacher_id", "date", "starts_at", "ends_at",
                             "room", "topic", "cancelled")),
    "Homework": ("lesson_id", ("lesson_id", "text", "due_date")),
    "Grade": ("grade_id", ("grade_id", "lesson_id", "date", "value", "weight", "work_kind", "remark")),
    "AttendanceMark": ("lesson_id", ("lesson_id", "mark", "excused", "minutes_late")),
}
PageEntries = dict[tuple[str, str], dict[str, dict[str, Any] | None]]


def page_entry(image: dict[str, Any] | None) -> tuple[tuple[str, str], str, dict[str, Any]] | None:
    """Where a journal record shows in a week page, and what it shows there."""
    if not image or image.get("kind") not in PAGE_ENTRIES or not image.get("date") or not image.get("PK"):
        return None
    kind = str(image["kind"])
    id_field, fields = PAGE_ENTRIES[kind]
    entry = {f: image.get(f) for f in fields}
    return (store.week_page_key(str(image["PK"]), monday_of(str(image["date"]))),
            keys.week_entry(kind, str(image[id_field])), entry)


def week_pages(changes: Iterable[Change]) -> PageEntries:
    """The week-page entries a batch sets or removes; a later record of the same entry wins."""
    pages: PageEntries = {}
    for change in changes:
        for image, present in ((change.old, False), (change.new, True)):
            found = page_entry(image)
            if found:
                key, attr, entry = found
                pages.setdefault(key, {})[attr] = entry if present else None
    return pages


def grade_news(changes: Iterable[Change]) -> dict[str, dict[str, bool]]:
    """Per student, the grades a batch posts (True) or takes away (False); a correction is not news."""
    news: dict[str, dict[str, bool]] = {}
    for change in changes:
        old, new = change.old or {}, change.new or {}
        image, posted = (new, True) if not old else (old, False) if not new else ({}, False)
        if image.get("kind") == "Grade" and image.get("student_id") and image.get("grade_id"):
            news.setdefault(str(image["student_id"]), {})[str(image["grade_id"])] = posted
    return news


def note_grade_news(changes: Iterable[Change]) -> None:
    """Count new grades on the links of those who will see them ("new grades" in the list of
    children); a grade deleted before anyone looked stops counting."""
    from chalicelib.dal import children as links
    from chalicelib.domain.children import grade_watchers

    for student_id, grades in grade_news(changes).items():
        for account_id in grade_watchers(student_id):
            links.note_grades(student_id, account_id, {g for g, posted in grades.items() if posted}, unseen=True)
            links.note_grades(student_id, account_id, {g for g, posted in grades.items() if not posted}, unseen=False)


def apply(changes: Iterable[Change]) -> int:
    """Apply a batch of stream records; returns how many moved an aggregate."""
    changes = list(changes)
    store.save_week_pages(week_pages(changes))
    note_grade_news(changes)
    terms = Terms()
    applied = 0
    for change in changes:
        named = directory_names(change.new)
        if named:
            store.set_names(*named)
        updates = deltas(change, terms)
        if updates and store.apply_once(change.event_id, updates):
            applied += 1
    return applied
