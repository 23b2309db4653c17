"""A reference school in the project's own CSV set, for benchmarks and demos.

At scale 1: 40 classes (grades 1–10, letters А–Г) of 25 students, 60 teachers, 15 subjects and
a full school year of four quarters, six lessons a day: about 40,000 lessons, 450,000 grades,
50,000 absences and 40,000 homework entries; term and year results; school events and each
class's parent meetings. Deterministic for a seed. `--scale 0.05` keeps
the year and the subjects but takes 5% of the classes (spread over the grades) and teachers.

`--format oneroster` writes the same school as an IMS OneRoster 1.2 CSV package instead (see
`oneroster()`): what OneRoster carries of it (classes, subjects, terms, teachings, students and
their grades; no schedule, attendance, homework, results or events), every student with a birth
date in demographics.csv and every score a mark on resultValueMax 5: a clean package, whose
upload rejects no row.

Teachers are only named here (teachers.csv: email, name): `teachings.csv` refers to them by
email, and an upload accepts only registered teachers of the school, so register them first.

    python bench/generate_school.py --scale 0.05 --out /tmp/school
    python bench/generate_school.py --scale 0.05 --format oneroster --zip --out /tmp/oneroster
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FULL_CLASSES = 40
FULL_TEACHERS = 60
STUDENTS_PER_CLASS = 25
LETTERS = "АБВГ"
BELLS = [("08:30", "09:15"), ("09:25", "10:10"), ("10:20", "11:05"), ("11:25", "12:10"), ("12:30", "13:15"),
         ("13:25", "14:10")]
TERMS = [("1 четверть", dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
         ("2 четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
         ("3 четверть", dt.date(2027, 1, 12), dt.date(2027, 3, 21)),
         ("4 четверть", dt.date(2027, 4, 1), dt.date(2027, 5, 26))]
HOLIDAYS = {dt.date(2027, 2, 23), dt.date(2027, 3, 8), dt.date(2027, 5, 3), dt.date(2027, 5, 10)}
SUBJECTS = ["Русский язык", "Литература", "Математика", "Алгебра", "Геометрия", "Информатика", "История",
            "Обществознание", "География", "Биология", "Физика", "Химия", "Английский язык",
            "Физическая культура", "Музыка"]
# Lessons a week (30: six a day) by grade band, after the federal basic curriculum, simplified.
WEEK = {
    range(1, 5): {"Русский язык": 6, "Литература": 5, "Математика": 6, "Английский язык": 3, "Биология": 2,
                  "Музыка": 3, "Физическая культура": 3, "Информатика": 2},
    range(5, 7): {"Русский язык": 6, "Литература": 3, "Математика": 6, "Английский язык": 3, "История": 2,
                  "Обществознание": 1, "География": 2, "Биология": 2, "Музыка": 2, "Физическая культура": 3},
    range(7, 12): {"Русский язык": 4, "Литература": 3, "Алгебра": 4, "Геометрия": 2, "Информатика": 1,
                   "История": 2, "Обществознание": 1, "География": 2, "Биология": 2, "Физика": 3, "Химия": 2,
                   "Английский язык": 3, "Физическая культура": 1},
}
NO_HOMEWORK = {"Физическая культура"}
TOPICS = {"Русский язык": ["Фонетика", "Морфемика", "Орфография", "Имя существительное", "Глагол", "Причастие",
                           "Синтаксис", "Пунктуация"],
          "Математика": ["Натуральные числа", "Дроби", "Десятичные дроби", "Проценты", "Уравнения", "Площадь"],
          "Алгебра": ["Линейные уравнения", "Функции", "Степени", "Многочлены", "Квадратные уравнения"],
          "Геометрия": ["Треугольники", "Параллельные прямые", "Окружность", "Площади фигур"],
          "Литература": ["Пушкин", "Лермонтов", "Гоголь", "Тургенев", "Толстой", "Чехов", "Устное творчество"],
          "История": ["Древний мир", "Средние века", "Русь", "Новое время"]}
WORK = ["№ {a}–{b}, с. {p}", "Параграф {a}, вопросы 1–{b}", "Упражнение {a}", "Выучить правило, с. {p}",
        "Задачи {a}, {b}", "Прочитать с. {p}–{q}"]
MALE = ["Александр", "Максим", "Иван", "Артём", "Дмитрий", "Михаил", "Даниил", "Кирилл", "Егор", "Андрей",
        "Никита", "Илья", "Матвей", "Тимофей", "Роман", "Владимир", "Сергей", "Павел", "Фёдор", "Лев"]
FEMALE = ["Анастасия", "Мария", "Анна", "Виктория", "Полина", "Елизавета", "Екатерина", "Дарья", "Софья",
          "Варвара", "Ксения", "Алиса", "Вероника", "Арина", "Милана", "Ульяна", "Алёна", "Ева", "Таисия", "Кира"]
FATHERS = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
           ("Дмитриевич", "Дмитриевна"), ("Алексеевич", "Алексеевна"), ("Игоревич", "Игоревна"),
           ("Владимирович", "Владимировна"), ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"),
           ("Олегович", "Олеговна"), ("Евгеньевич", "Евгеньевна"), ("Викторович", "Викторовна")]
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв"]


def _female(surname: str) -> str:
    return surname + "а"


@dataclass
class School:
    """The generated CSV files by kind, the teachers to register, and the rows per kind."""

    files: dict[str, str] = field(default_factory=dict)
    teachers: list[tuple[str, str]] = field(default_factory=list)  # (email, full name)

    def rows(self) -> dict[str, int]:
        """Data rows per kind."""
        return {kind: text.count("\n") - 1 for kind, text in self.files.items()}

    def zipped(self) -> bytes:
        """The whole set as one upload."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for kind, text in self.files.items():
                archive.writestr(f"{kind}.csv", text.encode("utf-8"))
        return buffer.getvalue()


class _Csv:
    def __init__(self, *header: str) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.writer.writerow(header)

    def add(self, *values: object) -> None:
        self.writer.writerow(["" if v is None else v for v in values])

    def text(self) -> str:
        return self.buffer.getvalue()


def school_days() -> Iterator[dt.date]:
    """Weekdays inside the quarters, without public holidays."""
    for _, first, last in TERMS:
        day = first
        while day <= last:
            if day.weekday() < 5 and day not in HOLIDAYS:
                yield day
            day += dt.timedelta(days=1)


def _week_of(grade: int) -> dict[str, int]:
    return next(plan for band, plan in WEEK.items() if grade in band)


def _person(rng: random.Random, male: bool) -> tuple[str, str, str]:
    surname = rng.choice(SURNAMES)
    father = rng.choice(FATHERS)
    if male:
        return surname, rng.choice(MALE), father[0]
    return _female(surname), rng.choice(FEMALE), father[1]


def generate(scale: float = 1.0, seed: int = 2026) -> School:
    """The reference school at a scale (deterministic for a seed)."""
    rng = random.Random(seed)
    n_classes = max(1, round(FULL_CLASSES * scale))
    # Spread the classes over the grades: at scale 1 that is 1А..1Г, 2А..2Г, ..., 10Г.
    classes = [(f"{1 + i * 10 // n_classes}{LETTERS[i % 4] if n_classes >= 4 else LETTERS[0]}",
                1 + i * 10 // n_classes) for i in range(n_classes)]
    school = School()

    out = _Csv("name", "grade_level")
    for name, grade in classes:
        out.add(name, grade)
    school.files["classes"] = out.text()
    out = _Csv("name")
    for subject in SUBJECTS:
        out.add(subject)
    school.files["subjects"] = out.text()
    out = _Csv("name", "starts_on", "ends_on")
    for term, starts_on, ends_on in TERMS:
        out.add(term, starts_on.isoformat(), ends_on.isoformat())
    school.files["terms"] = out.text()

    # Teachers: each teaches one subject; a subject gets teachers in proportion to its lessons.
    load = {s: sum(_week_of(g).get(s, 0) for _, g in classes) for s in SUBJECTS}
    load = {s: h for s, h in load.items() if h}
    n_teachers = max(len(load), round(FULL_TEACHERS * scale))
    share = dict.fromkeys(load, 1)
    for _ in range(n_teachers - len(load)):
        busiest = max(load, key=lambda s: load[s] / share[s])
        share[busiest] += 1
    staff: dict[str, list[str]] = {}
    for subject in sorted(load, key=SUBJECTS.index):
        for _ in range(share[subject]):
            number = len(school.teachers) + 1
            last, first, middle = _person(rng, rng.random() < 0.2)
            email = f"teacher{number:03d}@school17.example.ru"
            school.teachers.append((email, f"{last} {first} {middle}"))
            staff.setdefault(subject, []).append(email)
    teacher_of: dict[tuple[str, str], str] = {}
    out = _Csv("teacher_email", "class", "subject")
    for index, (name, grade) in enumerate(classes):
        for subject in _week_of(grade):
            teacher_of[(name, subject)] = staff[subject][index % len(staff[subject])]
            out.add(teacher_of[(name, subject)], name, subject)
    school.files["teachings"] = out.text()

    students: dict[str, list[str]] = {}
    out = _Csv("student_id", "last_name", "first_name", "middle_name", "birth_date", "class")
    for name, grade in classes:
        born = dt.date(2026 - 7 - grade, 9, 1)
        for _ in range(STUDENTS_PER_CLASS):
            student_id = f"S-{sum(len(v) for v in students.values()) + 1:05d}"
            last, first, middle = _person(rng, rng.random() < 0.5)
            birth = born + dt.timedelta(days=rng.randrange(365))
            out.add(student_id, last, first, middle, birth.isoformat(), name)
            students.setdefault(name, []).append(student_id)
    school.files["students"] = out.text()

    _journal(school, rng, classes, students, teacher_of)
    _attestation(school, rng, classes, students)
    _school_life(school, classes)
    return school


def _attestation(school: School, rng: random.Random, classes: list[tuple[str, int]],
                 students: dict[str, list[str]]) -> None:
    """Every student's result in each of their subjects for each quarter and the year."""
    out = _Csv("student_id", "subject", "period", "result")
    for name, grade in classes:
        for subject in _week_of(grade):
            for pupil in students[name]:
                for period in [t for t, _, _ in TERMS] + ["итоговая"]:
                    out.add(pupil, subject, period, rng.choices(("5", "4", "3"), (35, 45, 20))[0])
    school.files["attestation"] = out.text()


EVENTS = [("День знаний", 9, 1, "Актовый зал"), ("День учителя", 10, 5, "Актовый зал"),
          ("Новогодний концерт", 12, 26, "Актовый зал"), ("Лыжня России", 2, 14, "Стадион"),
          ("Масленица", 3, 1, "Школьный двор"), ("День Победы", 5, 8, "Актовый зал"),
          ("Последний звонок", 5, 25, "Школьный двор")]


def _school_life(school: School, classes: list[tuple[str, int]]) -> None:
    """School-wide events, an excursion for each grade, and each class's meeting every quarter."""
    events = _Csv("event_id", "title", "date", "starts_at", "ends_at", "place", "description", "classes")
    for number, (title, month, day, place) in enumerate(EVENTS, start=1):
        year = 2026 if month >= 9 else 2027
        events.add(f"EV-{number:03d}", title, dt.date(year, month, day).isoformat(), "10:00", "11:30", place, None,
                   None)
    for grade in sorted({g for _, g in classes}):
        names = " ".join(name for name, g in classes if g == grade)
        events.add(f"EV-TRIP-{grade:02d}", f"Экскурсия {grade}-х классов", dt.date(2026, 10, 10 + grade).isoformat(),
                   "09:00", None, "Сбор у школы", "Взять с собой обед", names)
    school.files["events"] = events.text()
    meetings = _Csv("class", "date", "starts_at", "place", "agenda")
    for room, (name, _) in enumerate(classes, start=101):
        for term, _, ends_on in TERMS:
            meetings.add(name, (ends_on - dt.timedelta(days=10)).isoformat(), "18:30", f"Каб. {room}",
                         f"Итоги: {term}")
    school.files["meetings"] = meetings.text()


def _timetable(rng: random.Random, grade: int) -> list[list[str]]:
    """A week: five days of six subjects, each subject's hours spread over the days."""
    slots = [s for s, hours in _week_of(grade).items() for _ in range(hours)]
    rng.shuffle(slots)
    return [slots[d * 6:(d + 1) * 6] for d in range(5)]


def _journal(school: School, rng: random.Random, classes: list[tuple[str, int]], students: dict[str, list[str]],
             teacher_of: dict[tuple[str, str], str]) -> None:
    schedule = _Csv("date", "starts_at", "ends_at", "class", "subject", "teacher_email", "room", "topic")
    homework = _Csv("date", "starts_at", "class", "subject", "text", "due_date")
    grades = _Csv("grade_id", "student_id", "date", "starts_at", "subject", "value", "weight", "work_kind",
                  "remark")
    attendance = _Csv("student_id", "date", "starts_at", "subject", "mark", "excused", "minutes_late")
    days = list(school_days())
    grade_number = 0
    for room, (name, grade) in enumerate(classes, start=101):
        week = _timetable(rng, grade)
        lessons = [(day, slot, week[day.weekday()][slot]) for day in days for slot in range(6)]
        next_of: dict[tuple[dt.date, int], dt.date] = {}
        last_seen: dict[str, tuple[dt.date, int]] = {}
        for day, slot, subject in lessons:
            if subject in last_seen and last_seen[subject][0] != day:
                next_of[last_seen[subject]] = day
            last_seen[subject] = (day, slot)
        pupils = students[name]
        sick: set[str] = set()
        for day, slot, subject in lessons:
            if slot == 0:  # a sick child misses the whole day (about one day in twenty)
                sick = {p for p in pupils if rng.random() < 0.05}
            starts, ends = BELLS[slot]
            topic = rng.choice(TOPICS.get(subject, ["Повторение", "Новая тема", "Практикум", "Обобщение"]))
            date = day.isoformat()
            schedule.add(date, starts, ends, name, subject, teacher_of[(name, subject)], room, topic)
            if subject not in NO_HOMEWORK:
                due = next_of.get((day, slot), day + dt.timedelta(days=7))
                a = rng.randrange(1, 400)
                text = rng.choice(WORK).format(a=a, b=a + rng.randrange(1, 6), p=rng.randrange(5, 250),
                                               q=rng.randrange(250, 300))
                homework.add(date, starts, name, subject, text, due.isoformat())
            for pupil in pupils:
                if pupil in sick:
                    attendance.add(pupil, date, starts, subject, "absent", "да" if rng.random() < 0.8 else "", "")
                elif rng.random() < 0.004:
                    attendance.add(pupil, date, starts, subject, "late", "", rng.randrange(3, 20))
            present = [p for p in pupils if p not in sick]
            control = day.day >= 20 and slot == 1 and rng.random() < 0.3
            marked = present if control else rng.sample(present, min(len(present), rng.randrange(8, 16)))
            for pupil in marked:
                grade_number += 1
                value = rng.choices((5, 4, 3, 2), (35, 40, 20, 5))[0]
                kind, weight = ("control", 3) if control else rng.choice(
                    [("classwork", 1)] * 6 + [("homework", 1)] * 2 + [("oral", 1), ("test", 2)])
                remark = "Отлично!" if value == 5 and rng.random() < 0.05 else None
                grades.add(f"G-{grade_number:07d}", pupil, date, starts, subject, value, weight, kind, remark)
    school.files["schedule"] = schedule.text()
    school.files["homework"] = homework.text()
    school.files["grades"] = grades.text()
    school.files["attendance"] = attendance.text()

# --- the same school as OneRoster 1.2 CSV ---------------------------------------------------


@dataclass
class OneRosterSchool(School):
    """The reference school as a OneRoster 1.2 package: `files` by OneRoster file name (without
    .csv), the teachers to register, and `translated`: the rows of each of our kinds an upload
    of it makes (what its report counts)."""

    translated: dict[str, int] = field(default_factory=dict)

    def rows(self) -> dict[str, int]:
        """Rows per kind of ours the upload reports (OneRoster's own files: `file_rows`)."""
        return dict(self.translated)

    def file_rows(self) -> dict[str, int]:
        """Data rows per OneRoster file."""
        return {name: text.count("\n") - 1 for name, text in self.files.items()}


ORG = "org-17"
YEAR = "y2027"
HEAD = ("sourcedId", "status", "dateLastModified")
# Our kinds of work as gradebook categories, titled as a Russian export titles them (and as
# oneroster.work_kind reads them back).
CATEGORIES = {"classwork": "Классная работа", "homework": "Домашняя работа", "oral": "Устный ответ",
              "test": "Тест", "control": "Контрольная работа"}


def _term_of(day: str) -> str:
    return next(f"q{n}" for n, (_, first, last) in enumerate(TERMS, start=1)
                if first.isoformat() <= day <= last.isoformat())


def _rows_of(text: str) -> Iterator[dict[str, str]]:
    yield from csv.DictReader(io.StringIO(text))


def oneroster(scale: float = 1.0, seed: int = 2026, until: dt.date | None = None) -> OneRosterSchool:
    """The reference school at a scale as OneRoster 1.2 CSV: the very school `generate` makes
    (same seed, same people, same marks), in the files a school information system exports.

    Homerooms are our classes; a course section per class and subject (its course: the subject
    in that grade) has the class's teacher and students enrolled; every lesson with marks gets a
    line item per kind of work marked in it (category = the kind), and every mark is a result on
    resultValueMax 5 whose sourcedId is the grade id. With `until`, the marks after that day are
    left out (an export made early in the year: a small package for tests). Deterministic for a seed."""
    ours = generate(scale, seed)
    school = OneRosterSchool(teachers=list(ours.teachers))
    classes = [(row["name"], int(row["grade_level"])) for row in _rows_of(ours.files["classes"])]
    grade_of = dict(classes)
    homeroom = {name: f"hr-{n:02d}" for n, (name, _) in enumerate(classes, start=1)}
    files = {name: _Csv(*HEAD, *columns) for name, columns in {
        "orgs": ("name", "type", "identifier", "parentSourcedId"),
        "academicSessions": ("title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
        "courses": ("schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects"),
        "classes": ("title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
                    "termSourcedIds", "subjects"),
        "users": ("enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier",
                  "email", "grades", "primaryOrgSourcedId"),
        "roles": ("userSourcedId", "roleType", "role", "orgSourcedId"),
        "enrollments": ("classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary"),
        "demographics": ("birthDate", "sex"),
        "categories": ("title", "weight"),
        "lineItems": ("title", "description", "assignDate", "dueDate", "classSourcedId", "categorySourcedId",
                      "gradingPeriodSourcedId", "resultValueMin", "resultValueMax", "schoolSourcedId"),
        "results": ("lineItemSourcedId", "studentSourcedId", "scoreStatus", "score", "scoreDate", "comment"),
    }.items()}

    files["orgs"].add(ORG, None, None, "Школа № 17", "school", "17", None)
    sessions = files["academicSessions"]
    sessions.add(YEAR, None, None, "2026/2027", "schoolYear", TERMS[0][1].isoformat(), TERMS[-1][2].isoformat(),
                 None, "2027")
    for n, (title, first, last) in enumerate(TERMS, start=1):
        sessions.add(f"q{n}", None, None, title, "term", first.isoformat(), last.isoformat(), YEAR, "2027")

    courses, sections = files["courses"], files["classes"]
    courses.add("c-hr", None, None, YEAR, "Классный час", "HR", None, ORG, None)
    terms = ",".join(f"q{n}" for n in range(1, len(TERMS) + 1))
    for room, (name, grade) in enumerate(classes, start=101):
        sections.add(homeroom[name], None, None, name, f"{grade:02d}", "c-hr", name, "homeroom", f"Каб. {room}", ORG,
                     terms, None)
    course_of: dict[tuple[int, str], str] = {}
    section_of: dict[tuple[str, str], str] = {}
    teaching_rows = list(_rows_of(ours.files["teachings"]))
    for row in teaching_rows:
        name, subject = row["class"], row["subject"]
        grade = grade_of[name]
        course = course_of.get((grade, subject))
        if course is None:
            course = course_of[(grade, subject)] = f"c-{grade:02d}-{SUBJECTS.index(subject) + 1:02d}"
            courses.add(course, None, None, YEAR, f"{subject} {grade} класс", course.upper(), f"{grade:02d}", ORG,
                        subject)
        section = section_of[(name, subject)] = f"sec-{homeroom[name][3:]}-{SUBJECTS.index(subject) + 1:02d}"
        sections.add(section, None, None, f"{subject} {name}", f"{grade:02d}", course, section.upper(), "scheduled",
                     None, ORG, terms, subject)

    users, roles, demographics = files["users"], files["roles"], files["demographics"]
    teacher_id = {}
    for n, (email, full_name) in enumerate(ours.teachers, start=1):
        family, given, middle = full_name.split(" ")
        teacher_id[email] = f"t-{n:03d}"
        users.add(f"t-{n:03d}", None, None, "true", email.split("@")[0], None, given, family, middle, None, email, None,
                  ORG)
        roles.add(f"role-t-{n:03d}", None, None, f"t-{n:03d}", "primary", "teacher", ORG)
    pupils: dict[str, list[str]] = {}
    class_of: dict[str, str] = {}
    for row in _rows_of(ours.files["students"]):
        student, name = row["student_id"], row["class"]
        pupils.setdefault(name, []).append(student)
        class_of[student] = name
        users.add(student, None, None, "true", student.lower(), None, row["first_name"], row["last_name"],
                  row["middle_name"], student, None, f"{grade_of[name]:02d}", ORG)
        roles.add(f"role-{student}", None, None, student, "primary", "student", ORG)
        demographics.add(student, None, None, row["birth_date"], "male" if row["first_name"] in MALE else "female")

    enrollments = files["enrollments"]
    for name, _ in classes:
        for student in pupils.get(name, []):
            enrollments.add(f"e-{homeroom[name]}-{student}", None, None, homeroom[name], ORG, student, "student",
                            None)
    for row in teaching_rows:
        section = section_of[(row["class"], row["subject"])]
        enrollments.add(f"e-{section}-{teacher_id[row['teacher_email']]}", None, None, section, ORG,
                        teacher_id[row["teacher_email"]], "teacher", "true")
        for student in pupils.get(row["class"], []):
            enrollments.add(f"e-{section}-{student}", None, None, section, ORG, student, "student", None)

    for kind, title in CATEGORIES.items():
        files["categories"].add(f"cat-{kind}", None, None, title, None)
    # A line item per lesson and kind of work marked in it: the marks of one assessment.
    line_items: dict[tuple[str, str, str, str, str], str] = {}
    items, results = files["lineItems"], files["results"]
    grades = 0
    for row in _rows_of(ours.files["grades"]):
        if until is not None and row["date"] > until.isoformat():
            continue
        name = class_of[row["student_id"]]
        key = (name, row["date"], row["starts_at"], row["subject"], row["work_kind"])
        item = line_items.get(key)
        if item is None:
            item = line_items[key] = f"li-{len(line_items) + 1:06d}"
            items.add(item, None, None, f"{CATEGORIES[row['work_kind']]}, {row['date']} {row['starts_at']}", None,
                      row["date"], row["date"], section_of[(name, row["subject"])], f"cat-{row['work_kind']}",
                      _term_of(row["date"]), 1, 5, ORG)
        results.add(row["grade_id"], None, None, item, row["student_id"], "fully graded", row["value"], row["date"],
                    row["remark"])
        grades += 1

    manifest = _Csv("propertyName", "value")
    for prop, value in (("manifest.version", "1.0"), ("oneroster.version", "1.2")):
        manifest.add(prop, value)
    for name in ("academicSessions", "categories", "classes", "classResources", "courseResources", "courses",
                 "demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales",
                 "orgs", "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "roles",
                 "scoreScales", "userProfiles", "userResources", "users"):
        manifest.add(f"file.{name}", "bulk" if name in files else "absent")
    manifest.add("source.systemName", "bench/generate_school.py")
    school.files["manifest"] = manifest.text()
    school.files.update({name: out.text() for name, out in files.items()})
    school.translated = {"classes": len(classes), "subjects": len({s for _, s in section_of}), "terms": len(TERMS),
                         "teachings": len(section_of), "students": len(class_of), "grades": grades}
    return school


def main() -> None:
    """Write the CSV set (and teachers.csv) to a folder."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 40 classes (1 = the whole school)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--format", choices=("ours", "oneroster"), default="ours",
                        help="our own CSV set (default) or OneRoster 1.2 CSV")
    parser.add_argument("--out", type=Path, default=Path("build/school"))
    parser.add_argument("--zip", action="store_true", help="also write school.zip, ready to upload")
    args = parser.parse_args()
    school = generate(args.scale, args.seed) if args.format == "ours" else oneroster(args.scale, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind, text in school.files.items():
        (args.out / f"{kind}.csv").write_text(text, encoding="utf-8")
    teachers = _Csv("email", "name")
    for email, name in school.teachers:
        teachers.add(email, name)
    (args.out / "teachers.csv").write_text(teachers.text(), encoding="utf-8")
    if args.zip:
        (args.out / "school.zip").write_bytes(school.zipped())
    counts = school.file_rows() if isinstance(school, OneRosterSchool) else school.rows()
    print(f"scale={args.scale} format={args.format} teachers={len(school.teachers)} " +
          " ".join(f"{k}={v}" for k, v in counts.items()) +
          (" → " + " ".join(f"{k}={v}" for k, v in school.rows().items()) if args.format == "oneroster" else "") +
          f" → {args.out}")

if __name__ == "__main__":
    main()
