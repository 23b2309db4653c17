"""Stored schools and their structure: classes, subjects, terms, teaching assignments, students."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import (
    DiaryItem,
    NameClaim,
    RosterEntry,
    School,
    SchoolClass,
    Student,
    Subject,
    Teaching,
    Term,
)
from chalicelib.dal.search import READ_SIZE, FilteredPage, word_prefixes
from chalicelib.dal.store import Reading, connection, now_iso, storing
from chalicelib.errors import ConflictError

ItemT = TypeVar("ItemT", bound=DiaryItem)


def school_pk(school_id: str) -> str:
    """Partition of everything a school owns."""
    return f"SCHOOL#{school_id}"


def _listed(school: School) -> None:
    school.gsi1pk, school.gsi1sk = "SCHOOLS", f"{school.name}#{school.school_id}"


def create_school(school: School) -> None:
    """Register a school."""
    school.pk, school.sk = school_pk(school.school_id), "SCHOOL"
    _listed(school)
    school.created_at = now_iso()
    with storing():
        school.save(condition=School.pk.does_not_exist())


DIRECTORY_FIELDS = ("name", "address", "number", "district", "number_key", "search_name", "search_district")


def update_school(school: School) -> None:
    """Save the operator's corrections (a renamed school moves in the by-name list), only the
    directory's fields: the id key and the time zone are never written back from a read copy."""
    _listed(school)
    actions: list[Action] = [School.gsi1pk.set(school.gsi1pk), School.gsi1sk.set(school.gsi1sk)]
    for name in DIRECTORY_FIELDS:
        attribute, value = getattr(School, name), getattr(school, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    with storing():
        school.update(actions=actions, condition=School.pk.exists())


def directory(name_words: list[str], number_key: str | None, district_words: list[str], limit: int,
              start: dict[str, Any] | None) -> Any:
    """A page of the city's schools by name, filtered by what was asked (one partition of the
    by-name list: a city's few thousand schools; bounded per request, dal/search.py)."""
    condition = word_prefixes(School.search_name, name_words)
    for extra in (word_prefixes(School.search_district, district_words),
                  School.number_key == number_key if number_key else None):
        if extra is not None:
            condition = extra if condition is None else condition & extra
    with storing():
        if condition is None:
            return Reading(School.gsi1.query("SCHOOLS", limit=limit, last_evaluated_key=start))
        results = School.gsi1.query("SCHOOLS", filter_condition=condition, page_size=READ_SIZE,
                                    last_evaluated_key=start)
    return FilteredPage(results, School, limit)


def get_school(school_id: str) -> School | None:
    """A school by id."""
    return _get(School, school_pk(school_id), "SCHOOL")


def id_key(school_id: str, make_key: Callable[[], str]) -> str | None:
    """The school's id key; a school registered before schools had one gets `make_key()` now, once
    (a conditional write, so two first uses at the same time still agree). None: no such school."""
    school = _get(School, school_pk(school_id), "SCHOOL")
    if school is None or school.id_key:
        return school.id_key if school else None
    try:
        with storing():
            school.update(actions=[School.id_key.set(make_key())], condition=School.id_key.does_not_exist())
    except ConflictError:
        pass  # another request gave it its key first: read theirs
    with storing():
        return str(School.get(school_pk(school_id), "SCHOOL", consistent_read=True).id_key)


def list_schools(limit: int, start: dict[str, Any] | None) -> Any:
    """A page of all schools, by name."""
    with storing():
        return Reading(School.gsi1.query("SCHOOLS", limit=limit, last_evaluated_key=start))


def _get(model: type[ItemT], pk: str, sk: str) -> ItemT | None:
    with storing():
        try:
            return model.get(pk, sk)
        except model.DoesNotExist:
            return None


def create_named(item: DiaryItem, school_id: str, kind: str, name: str, owner_id: str, taken: str) -> None:
    """Save a class or subject while claiming its name within the school, all or nothing."""
    claim = NameClaim(school_pk(school_id), f"NAME#{kind}#{name.casefold()}", owner_id=owner_id)
    item.created_at = now_iso()
    with storing(conflict=ConflictError(field="name", code=taken)), TransactWrite(connection=connection()) as tx:
        tx.save(claim, condition=NameClaim.pk.does_not_exist())
        tx.save(item, condition=DiaryItem.pk.does_not_exist())


def save_new(item: DiaryItem) -> None:
    """Save an item that must not exist yet."""
    item.created_at = now_iso()
    with storing():
        item.save(condition=DiaryItem.pk.does_not_exist())


def children(model: type[ItemT], school_id: str, prefix: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a school's classes, subjects, terms or teaching assignments."""
    with storing():
        return Reading(model.query(
            school_pk(school_id), model.sk.startswith(prefix), limit=limit, last_evaluated_key=start
        ))


def class_key(school_id: str, class_id: str) -> tuple[str, str]:
    """Where a class is stored."""
    return school_pk(school_id), f"CLASS#{class_id}"


def get_class(school_id: str, class_id: str) -> SchoolClass | None:
    """One class."""
    return _get(SchoolClass, school_pk(school_id), f"CLASS#{class_id}")


def get_subject(school_id: str, subject_id: str) -> Subject | None:
    """One subject."""
    return _get(Subject, school_pk(school_id), f"SUBJECT#{subject_id}")


def all_terms(school_id: str) -> list[Term]:
    """Every term of the school (a handful a year)."""
    with storing():
        return list(Term.query(school_pk(school_id), Term.sk.startswith("TERM#")))


def get_student(school_id: str, student_id: str) -> Student | None:
    """One student."""
    return _get(Student, school_pk(school_id), f"STUDENT#{student_id}")


def create_student(student: Student, roster_key: str) -> None:
    """Save a student with the roster entry that lets applications find them, all or nothing."""
    entry = RosterEntry(school_pk(student.school_id), f"ROSTER#{roster_key}#{student.student_id}",
                        student_id=student.student_id)
    student.created_at = entry.created_at = now_iso()
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(student, condition=Student.pk.does_not_exist())
        tx.save(entry)


def update_student(student: Student, old_roster_key: str, new_roster_key: str) -> None:
    """Save a corrected student; a changed name or birth date moves its roster entry too."""
    pk = school_pk(student.school_id)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(student, condition=Student.pk.exists())
        if old_roster_key != new_roster_key:
            tx.delete(RosterEntry(pk, f"ROSTER#{old_roster_key}#{student.student_id}"))
            tx.save(RosterEntry(pk, f"ROSTER#{new_roster_key}#{student.student_id}",
                                student_id=student.student_id, created_at=now_iso()))


def remove_teacher(school_id: str, teacher_id: str) -> int:
    """Take the teacher role and every teaching assignment at the school; returns how many items."""
    from chalicelib.dal.models import RoleGrant

    with storing():
        doomed: list[DiaryItem] = list(Teaching.query(school_pk(school_id),
                                                      Teaching.sk.startswith(f"TEACHING#{teacher_id}#")))
        doomed.append(RoleGrant(f"ACCOUNT#{teacher_id}", f"ROLE#{school_id}#teacher"))
        with DiaryItem.batch_write() as batch:
            for item in doomed:
                batch.delete(item)
    return len(doomed)


def students_of_class(school_id: str, class_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a class's students, by surname."""
    with storing():
        return Reading(Student.gsi1.query(f"CLASS#{school_id}#{class_id}", limit=limit, last_evaluated_key=start))


def teaches_class(school_id: str, teacher_id: str, class_id: str) -> bool:
    """Whether the teacher teaches the class any subject (one Teaching item is enough)."""
    with storing():
        found = Teaching.query(school_pk(school_id), Teaching.sk.startswith(f"TEACHING#{teacher_id}#{class_id}#"),
                               limit=1)
        return any(True for _ in found)


def teachings_of_class(school_id: str, class_id: str) -> list[Teaching]:
    """Every teaching assignment of one class: the school's assignments (keyed by teacher first, a
    few hundred at most: one or two calls) filtered on the class."""
    with storing():
        return list(Teaching.query(school_pk(school_id), Teaching.sk.startswith("TEACHING#"),
                                   filter_condition=Teaching.class_id == class_id))


def teachers_of(school_id: str, class_id: str, subject_id: str) -> list[str]:
    """Who is assigned to teach this subject to this class. The key leads with the teacher, so
    this reads the school's assignments (hundreds at most: classes × subjects) with a filter; it
    runs when an administrator schedules a lesson, never on a family's read."""
    with storing():
        found = Teaching.query(school_pk(school_id), Teaching.sk.startswith("TEACHING#"),
                               filter_condition=(Teaching.class_id == class_id) & (Teaching.subject_id == subject_id))
        return sorted({item.teacher_id for item in found})


def get_teaching(school_id: str, teacher_id: str, class_id: str, subject_id: str) -> Teaching | None:
    """Whether this teacher teaches this subject to this class."""
    return _get(Teaching, school_pk(school_id), f"TEACHING#{teacher_id}#{class_id}#{subject_id}")
