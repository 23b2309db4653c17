"""The names an alert shows (school, subject, teacher, sender, child), read once per invocation.

Names are read for each invocation — a queue batch, or one job called on its own — and forgotten
after it: a parent or teacher renamed between two batches is named anew, while a batch of alerts
about one school reads them once (one BatchGetItem for all that is missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from chalicelib.dal import alerts as store
from chalicelib.dal import schools as school_store
from chalicelib.domain.alert_rules import AlertEvent

_names: ContextVar[dict[tuple[str, ...], Any] | None] = ContextVar("alert_names", default=None)
DEFAULT_TIMEZONE = "Europe/Moscow"


@contextmanager
def fresh_names() -> Iterator[None]:
    """Within this block each name is read at most once; outside it, never kept (nested: the outer
    block's names)."""
    if _names.get() is not None:
        yield
        return
    token = _names.set({})
    try:
        yield
    finally:
        _names.reset(token)


def _lookup(school_id: str, subject_ids: Iterable[str | None] = (),
            account_ids: Iterable[str | None] = ()) -> dict[tuple[str, ...], Any]:
    """The names wanted, those not read yet in this invocation read together in one call."""
    memo = _names.get()
    if memo is None:
        memo = {}
    with_school = ("school", school_id) not in memo
    subjects = [s for s in dict.fromkeys(subject_ids) if s and ("subject", school_id, s) not in memo]
    people = [a for a in dict.fromkeys(account_ids) if a and ("person", a) not in memo]
    if with_school or subjects or people:
        school, subject_names, person_names = store.names(school_id, with_school, subjects, people)
        if with_school:
            memo[("school", school_id)] = (school[0], school[1] or DEFAULT_TIMEZONE) if school \
                else ("", DEFAULT_TIMEZONE)
        memo.update({("subject", school_id, s): subject_names.get(s, "") for s in subjects})
        memo.update({("person", a): person_names.get(a, "") for a in people})
    return memo


def school(school_id: str) -> tuple[str, str]:
    """The school's name and time zone."""
    found: tuple[str, str] = _lookup(school_id)[("school", school_id)]
    return found


def child(school_id: str, student_id: str) -> dict[str, str]:
    """The child as an alert names them, and the gender its verbs agree with («получил» or
    «получила»): the roster has no gender, so it is read from the first name and patronymic
    ("" when they do not tell: the templates then use a phrasing without a gendered verb)."""
    from chalicelib.mail.wording import gender  # morphology loads only when an alert names a child

    student = school_store.get_student(school_id, student_id) if student_id else None
    if student is None:
        return {"child": "", "child_gender": ""}
    return {"child": student.first_name, "child_gender": gender(student.first_name, student.middle_name)}


def details(event: AlertEvent) -> dict[str, Any]:
    """What the alert's templates show of the event: its data and the names it points to."""
    data = dict(event.data)
    subject_id, teacher_id, sender_id = (event.data.get(k) for k in ("subject_id", "teacher_id", "sender_id"))
    names = _lookup(event.school_id, [subject_id], [teacher_id, sender_id])
    data["school"] = names[("school", event.school_id)][0]
    data["subject"] = names[("subject", event.school_id, subject_id)] if subject_id else ""
    data["teacher"] = names[("person", teacher_id)] if teacher_id else ""
    data["sender"] = names[("person", sender_id)] if sender_id else ""
    return data
