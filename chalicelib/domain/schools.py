"""Schools and their structure, as the city operator and school administrators manage them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.dal import accounts as account_store
from chalicelib.dal import schools as store
from chalicelib.domain import applications, search_words
from chalicelib.domain.identifiers import new_school_key
from chalicelib.domain.ids import new_id
from chalicelib.domain.roster import roster_key
from chalicelib.errors import ConflictError, DiaryError, NotFoundError
from chalicelib.records.paging import Page, PageCursor
from chalicelib.records.school import School, SchoolClass, Student, Subject, Teaching, Term

STAFF_ROLES = ("admin", "teacher")


def _page(found: Page[Any], render: Any) -> dict[str, Any]:
    return {"items": [render(item) for item in found.items], "next_cursor": found.next_cursor}


def school_view(school: School) -> dict[str, Any]:
    """A school as the API shows it."""
    return {"school_id": school.school_id, "name": school.name, "address": school.address,
            "timezone": school.timezone, "number": school.number, "district": school.district}


def listing_view(school: School) -> dict[str, Any]:
    """A school as the directory shows it to anyone signed in: never its keys, time zone or staff."""
    return {"school_id": school.school_id, "name": school.name, "number": school.number,
            "district": school.district, "address": school.address}


def _index_for_search(school: School) -> None:
    school.search_name = search_words.indexed(school.name, school.number)
    school.search_district = search_words.indexed(school.district) or None
    school.number_key = search_words.number_key(school.number)


def register_school(name: str, address: str | None, timezone: str, number: str | None = None,
                    district: str | None = None) -> dict[str, Any]:
    """The city operator registers a school."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DiaryError(field="timezone", code="validation_failed") from exc
    school = School(school_id=new_id(), name=name, address=address, timezone=timezone, id_key=new_school_key(),
                    number=number, district=district)
    _index_for_search(school)
    store.add_school(school)
    return school_view(school)


def reindex(school: School) -> None:
    """A school registered before the directory gets its search fields (ops/migrate.py)."""
    _index_for_search(school)
    store.save_school(school)


SCHOOL_CHANGES = ("name", "address", "number", "district")


def change_school(school_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The operator corrects a school's name, address, number or district (None clears the last three)."""
    school = require_school(school_id)
    for name, value in changes.items():
        assert name in SCHOOL_CHANGES
        setattr(school, name, value)
    _index_for_search(school)
    store.save_school(school)
    return school_view(school)


def search_directory(name: str | None, number: str | None, district: str | None, limit: int,
                     cursor: PageCursor | None) -> dict[str, Any]:
    """Schools by name for anyone signed in, narrowed by words of the name, the number, the district."""
    found = store.directory_page(search_words.words(name), search_words.number_key(number) if number else None,
                                 search_words.words(district), limit, cursor)
    return _page(found, listing_view)


def require_school(school_id: str) -> School:
    """The school, or 404."""
    school = store.find_school(school_id)
    if school is None:
        raise NotFoundError(code="school_not_found")
    return school


def list_schools(limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """All schools, by name."""
    return _page(store.schools_page(limit, cursor), school_view)


def grant_staff(school_id: str, role: str, email: str) -> dict[str, Any]:
    """Make a registered, verified account an administrator or teacher of the school."""
    assert role in STAFF_ROLES
    require_school(school_id)
    account_id = account_store.find_account_id(email)
    account = account_store.get_account(account_id) if account_id else None
    if account is None or not account.verified:
        raise NotFoundError(field="email", code="account_not_found")
    account_store.grant_role(account, role, school_id)
    return {"account_id": account.account_id, "name": account.name, "email": account.email, "role": role}


def remove_administrator(school_id: str, account_id: str) -> None:
    """The operator takes the administrator role away (their token is refused from the next request)."""
    if not account_store.has_role(account_id, "admin", school_id):
        raise NotFoundError(code="administrator_not_found")
    account_store.remove_role(account_id, "admin", school_id)


def list_staff(school_id: str, role: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """A school's administrators or teachers, by name."""
    return _page(store.staff_page(school_id, role, limit, cursor),
                 lambda g: {"account_id": g.account_id, "name": g.name, "email": g.email, "role": g.role})


# --- classes, subjects, terms ---------------------------------------------------------


def class_view(item: SchoolClass) -> dict[str, Any]:
    """A class as the API shows it."""
    level = None if item.grade_level is None else int(item.grade_level)  # None: an ungraded group
    return {"class_id": item.class_id, "name": item.name, "grade_level": level}


def add_class(school_id: str, name: str, grade_level: int) -> dict[str, Any]:
    """A new class; its name is unique within the school."""
    require_school(school_id)
    class_id = new_id()
    item = SchoolClass(class_id=class_id, school_id=school_id, name=name, grade_level=grade_level)
    store.add_named(item, taken="class_exists")
    return class_view(item)


def list_classes(school_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The school's classes."""
    return _page(store.classes_page(school_id, limit, cursor), class_view)


def subject_view(item: Subject) -> dict[str, Any]:
    """A subject as the API shows it."""
    return {"subject_id": item.subject_id, "name": item.name}


def add_subject(school_id: str, name: str) -> dict[str, Any]:
    """A new subject; its name is unique within the school."""
    require_school(school_id)
    subject_id = new_id()
    item = Subject(subject_id=subject_id, school_id=school_id, name=name)
    store.add_named(item, taken="subject_exists")
    return subject_view(item)


def list_subjects(school_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The school's subjects."""
    return _page(store.subjects_page(school_id, limit, cursor), subject_view)


def term_view(item: Term) -> dict[str, Any]:
    """A term as the API shows it."""
    return {"term_id": item.term_id, "name": item.name, "starts_on": item.starts_on, "ends_on": item.ends_on}


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    """Whether two closed date ranges share a day."""
    return a_start <= b_end and b_start <= a_end


def add_term(school_id: str, name: str, starts_on: dt.date, ends_on: dt.date) -> dict[str, Any]:
    """A new term: it ends after it starts and shares no day with another term."""
    if ends_on < starts_on:
        raise DiaryError(field="ends_on", code="term_dates")
    require_school(school_id)
    for other in store.terms_of(school_id):
        if overlaps(starts_on, ends_on, dt.date.fromisoformat(other.starts_on), dt.date.fromisoformat(other.ends_on)):
            raise ConflictError(field="starts_on", code="term_overlaps")
    term_id = new_id()
    item = Term(term_id=term_id, school_id=school_id, name=name, starts_on=starts_on.isoformat(),
                ends_on=ends_on.isoformat())
    store.add_term(item)
    return term_view(item)


def list_terms(school_id: str) -> dict[str, Any]:
    """The school's terms in calendar order."""
    terms = sorted(store.terms_of(school_id), key=lambda t: t.starts_on)
    return {"items": [term_view(t) for t in terms], "next_cursor": None}


# --- teaching assignments and students ------------------------------------------------


def teaching_view(item: Teaching) -> dict[str, Any]:
    """A teaching assignment as the API shows it."""
    return {"teacher_id": item.teacher_id, "class_id": item.class_id, "subject_id": item.subject_id}


def assign_teaching(school_id: str, teacher_id: str, class_id: str, subject_id: str) -> dict[str, Any]:
    """A teacher of the school teaches one of its subjects to one of its classes."""
    if not account_store.has_role(teacher_id, "teacher", school_id):
        raise NotFoundError(field="teacher_id", code="teacher_not_found")
    if not store.has_class(school_id, class_id):
        raise NotFoundError(field="class_id", code="class_not_found")
    if not store.has_subject(school_id, subject_id):
        raise NotFoundError(field="subject_id", code="subject_not_found")
    item = Teaching(school_id=school_id, teacher_id=teacher_id, class_id=class_id, subject_id=subject_id)
    store.add_teaching(item)
    return teaching_view(item)


def list_teachings(school_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """Who teaches what to whom at the school."""
    return _page(store.teachings_page(school_id, limit, cursor), teaching_view)


def student_view(item: Student) -> dict[str, Any]:
    """A student as the API shows it."""
    return {"student_id": item.student_id, "class_id": item.class_id, "last_name": item.last_name,
            "first_name": item.first_name, "middle_name": item.middle_name, "birth_date": item.birth_date}


def add_student(school_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A child joins the roster of one of the school's classes."""
    if not store.has_class(school_id, data["class_id"]):
        raise NotFoundError(field="class_id", code="class_not_found")
    item = Student(student_id=new_id(), school_id=school_id, class_id=data["class_id"], last_name=data["last_name"],
                   first_name=data["first_name"], middle_name=data.get("middle_name"),
                   birth_date=data["birth_date"].isoformat())
    key = roster_key(item.last_name, item.first_name, item.middle_name, item.birth_date)
    store.add_student(item, key)
    # Parents whose approved applications waited for this child get their codes now.
    applications.requeue_waiting(school_id, key)
    return student_view(item)


def correct_student(school_id: str, student_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Move a child to another class, or correct their name or birth date."""
    item = store.find_student(school_id, student_id)
    if item is None:
        raise NotFoundError()
    if "class_id" in changes and not store.has_class(school_id, changes["class_id"]):
        raise NotFoundError(field="class_id", code="class_not_found")
    old_key = roster_key(item.last_name, item.first_name, item.middle_name, item.birth_date)
    old_class = item.class_id
    for name, value in changes.items():
        setattr(item, name, value.isoformat() if name == "birth_date" else value)
    new_key = roster_key(item.last_name, item.first_name, item.middle_name, item.birth_date)
    store.correct_student(item, old_key, new_key)
    if new_key != old_key or item.class_id != old_class:
        # A corrected name may match a waiting parent; a new class may tell namesakes apart.
        applications.requeue_waiting(school_id, new_key)
    return student_view(item)


def remove_teacher(school_id: str, teacher_id: str) -> None:
    """The teacher leaves the school: role and assignments go (their token is refused from the next request)."""
    if not account_store.has_role(teacher_id, "teacher", school_id):
        raise NotFoundError(code="teacher_not_found")
    store.remove_teacher(school_id, teacher_id)


def list_students(school_id: str, class_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """A class's roster by surname."""
    if not store.has_class(school_id, class_id):
        raise NotFoundError(field="class_id", code="class_not_found")
    return _page(store.roster_page(school_id, class_id, limit, cursor), student_view)


def get_student(school_id: str, student_id: str) -> dict[str, Any]:
    """One student of the school."""
    item = store.find_student(school_id, student_id)
    if item is None:
        raise NotFoundError()
    return student_view(item)
