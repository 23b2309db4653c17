"""Stored schools and their structure: classes, subjects, terms, teaching assignments, students."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.dal import keys
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
from chalicelib.dal.store import Reading, connection, now_iso, paged, storing
from chalicelib.errors import ConflictError
from chalicelib.records import school as records
from chalicelib.records.paging import Page, PageCursor

ItemT = TypeVar("ItemT", bound=DiaryItem)


def school_pk(school_id: str) -> str:
    """Partition of everything a school owns."""
    return keys.school_partition(school_id)


def _listed(school: School) -> None:
    school.gsi1pk, school.gsi1sk = keys.school_by_name(school.name, school.school_id)


def create_school(school: School) -> None:
    """Register a school."""
    school.pk, school.sk = keys.school(school.school_id)
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
            return Reading(School.gsi1.query(keys.SCHOOLS_BY_NAME, limit=limit, last_evaluated_key=start))
        results = School.gsi1.query(keys.SCHOOLS_BY_NAME, filter_condition=condition, page_size=READ_SIZE,
                                    last_evaluated_key=start)
    return FilteredPage(results, School, limit)


def get_school(school_id: str) -> School | None:
    """A school by id."""
    return _get(School, *keys.school(school_id))


def id_key(school_id: str, make_key: Callable[[], str]) -> str | None:
    """The school's id key; a school registered before schools had one gets `make_key()` now, once
    (a conditional write, so two first uses at the same time still agree). None: no such school."""
    school = _get(School, *keys.school(school_id))
    if school is None or school.id_key:
        return school.id_key if school else None
    try:
        with storing():
            school.update(actions=[School.id_key.set(make_key())], condition=School.id_key.does_not_exist())
    except ConflictError:
        pass  # another request gave it its key first: read theirs
    with storing():
        return str(School.get(*keys.school(school_id), consistent_read=True).id_key)


def list_schools(limit: int, start: dict[str, Any] | None) -> Any:
    """A page of all schools, by name."""
    with storing():
        return Reading(School.gsi1.query(keys.SCHOOLS_BY_NAME, limit=limit, last_evaluated_key=start))


def _get(model: type[ItemT], pk: str, sk: str) -> ItemT | None:
    with storing():
        try:
            return model.get(pk, sk)
        except model.DoesNotExist:
            return None


def create_named(item: DiaryItem, school_id: str, kind: str, name: str, owner_id: str, taken: str) -> None:
    """Save a class or subject while claiming its name within the school, all or nothing."""
    claim = NameClaim(*keys.name_claim(school_id, kind, name), owner_id=owner_id)
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
    return keys.school_class(school_id, class_id)


def get_class(school_id: str, class_id: str) -> SchoolClass | None:
    """One class."""
    return _get(SchoolClass, *keys.school_class(school_id, class_id))


def get_subject(school_id: str, subject_id: str) -> Subject | None:
    """One subject."""
    return _get(Subject, *keys.subject(school_id, subject_id))


def all_terms(school_id: str) -> list[Term]:
    """Every term of the school (a handful a year)."""
    with storing():
        return list(Term.query(school_pk(school_id), Term.sk.startswith(keys.TERMS)))


def get_student(school_id: str, student_id: str) -> Student | None:
    """One student."""
    return _get(Student, *keys.student(school_id, student_id))


def create_student(student: Student, roster_key: str) -> None:
    """Save a student with the roster entry that lets applications find them, all or nothing."""
    entry = RosterEntry(*keys.roster_entry(student.school_id, roster_key, student.student_id),
                        student_id=student.student_id)
    student.created_at = entry.created_at = now_iso()
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(student, condition=Student.pk.does_not_exist())
        tx.save(entry)


def update_student(student: Student, old_roster_key: str, new_roster_key: str) -> None:
    """Save a corrected student; a changed name or birth date moves its roster entry too."""
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(student, condition=Student.pk.exists())
        if old_roster_key != new_roster_key:
            tx.delete(RosterEntry(*keys.roster_entry(student.school_id, old_roster_key, student.student_id)))
            tx.save(RosterEntry(*keys.roster_entry(student.school_id, new_roster_key, student.student_id),
                                student_id=student.student_id, created_at=now_iso()))


def remove_teacher(school_id: str, teacher_id: str) -> int:
    """Take the teacher role and every teaching assignment at the school; returns how many items."""
    from chalicelib.dal.models import RoleGrant

    with storing():
        doomed: list[DiaryItem] = list(Teaching.query(school_pk(school_id),
                                                      Teaching.sk.startswith(keys.teachings_of_teacher(teacher_id))))
        doomed.append(RoleGrant(f"ACCOUNT#{teacher_id}", f"ROLE#{school_id}#teacher"))
        with DiaryItem.batch_write() as batch:
            for item in doomed:
                batch.delete(item)
    return len(doomed)


def students_of_class(school_id: str, class_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a class's students, by surname."""
    with storing():
        return Reading(Student.gsi1.query(keys.students_of_class(school_id, class_id), limit=limit,
                                          last_evaluated_key=start))


def teaches_class(school_id: str, teacher_id: str, class_id: str) -> bool:
    """Whether the teacher teaches the class any subject (one Teaching item is enough)."""
    with storing():
        found = Teaching.query(school_pk(school_id),
                               Teaching.sk.startswith(keys.teachings_of_teacher(teacher_id, class_id)), limit=1)
        return any(True for _ in found)


def teachings_of_class(school_id: str, class_id: str) -> list[Teaching]:
    """Every teaching assignment of one class: the school's assignments (keyed by teacher first, a
    few hundred at most: one or two calls) filtered on the class."""
    with storing():
        return list(Teaching.query(school_pk(school_id), Teaching.sk.startswith(keys.TEACHINGS),
                                   filter_condition=Teaching.class_id == class_id))


def teachers_of(school_id: str, class_id: str, subject_id: str) -> list[str]:
    """Who is assigned to teach this subject to this class. The key leads with the teacher, so
    this reads the school's assignments (hundreds at most: classes × subjects) with a filter; it
    runs when an administrator schedules a lesson, never on a family's read."""
    with storing():
        found = Teaching.query(school_pk(school_id), Teaching.sk.startswith(keys.TEACHINGS),
                               filter_condition=(Teaching.class_id == class_id) & (Teaching.subject_id == subject_id))
        return sorted({item.teacher_id for item in found})


def get_teaching(school_id: str, teacher_id: str, class_id: str, subject_id: str) -> Teaching | None:
    """Whether this teacher teaches this subject to this class."""
    return _get(Teaching, *keys.teaching(school_id, teacher_id, class_id, subject_id))


# --- records in, records out (the domain's side of the seam) ---------------------------

SCHOOL_FIELDS = ("school_id", "name", "address", "timezone", "id_key", *DIRECTORY_FIELDS[2:])


def school_record(item: School) -> records.School:
    """A stored school as the domain sees it (ops/migrate.py reads them raw)."""
    return records.School(item.school_id, item.name, item.address, item.timezone, item.id_key, item.number,
                          item.district, item.number_key, item.search_name, item.search_district)


def _school_item(school: records.School) -> School:
    return School(*keys.school(school.school_id), **{name: getattr(school, name) for name in SCHOOL_FIELDS})


def class_record(item: SchoolClass) -> records.SchoolClass:
    """A stored class as the domain sees it."""
    return records.SchoolClass(item.class_id, item.school_id, item.name,
                               None if item.grade_level is None else int(item.grade_level))


def subject_record(item: Subject) -> records.Subject:
    """A stored subject as the domain sees it."""
    return records.Subject(item.subject_id, item.school_id, item.name)


def term_record(item: Term) -> records.Term:
    """A stored term as the domain sees it."""
    return records.Term(item.term_id, item.school_id, item.name, item.starts_on, item.ends_on)


def teaching_record(item: Teaching) -> records.Teaching:
    """A stored teaching assignment as the domain sees it."""
    return records.Teaching(item.school_id, item.teacher_id, item.class_id, item.subject_id)


def student_record(item: Student) -> records.Student:
    """A stored student as the domain sees it."""
    return records.Student(item.student_id, item.school_id, item.class_id, item.last_name, item.first_name,
                           item.middle_name, item.birth_date)


def class_item(klass: records.SchoolClass) -> SchoolClass:
    """A class as stored."""
    return SchoolClass(*keys.school_class(klass.school_id, klass.class_id), class_id=klass.class_id,
                       school_id=klass.school_id, name=klass.name, grade_level=klass.grade_level)


def subject_item(subject: records.Subject) -> Subject:
    """A subject as stored."""
    return Subject(*keys.subject(subject.school_id, subject.subject_id), subject_id=subject.subject_id,
                   school_id=subject.school_id, name=subject.name)


def term_item(term: records.Term) -> Term:
    """A term as stored."""
    return Term(*keys.term(term.school_id, term.term_id), term_id=term.term_id, school_id=term.school_id,
                name=term.name, starts_on=term.starts_on, ends_on=term.ends_on)


def teaching_item(teaching: records.Teaching) -> Teaching:
    """A teaching assignment as stored."""
    return Teaching(*keys.teaching(teaching.school_id, teaching.teacher_id, teaching.class_id, teaching.subject_id),
                    school_id=teaching.school_id, teacher_id=teaching.teacher_id, class_id=teaching.class_id,
                    subject_id=teaching.subject_id)


def student_item(student: records.Student) -> Student:
    """A student as stored, in its class's roster by surname (GSI1)."""
    item = Student(*keys.student(student.school_id, student.student_id), student_id=student.student_id,
                   school_id=student.school_id, class_id=student.class_id, last_name=student.last_name,
                   first_name=student.first_name, middle_name=student.middle_name, birth_date=student.birth_date)
    if student.class_id:  # a student taken out of their class (class_id "") is on no class's roster
        item.gsi1pk = keys.students_of_class(student.school_id, student.class_id)
        item.gsi1sk = keys.roster_place(student.last_name, student.first_name, student.student_id)
    return item


def name_claim_item(claim: records.NameClaim) -> NameClaim:
    """A name claim as stored."""
    return NameClaim(*keys.name_claim(claim.school_id, claim.kind, claim.name), owner_id=claim.owner_id)


def roster_entry_item(entry: records.RosterEntry) -> RosterEntry:
    """A roster entry as stored."""
    return RosterEntry(*keys.roster_entry(entry.school_id, entry.roster_key, entry.student_id),
                       student_id=entry.student_id)


def add_school(school: records.School) -> None:
    """Register a school."""
    create_school(_school_item(school))


def save_school(school: records.School) -> None:
    """Save the operator's corrections to a school's directory fields."""
    update_school(_school_item(school))


def find_school(school_id: str) -> records.School | None:
    """A school by id."""
    item = get_school(school_id)
    return school_record(item) if item else None


def schools_page(limit: int, cursor: PageCursor | None) -> Page[records.School]:
    """A page of all schools, by name."""
    return paged(lambda start: list_schools(limit, start), cursor, school_record)


def directory_page(name_words: list[str], number_key: str | None, district_words: list[str], limit: int,
                   cursor: PageCursor | None) -> Page[records.School]:
    """A page of the city's directory, filtered by what was asked."""
    return paged(lambda start: directory(name_words, number_key, district_words, limit, start), cursor,
                 school_record)


def staff_page(school_id: str, role: str, limit: int, cursor: PageCursor | None) -> Page[Any]:
    """A page of a school's administrators or teachers, by name (their grants: account_id, name, email, role)."""
    from chalicelib.dal import accounts

    return paged(lambda start: accounts.staff_of(school_id, role, limit, start), cursor, lambda grant: grant)


def add_named(named: records.SchoolClass | records.Subject, taken: str) -> None:
    """Save a new class or subject while claiming its name within the school, all or nothing."""
    if isinstance(named, records.SchoolClass):
        create_named(class_item(named), named.school_id, "CLASS", named.name, named.class_id, taken)
    else:
        create_named(subject_item(named), named.school_id, "SUBJECT", named.name, named.subject_id, taken)


def add_term(term: records.Term) -> None:
    """Save a new term."""
    save_new(term_item(term))


def add_teaching(teaching: records.Teaching) -> None:
    """Save a new teaching assignment (taken: a conflict)."""
    save_new(teaching_item(teaching))


def classes_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[records.SchoolClass]:
    """A page of the school's classes."""
    return paged(lambda start: children(SchoolClass, school_id, keys.CLASSES, limit, start), cursor, class_record)


def subjects_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[records.Subject]:
    """A page of the school's subjects."""
    return paged(lambda start: children(Subject, school_id, keys.SUBJECTS, limit, start), cursor, subject_record)


def teachings_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[records.Teaching]:
    """A page of the school's teaching assignments."""
    return paged(lambda start: children(Teaching, school_id, keys.TEACHINGS, limit, start), cursor,
                 teaching_record)


def roster_page(school_id: str, class_id: str, limit: int, cursor: PageCursor | None) -> Page[records.Student]:
    """A page of a class's students, by surname."""
    return paged(lambda start: students_of_class(school_id, class_id, limit, start), cursor, student_record)


def terms_of(school_id: str) -> list[records.Term]:
    """Every term of the school (a handful a year)."""
    return [term_record(t) for t in all_terms(school_id)]


def classes_of(school_id: str) -> list[records.SchoolClass]:
    """The school's classes (the first thousand: a school has a few dozen)."""
    return [class_record(c) for c in children(SchoolClass, school_id, keys.CLASSES, 1000, None)]


def subjects_of(school_id: str) -> list[records.Subject]:
    """The school's subjects (the first thousand: a school has a few dozen)."""
    return [subject_record(s) for s in children(Subject, school_id, keys.SUBJECTS, 1000, None)]


def find_class(school_id: str, class_id: str) -> records.SchoolClass | None:
    """One class (its name for a page's heading)."""
    item = get_class(school_id, class_id)
    return class_record(item) if item else None


def find_subject(school_id: str, subject_id: str) -> records.Subject | None:
    """One subject (its name for a page's heading)."""
    item = get_subject(school_id, subject_id)
    return subject_record(item) if item else None


def has_class(school_id: str, class_id: str) -> bool:
    """Whether the school has this class."""
    return get_class(school_id, class_id) is not None


def has_subject(school_id: str, subject_id: str) -> bool:
    """Whether the school teaches this subject."""
    return get_subject(school_id, subject_id) is not None


def find_student(school_id: str, student_id: str) -> records.Student | None:
    """One student."""
    item = get_student(school_id, student_id)
    return student_record(item) if item else None


def add_student(student: records.Student, roster_key: str) -> None:
    """Save a new student with the roster entry that lets applications find them, all or nothing."""
    create_student(student_item(student), roster_key)


def correct_student(student: records.Student, old_roster_key: str, new_roster_key: str) -> None:
    """Save a corrected student; a changed name or birth date moves its roster entry too."""
    update_student(student_item(student), old_roster_key, new_roster_key)


def is_teaching(school_id: str, teacher_id: str, class_id: str, subject_id: str) -> bool:
    """Whether this teacher teaches this subject to this class."""
    return get_teaching(school_id, teacher_id, class_id, subject_id) is not None


def whole_roster(school_id: str, class_id: str) -> list[records.Student]:
    """Every student of a class, by surname (pages of 100: a class is about thirty)."""
    students: list[records.Student] = []
    start = None
    while True:
        found = students_of_class(school_id, class_id, 100, start)
        students.extend(student_record(i) for i in found)
        start = found.last_evaluated_key
        if not start:
            return students


def class_teachings(school_id: str, class_id: str) -> list[records.Teaching]:
    """Every teaching assignment of one class (see `teachings_of_class`)."""
    return [teaching_record(t) for t in teachings_of_class(school_id, class_id)]


# --- the teacher's classes («Мои классы», docs/staff.md) --------------------------------


def teachings_of(school_id: str, teacher_id: str) -> list[records.Teaching]:
    """Every teaching assignment of one teacher at the school: one Query (the key leads with the teacher)."""
    with storing():
        found = Teaching.query(school_pk(school_id), Teaching.sk.startswith(keys.teachings_of_teacher(teacher_id)))
        return [teaching_record(t) for t in found]
