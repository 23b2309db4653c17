"""IMS OneRoster 1.2 CSV zips, translated into the project's own CSV set.

A school system that exports OneRoster sends its zip like any other upload. Planning turns
the OneRoster files into our kinds (classes, subjects, terms, teachings, students, grades)
here, as plain CSV text, so chunking, idempotency and the error report stay the same
pipeline. Every translated row carries where it came from (`results.csv:12`) in its
`__line` column, and each kind a map from our column names to OneRoster's, so a row error
points at the school's own file, line and column.

The mapping (OneRoster has no lesson times, attendance, homework or topics):

- academicSessions of type term / semester / gradingPeriod → terms; only the finest ones
  (those no other such session names as its parent), since our terms may not overlap and
  a semester holding two quarters would. schoolYear sessions are not terms.
- classes with classType=homeroom → our school classes ("5А"): name = title, grade level
  = the class's first grade (else its students' most common grade). A student's class is
  the homeroom they are enrolled in; a student with no homeroom falls back to a class named
  after their grade ("5"), as a scheduled class (a course section) does not say which
  homeroom it serves. Export homerooms to keep parallel letters.
- a scheduled class is a course section for a subject: subject = the class's first
  `subjects` entry, else the course's, else the course title.
- users with role student (roles.csv, or the 1.1 `role` column, or a student enrollment)
  → students: the school's student id = sourcedId; familyName / givenName / middleName;
  birth date from demographics.csv (required: matching a parent's application needs it).
- a teacher's enrollment in a section → a teaching (their users.csv email, which must be a
  registered teacher of the school) for each of our classes the section's students are in.
- lineItems + results → grades: grade id = the result's sourcedId, date = scoreDate, the
  subject of the line item's class, remark = comment. A score on a 5-point scale
  (resultValueMax 5, or no maximum) is the mark itself; any other maximum is scaled as the
  share of the maximum on 5 points, rounded half up, at least 1 (e.g. 73 of 100 → 4).
  The category title picks the kind of work (control, test, homework...), "other" when
  unrecognised, classwork without a category. With no lesson time the grade sits on its
  date at 00:00 (lesson id `<date>T0000-<subject>`).
- status / dateLastModified are ignored, except that rows with status=tobedeleted are
  skipped, as is anything referring to them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from chalicelib.domain import import_format as fmt

LINE = "__line"
ERROR = "__error"  # "<OneRoster column>:<code>" for a row refused while translating
ROSTER_FILES = ("orgs.csv", "users.csv", "enrollments.csv")

# Header names are case-sensitive in OneRoster: these must appear exactly so.
REQUIRED: dict[str, tuple[str, ...]] = {
    "academicSessions.csv": ("sourcedId", "title", "type", "startDate", "endDate"),
    "courses.csv": ("sourcedId", "title"),
    "classes.csv": ("sourcedId", "title", "courseSourcedId", "classType"),
    "users.csv": ("sourcedId", "givenName", "familyName"),
    "roles.csv": ("userSourcedId", "role"),
    "enrollments.csv": ("sourcedId", "classSourcedId", "userSourcedId", "role"),
    "demographics.csv": ("sourcedId", "birthDate"),
    "categories.csv": ("sourcedId", "title"),
    "lineItems.csv": ("sourcedId", "title", "classSourcedId"),
    "results.csv": ("sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreDate"),
}

# Our column → the OneRoster column an error in it points at.
COLUMNS: dict[str, dict[str, str]] = {
    "classes": {"name": "title", "grade_level": "grades"},
    "subjects": {"name": "title"},
    "terms": {"name": "title", "starts_on": "startDate", "ends_on": "endDate"},
    "teachings": {"teacher_email": "userSourcedId", "class": "classSourcedId", "subject": "classSourcedId"},
    "students": {"student_id": "sourcedId", "last_name": "familyName", "first_name": "givenName",
                 "middle_name": "middleName", "birth_date": "birthDate", "class": "grades"},
    "grades": {"grade_id": "sourcedId", "student_id": "studentSourcedId", "date": "scoreDate",
               "starts_at": "scoreDate", "subject": "lineItemSourcedId", "value": "score",
               "work_kind": "categorySourcedId", "remark": "comment"},
}

TERM_TYPES = ("term", "semester", "gradingPeriod")
# Category title words → kind of work (Russian and English exports).
WORK_KIND_WORDS = (
    ("контрол", "control"), ("control", "control"), ("exam", "control"), ("экзамен", "control"),
    ("тест", "test"), ("test", "test"), ("quiz", "test"), ("домашн", "homework"), ("homework", "homework"),
    ("устн", "oral"), ("oral", "oral"), ("лаборатор", "lab"), ("lab", "lab"), ("сочинен", "essay"),
    ("essay", "essay"), ("диктант", "dictation"), ("dictation", "dictation"), ("проект", "project"),
    ("project", "project"), ("классн", "classwork"), ("самостоят", "classwork"), ("classwork", "classwork"),
)


@dataclass
class Source:
    """One row of a OneRoster file, with where it is."""

    file: str
    line: int
    row: dict[str, str]

    @property
    def where(self) -> str:
        """`users.csv:5`."""
        return f"{self.file}:{self.line}"

    def get(self, column: str) -> str:
        """A trimmed cell, empty when absent."""
        return (self.row.get(column) or "").strip()

    def listed(self, column: str) -> list[str]:
        """A list cell (comma-separated inside quotes)."""
        return [v.strip() for v in self.get(column).split(",") if v.strip()]


@dataclass
class Translation:
    """Our CSV kinds made from a OneRoster zip, and how their columns map back."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=lambda: dict(COLUMNS))


def is_oneroster(names: list[str]) -> bool:
    """A OneRoster set has a manifest, or the rostering files our own set never has."""
    bare = {n.rsplit("/", 1)[-1] for n in names}
    return "manifest.csv" in bare or any(f in bare for f in ROSTER_FILES)


def _read(name: str, content: str) -> Iterator[Source]:
    """The rows of one file, tobedeleted ones left out (header checked exactly)."""
    first = content.split("\n", 1)[0].strip("\r")
    header = next(csv.reader([first])) if first else []
    missing = [c for c in REQUIRED.get(name, ()) if c not in header]
    if missing:
        raise fmt.FileRefusedError("missing_columns", f"{name}: {', '.join(missing)}")
    for line, row in fmt.rows(content):
        source = Source(name, line, row)
        if source.get("status") != "tobedeleted":
            yield source


def _grade_level(values: list[str]) -> int | None:
    """CEDS grade codes ("05", "11") to our 1..11; KG, PK and the like are none."""
    for value in values:
        if value.isdigit() and 1 <= int(value) <= 11:
            return int(value)
    return None


def score_to_mark(score: float, maximum: float | None) -> int:
    """A OneRoster score as a mark 1..5 (see the module's doc for the rule)."""
    if maximum is None or maximum == 5:
        return int(score + 0.5)
    return max(1, min(5, int(score / maximum * 5 + 0.5)))


def work_kind(category_title: str | None) -> str:
    """The kind of work a gradebook category stands for."""
    if category_title is None:
        return "classwork"
    lowered = category_title.casefold()
    return next((kind for word, kind in WORK_KIND_WORDS if word in lowered), "other")


class _Writer:
    """One of our kinds as CSV text with the source location first."""

    def __init__(self, kind: str) -> None:
        self.columns = [*fmt.KINDS[kind].required, *fmt.KINDS[kind].optional]
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.writer.writerow([LINE, ERROR, *self.columns])
        self.count = 0

    def add(self, source: Source, values: Mapping[str, object], error: str = "") -> None:
        self.writer.writerow([source.where, error, *["" if values.get(c) is None else values.get(c)
                                                      for c in self.columns]])
        self.count += 1


def translate(members: list[tuple[str, str]]) -> Translation:
    """OneRoster files (name, text) → our CSV kinds; pure, so it is tested on its own too."""
    texts = {name.rsplit("/", 1)[-1]: content for name, content in members}
    _check_manifest(texts)
    # results.csv is the big one (a row per mark): it is walked once, row by row, never listed.
    data = {name: list(_read(name, texts[name])) for name in REQUIRED if name in texts and name != "results.csv"}
    deleted = {s.get("sourcedId") for name in texts if name in REQUIRED
               for s in _read_all(name, texts[name]) if s.get("status") == "tobedeleted"}
    out = {kind: _Writer(kind) for kind in ("classes", "subjects", "terms", "teachings", "students", "grades")}

    _terms(data.get("academicSessions.csv", []), out["terms"])
    courses = {s.get("sourcedId"): s for s in data.get("courses.csv", [])}
    classes = {s.get("sourcedId"): s for s in data.get("classes.csv", [])}
    users = {s.get("sourcedId"): s for s in data.get("users.csv", [])}
    enrollments = [e for e in data.get("enrollments.csv", [])
                   if e.get("classSourcedId") not in deleted and e.get("userSourcedId") not in deleted]
    students = _student_ids(users, data.get("roles.csv", []), enrollments)

    # Our class of each student: their homeroom, else one named after their grade.
    homerooms = {cid: c for cid, c in classes.items() if c.get("classType") == "homeroom"}
    class_of: dict[str, str] = {}
    for enrollment in enrollments:
        user, cls = enrollment.get("userSourcedId"), enrollment.get("classSourcedId")
        if enrollment.get("role") == "student" and cls in homerooms and user not in class_of:
            class_of[user] = homerooms[cls].get("title")
    _classes(homerooms, users, students, class_of, enrollments, out["classes"])

    subject_of = _subjects(classes, courses, out["subjects"])
    _teachings(enrollments, classes, users, class_of, subject_of, out["teachings"])
    _students(users, students, class_of, {s.get("sourcedId"): s for s in data.get("demographics.csv", [])},
              out["students"])
    results = _read("results.csv", texts["results.csv"]) if "results.csv" in texts else iter(())
    _grades(data, results, classes, subject_of, deleted, out["grades"])
    return Translation({kind: w.buffer.getvalue() for kind, w in out.items() if w.count})


def _read_all(name: str, content: str) -> Iterator[Source]:
    for line, row in fmt.rows(content):
        yield Source(name, line, row)


def _check_manifest(texts: dict[str, str]) -> None:
    """A file the manifest says is there (bulk or delta) must be in the zip."""
    if "manifest.csv" not in texts:
        return
    for source in _read_all("manifest.csv", texts["manifest.csv"]):
        prop = source.get("propertyName")
        if prop.startswith("file.") and source.get("value") in ("bulk", "delta"):
            name = prop.removeprefix("file.") + ".csv"
            if name not in texts:
                raise fmt.FileRefusedError("missing_file", name)


def _terms(sessions: list[Source], out: _Writer) -> None:
    periods = [s for s in sessions if s.get("type") in TERM_TYPES]
    parents = {s.get("parentSourcedId") for s in periods}
    for session in periods:
        if session.get("sourcedId") in parents:
            continue  # a semester whose quarters are listed: the quarters are the terms
        out.add(session, {"name": session.get("title"), "starts_on": session.get("startDate")[:10],
                          "ends_on": session.get("endDate")[:10]})


def _student_ids(users: dict[str, Source], roles: list[Source], enrollments: list[Source]) -> list[str]:
    """Students in users.csv order, by role (1.2 roles.csv, 1.1 users.role) or enrollment."""
    marked = {r.get("userSourcedId") for r in roles if r.get("role") == "student"}
    marked |= {uid for uid, u in users.items() if u.get("role") == "student"}
    marked |= {e.get("userSourcedId") for e in enrollments if e.get("role") == "student"}
    return [uid for uid in users if uid in marked]


def _classes(homerooms: dict[str, Source], users: dict[str, Source], students: list[str],
             class_of: dict[str, str], enrollments: list[Source], out: _Writer) -> None:
    members: dict[str, list[int]] = {}
    for enrollment in enrollments:
        level = _grade_level(users[enrollment.get("userSourcedId")].listed("grades")) \
            if enrollment.get("userSourcedId") in users else None
        if enrollment.get("role") == "student" and level is not None:
            members.setdefault(enrollment.get("classSourcedId"), []).append(level)
    for class_id, homeroom in homerooms.items():
        level = _grade_level(homeroom.listed("grades"))
        if level is None and members.get(class_id):
            level = Counter(members[class_id]).most_common(1)[0][0]
        out.add(homeroom, {"name": homeroom.get("title"), "grade_level": level})
    derived: set[str] = set()
    for user_id in students:
        if user_id in class_of:
            continue
        user = users[user_id]
        level = _grade_level(user.listed("grades"))
        if level is None:
            continue  # the student's row is refused for it (see _students)
        class_of[user_id] = str(level)
        if str(level) not in derived:
            derived.add(str(level))
            out.add(user, {"name": str(level), "grade_level": level})


def _subjects(classes: dict[str, Source], courses: dict[str, Source], out: _Writer) -> dict[str, str]:
    """Each scheduled class's subject name; each subject written once, from where it was first named."""
    subject_of: dict[str, str] = {}
    seen: set[str] = set()
    for class_id, cls in classes.items():
        if cls.get("classType") == "homeroom":
            continue
        course = courses.get(cls.get("courseSourcedId"))
        names = cls.listed("subjects") or (course.listed("subjects") if course else [])
        name = names[0] if names else (course.get("title") if course else "")
        where = cls if cls.listed("subjects") or course is None else course
        subject_of[class_id] = name
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.add(where, {"name": name},
                    "" if name else ("courseSourcedId:unknown_course" if course is None else "title:required"))
    return subject_of


def _teachings(enrollments: list[Source], classes: dict[str, Source], users: dict[str, Source],
               class_of: dict[str, str], subject_of: dict[str, str], out: _Writer) -> None:
    pupils: dict[str, set[str]] = {}
    for enrollment in enrollments:
        if enrollment.get("role") == "student" and enrollment.get("userSourcedId") in class_of:
            pupils.setdefault(enrollment.get("classSourcedId"), set()).add(class_of[enrollment.get("userSourcedId")])
    written: set[tuple[str, str, str]] = set()
    for enrollment in enrollments:
        section = enrollment.get("classSourcedId")
        if enrollment.get("role") != "teacher" or section not in subject_of:
            continue  # a homeroom's teacher teaches no subject through it
        teacher = users.get(enrollment.get("userSourcedId"))
        if teacher is None:
            out.add(enrollment, {}, "userSourcedId:unknown_user")
            continue
        for our_class in sorted(pupils.get(section, ())):
            key = (teacher.get("email").lower(), our_class, subject_of[section].casefold())
            if key not in written:
                written.add(key)
                out.add(enrollment, {"teacher_email": teacher.get("email"), "class": our_class,
                                     "subject": subject_of[section]})


def _students(users: dict[str, Source], students: list[str], class_of: dict[str, str],
              demographics: dict[str, Source], out: _Writer) -> None:
    for user_id in students:
        user = users[user_id]
        birth = demographics.get(user_id)
        values = {"student_id": user_id, "last_name": user.get("familyName"), "first_name": user.get("givenName"),
                  "middle_name": user.get("middleName"), "birth_date": birth.get("birthDate")[:10] if birth else "",
                  "class": class_of.get(user_id)}
        # The birth date matches a parent's application to the child: a student without one is refused.
        error = "" if values["birth_date"] else "birthDate:required"
        error = error or ("" if values["class"] else "grades:no_class")
        out.add(user, values, error)


def _grades(data: dict[str, list[Source]], results: Iterator[Source], classes: dict[str, Source],
            subject_of: dict[str, str], deleted: set[str], out: _Writer) -> None:
    categories = {c.get("sourcedId"): c.get("title") for c in data.get("categories.csv", [])}
    items = {i.get("sourcedId"): i for i in data.get("lineItems.csv", [])}
    for result in results:
        if result.get("lineItemSourcedId") in deleted or result.get("studentSourcedId") in deleted:
            continue
        item = items.get(result.get("lineItemSourcedId"))
        if item is None:
            out.add(result, {}, "lineItemSourcedId:unknown_line_item")
            continue
        if item.get("classSourcedId") not in subject_of:
            out.add(result, {}, "lineItemSourcedId:unknown_class")
            continue
        score = result.get("score")
        if not score and result.get("scoreStatus") in ("exempt", "not submitted"):
            continue  # nothing was marked
        values: dict[str, object] = {
            "grade_id": result.get("sourcedId"), "student_id": result.get("studentSourcedId"),
            "date": result.get("scoreDate")[:10], "starts_at": "00:00",
            "subject": subject_of[item.get("classSourcedId")], "value": score,
            "work_kind": work_kind(categories.get(item.get("categorySourcedId"))) if item.get("categorySourcedId")
            else "classwork", "remark": result.get("comment")}
        error = ""
        if score:
            try:
                maximum = float(item.get("resultValueMax")) if item.get("resultValueMax") else None
                parsed = float(score)
            except ValueError:
                error = "score:not_a_number"
            else:
                if maximum is not None and maximum <= 0:
                    error = "score:out_of_range"
                elif maximum is None and parsed > 5:
                    error = "score:out_of_range"  # no maximum: read as the 5-point scale
                else:
                    values["value"] = score_to_mark(parsed, maximum)
        out.add(result, values, error)
