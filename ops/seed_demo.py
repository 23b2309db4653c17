"""The demo school `make run` loads: idempotent, so a second start adds nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import children as child_store
from chalicelib.dal.store import PageCursor
from chalicelib.domain import journal, schools
from chalicelib.domain.accounts import bootstrap_operator, create_verified_account
from chalicelib.errors import ConflictError

SCHOOL_NAME = "ГБОУ СОШ № 239 (демо)"


@dataclass(frozen=True)
class Login:
    """A demo person and how they log in."""

    role: str
    email: str
    password: str
    name: str


OPERATOR = Login("city operator", "operator@demo.ediary.example", "Demo-Operator-2026", "Оператор Города")
ADMIN = Login("school administrator", "admin@demo.ediary.example", "Demo-Admin-2026", "Смирнов Алексей Викторович")
TEACHER = Login("teacher", "teacher@demo.ediary.example", "Demo-Teacher-2026", "Петрова Анна Сергеевна")
PARENT = Login("parent", "parent@demo.ediary.example", "Demo-Parent-2026", "Иванова Мария Петровна")
PARENT_PHONE = "+79160000239"  # confirmed, as if its texted code had been typed: SMS alerts go only to such
# A second parent whose application waits at the desk, so a newcomer can process one (docs/staff.md).
APPLICANT = Login("parent at the desk", "applicant@demo.ediary.example", "Demo-Applicant-2026",
                  "Алексеев Игорь Николаевич")
LOGINS = (OPERATOR, ADMIN, TEACHER, PARENT, APPLICANT)

CLASSES = [("5А", 5), ("5Б", 5), ("9А", 9)]
SUBJECTS = ["Математика", "Русский язык", "Литература", "История", "Английский язык"]
TERMS = [
    ("1 четверть", "2026-09-01", "2026-10-25"),
    ("2 четверть", "2026-11-05", "2026-12-28"),
    ("3 четверть", "2027-01-12", "2027-03-21"),
    ("4 четверть", "2027-04-01", "2027-05-31"),
]
# Each class's two lessons a day: (starts, ends, subject, room, the demo teacher's topics by weekday
# or None for a lesson with no teacher in the demo). The teacher posts topics, homework and grades.
TIMETABLE = {
    "5А": [("08:30", "09:15", "Математика", "214",
            ["Натуральные числа", "Сложение и вычитание", "Умножение", "Деление с остатком", "Дроби"]),
           ("09:25", "10:10", "Русский язык", "215", None)],
    "5Б": [("08:30", "09:15", "Литература", "216", None),
           ("09:25", "10:10", "Математика", "214",
            ["Натуральные числа", "Числовой луч", "Сравнение чисел", "Округление", "Прикидка результата"])],
    "9А": [("10:20", "11:05", "Английский язык", "301",
            ["Present Perfect", "Past Simple", "Reported Speech", "Passive Voice", "Conditionals"]),
           ("11:15", "12:00", "История", "305", None)],
}
STUDENTS_5A = [
    ("Иванов", "Пётр", "Сергеевич", "2015-03-14"),
    ("Алексеева", "Дарья", "Игоревна", "2015-07-02"),
    ("Соколов", "Михаил", "Андреевич", "2015-01-20"),
    ("Кузнецова", "Анна", "Дмитриевна", "2015-11-09"),
]
# The rest of a realistic class (25 pupils) for the class journal: enrolled, but the seeding grades only
# the four above, so a newcomer signed in as the demo teacher has today's column to fill in.
STUDENTS_5A += [
    ("Белов", "Артём", "Олегович", "2015-02-11"), ("Васильева", "София", "Павловна", "2015-04-23"),
    ("Громов", "Илья", "Сергеевич", "2015-06-05"), ("Давыдова", "Ева", "Андреевна", "2015-08-17"),
    ("Егоров", "Максим", "Ильич", "2015-10-29"), ("Жукова", "Алиса", "Романовна", "2015-01-08"),
    ("Зайцев", "Кирилл", "Денисович", "2015-03-19"), ("Исаева", "Полина", "Михайловна", "2015-05-30"),
    ("Комаров", "Глеб", "Витальевич", "2015-07-12"), ("Лебедева", "Мария", "Алексеевна", "2015-09-24"),
    ("Морозов", "Тимофей", "Юрьевич", "2015-12-03"), ("Никитина", "Варвара", "Олеговна", "2015-02-14"),
    ("Орлов", "Лев", "Константинович", "2015-04-26"), ("Павлова", "Ксения", "Игоревна", "2015-06-08"),
    ("Романов", "Даниил", "Евгеньевич", "2015-08-20"), ("Семёнова", "Вера", "Николаевна", "2015-10-01"),
    ("Тарасов", "Егор", "Владимирович", "2015-11-13"), ("Устинова", "Злата", "Максимовна", "2015-01-25"),
    ("Фёдоров", "Марк", "Антонович", "2015-03-07"), ("Харитонова", "Ника", "Сергеевна", "2015-05-18"),
    ("Чернов", "Арсений", "Петрович", "2015-07-29"),
]
GRADED_5A = 4  # the seeding grades these first pupils of STUDENTS_5A at each lesson


def _existing_school_id() -> str | None:
    return next((str(s["school_id"]) for s in _every(schools.list_schools) if s["name"] == SCHOOL_NAME), None)


def seed(today: dt.date | None = None) -> str:
    """Create the demo school and people unless they exist; returns the school id. A kept school
    (a checkout started again, maybe weeks later, or a start interrupted half-way) still gets its
    parent's link and every class its lessons of the current week up to `today`, so there is
    always a week to read. Nothing lies after today, and what the seeding writes alerts no one."""
    from chalicelib.dal import journal as journal_store
    from chalicelib.domain.alert_rules import SEEDED_SOURCE

    today = today or dt.date.today()
    bootstrap_operator(OPERATOR.email, OPERATOR.password, OPERATOR.name)
    for person in (ADMIN, TEACHER, PARENT, APPLICANT):
        create_verified_account(person.email, person.password, person.name)
    school_id = _existing_school_id() or _new_school()
    class_ids, subject_ids, teacher_id, pupils = _demo_classes(school_id)
    if not list(child_store.children_of(_account_id(PARENT.email), 1, None)):
        _link_parent(school_id, pupils[0])
    _text_the_parent(pupils[0])
    _apply_for_a_pupil(school_id)
    with journal_store.written_as(SEEDED_SOURCE):
        for name, class_id in class_ids.items():
            _this_week(school_id, name, class_id, subject_ids, teacher_id,
                       pupils[:GRADED_5A] if name == "5А" else [], today)
    return school_id


def _new_school() -> str:
    """The school, its staff, classes, subjects and terms (the teaching assignments: _demo_classes)."""
    school_id = str(schools.register_school(SCHOOL_NAME, "Кирочная ул., 8, Санкт-Петербург", "Europe/Moscow",
                                            number="239", district="Центральный район")["school_id"])
    _grant(school_id, "admin", ADMIN.email)
    _grant(school_id, "teacher", TEACHER.email)
    for name, level in CLASSES:
        schools.add_class(school_id, name, level)
    for name in SUBJECTS:
        schools.add_subject(school_id, name)
    for name, start, end in TERMS:
        schools.add_term(school_id, name, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return school_id


def _every(listing: Callable[..., dict[str, Any]], *args: str) -> Iterator[dict[str, Any]]:
    """Every item of a paged list, page after page (a school may have far more than 100 classes)."""
    cursor = None
    while True:
        page = listing(*args, 100, PageCursor(cursor, f"seed_demo:{listing.__name__}:{':'.join(args)}"))
        yield from page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return


def _demo_classes(school_id: str) -> tuple[dict[str, str], dict[str, str], str, list[str]]:
    """The classes and subjects by name, the teacher (teaching every timetabled lesson with topics,
    assigned when not yet), and 5А's pupils (enrolled when it has none) in the order of STUDENTS_5A."""
    from chalicelib.dal import schools as school_store

    class_ids = {str(c["name"]): str(c["class_id"]) for c in _every(schools.list_classes, school_id)
                 if c["name"] in TIMETABLE}
    subject_ids = {s["name"]: s["subject_id"] for s in _every(schools.list_subjects, school_id)}
    teacher_id = _account_id(TEACHER.email)
    for name, lessons in TIMETABLE.items():
        for *_, subject, _room, topics in lessons:
            if topics and school_store.get_teaching(school_id, teacher_id, class_ids[name], subject_ids[subject]) \
                    is None:
                schools.assign_teaching(school_id, teacher_id, class_ids[name], subject_ids[subject])
    class_id = class_ids["5А"]
    students = list(_every(schools.list_students, school_id, class_id))
    # Enrolled when the class has none, or a kept demo of four made before the class grew.
    if not students or {s["last_name"] for s in students} == {last for last, *_ in STUDENTS_5A[:GRADED_5A]}:
        enrolled = {s["last_name"] for s in students}
        students += [schools.add_student(school_id, {"class_id": class_id, "last_name": last, "first_name": first,
                                                     "middle_name": middle,
                                                     "birth_date": dt.date.fromisoformat(born)})
                     for last, first, middle, born in STUDENTS_5A if last not in enrolled]
    order = [last for last, *_ in STUDENTS_5A]
    pupils = [str(s["student_id"]) for s in sorted(students, key=lambda s: order.index(s["last_name"])
                                                    if s["last_name"] in order else len(order))]
    return class_ids, subject_ids, teacher_id, pupils


def _account_id(email: str) -> str:
    found = account_store.find_account_id(email)
    assert found is not None, email
    return found


def _link_parent(school_id: str, student_id: str) -> None:
    # As if the parent's application had been checked, approved and its code redeemed.
    from chalicelib.dal.models import Guardianship

    parent_id = _account_id(PARENT.email)
    link = Guardianship(f"STUDENT#{student_id}", f"ACCESS#{parent_id}", account_id=parent_id,
                        student_id=student_id, school_id=school_id, relation="mother")
    link.gsi1pk, link.gsi1sk = f"CHILDREN#{parent_id}", student_id
    link.save()


def _apply_for_a_pupil(school_id: str) -> None:
    """The second parent's application for Алексеева Дарья (5А), filed once: pending until the
    administrator processes it at the desk (a pending application alerts no one)."""
    from chalicelib.domain import applications

    applicant_id = _account_id(APPLICANT.email)
    if applications.list_mine(applicant_id, 1, None)["items"]:
        return  # filed at an earlier start, and maybe processed since
    last, first, middle, born = STUDENTS_5A[1]
    applications.file(applicant_id, school_id, {
        "child_last_name": last, "child_first_name": first, "child_middle_name": middle,
        "child_birth_date": dt.date.fromisoformat(born), "class_name": "5А", "relation": "father"})


def _text_the_parent(student_id: str) -> None:
    """The parent's confirmed phone, and grades and absences of the child by SMS as well as email
    (unless the parent chose otherwise in a kept demo), so `make mailbox` shows SMS too."""
    from chalicelib.dal import alerts as alert_store
    from chalicelib.dal import phones
    from chalicelib.records.alerts import StoredPreferences

    parent_id = _account_id(PARENT.email)
    phones.set_verified_phone(parent_id, PARENT_PHONE)
    if alert_store.get_preferences(student_id, parent_id) is None:
        alert_store.save_preferences(student_id, parent_id,
                                     StoredPreferences(channels={"absence": "both", "new_grade": "both"}))


def school_days(today: dt.date) -> list[dt.date]:
    """The current week's school days (Monday to Friday) up to today."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(days=n) for n in range(5) if monday + dt.timedelta(days=n) <= today]


def _this_week(school_id: str, name: str, class_id: str, subject_ids: dict[str, str], teacher_id: str,
               pupils: list[str], today: dt.date) -> None:
    """One class's lessons of this week up to today, as a teacher posts them: each missing one with
    its topic and grades (a late mark on Tuesday), and homework due on the next school day once
    that day has come. Lessons already there stay as they are."""
    from chalicelib.domain.tokens import Caller

    admin = Caller("demo-admin", frozenset({f"admin:{school_id}"}))
    teacher = Caller(teacher_id, frozenset({f"teacher:{school_id}"}))
    days = school_days(today)
    kept = {(lesson["date"], lesson["starts_at"]): lesson
            for lesson in journal.class_lessons(school_id, class_id, days[0], days[-1])} if days else {}
    for day in days:
        weekday = day.weekday()
        for starts, ends, subject, room, topics in TIMETABLE[name]:
            lesson = kept.get((day.isoformat(), starts))
            if lesson is None:
                lesson = journal.schedule_lesson(admin, school_id, class_id, {
                    "date": day, "starts_at": starts, "ends_at": ends, "subject_id": subject_ids[subject],
                    "teacher_id": teacher_id if topics else None, "room": room})
                if topics:
                    _teach(teacher, school_id, class_id, str(lesson["lesson_id"]), topics[weekday], pupils, weekday)
            due = day + dt.timedelta(days=3 if weekday == 4 else 1)
            if topics and not lesson.get("homework") and due <= today:
                journal.set_homework(teacher, school_id, class_id, str(lesson["lesson_id"]),
                                     f"Учебник, стр. {40 + weekday * 3}, № 1–5", due, None)


def _teach(teacher: Any, school_id: str, class_id: str, lesson_id: str, topic: str, pupils: list[str],
           weekday: int) -> None:
    journal.set_topic(teacher, school_id, class_id, lesson_id, topic, None)
    for n, pupil in enumerate(pupils):
        journal.post_grade(teacher, school_id, class_id, lesson_id, {
            "student_id": pupil, "value": 5 - (n + weekday) % 3, "weight": 1 + (weekday == 4),
            "work_kind": "test" if weekday == 4 else "classwork",
            "remark": "Молодец!" if (n + weekday) % 3 == 0 else None})
    if weekday == 1 and pupils:
        journal.mark_attendance(teacher, school_id, class_id, lesson_id, pupils[0],
                                {"mark": "late", "excused": False, "minutes_late": 5})


def _grant(school_id: str, role: str, email: str) -> None:
    with contextlib.suppress(ConflictError):  # granted by an earlier, interrupted start
        schools.grant_staff(school_id, role, email)

