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
  = the class's first grade with a level (CEDS codes: 01..13, KG/TK 0, PK/PR/IT -1; UG,
  Other, PS none), else its students' most common grade (warned), else none (warned). A
  student's class is the homeroom they are enrolled in; a student with no homeroom falls
  back to a class named after their grade ("5", "KG", "12"), as a scheduled class (a course
  section) does not say which homeroom it serves; one with no grade either goes to the class
  UNPLACED ("Без класса", warned). Export homerooms to keep parallel letters. A grade outside
  1..11 is taken with a warning.
- a scheduled class is a course section for a subject: subject = the class's first
  `subjects` entry, else the course's, else the course title (warned), else, the course
  being absent, the class's own title (warned).
- headers are trimmed and read in any case (`SourcedId`); file names in any case and
  folder (`Export/Users.CSV`); enumerations (status, type, classType, role, roleType,
  scoreStatus) in any case, lower-cased as loaded.
- users with role student (roles.csv, or the 1.1 `role` column, or a student enrollment)
  → students: the school's student id = sourcedId; familyName / givenName / middleName;
  birth date from demographics.csv when it has one (optional: an application is then matched
  by name and class, see domain/roster.py); one that is no date is dropped with a warning.
- a teacher's enrollment in a section → a teaching (their users.csv email; one not yet a
  teacher of the school waits for them, invited, see domain/pending_teachers.py) for each of
  our classes the section's students are in.
- lineItems + results → grades: grade id = the result's sourcedId, date = scoreDate, the
  subject of the line item's class, remark = comment. A score on a 5-point scale
  (resultValueMax 5, or no maximum) is the mark itself; any other maximum is scaled as the
  share of the maximum on 5 points, rounded half up, at least 1 (e.g. 73 of 100 → 4); a
  score that is no finite number (NaN, inf), 0 or less, or above the maximum is refused.
  The category title picks the kind of work (control, test, homework...), "other" when
  unrecognised, classwork without a category. With no lesson time the grade sits on its
  date at 00:00 (lesson id `<date>T0000-<subject>`).
- status=tobedeleted and status=inactive (any case) are applied, as rows of our own
  `departures` kind (docs/oneroster.md, «Deletions»): a student's row → the student leaves the
  school; a student's enrollment in a homeroom → they leave that class; a term session → the
  term goes; a section, or a teacher's enrollment in one → those teachings end; a homeroom → its
  teachings end. Such rows are otherwise left out, as is anything referring to them.
  dateLastModified is ignored.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from chalicelib.domain import import_format as fmt

LINE = "__line"
ERROR = "__error"  # "<OneRoster column>:<code>" for a row refused while translating
VALUE = "__value"  # the refused value, as the school's file has it
WARNINGS = "__warnings"  # JSON [[<OneRoster column>, <code>, <value>], ...]: taken, with these remarks
ROSTER_FILES = ("orgs.csv", "users.csv", "enrollments.csv")
ENDED = ("tobedeleted", "inactive")  # a row's status (case-folded) that ends what it names

# Header names are case-sensitive in OneRoster, but exporters write `SourcedId` or ` title`: a
# header is trimmed and matched to the standard's spelling whatever its case (VOCABULARY), then
# these must be there.
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
    "teachings": {"teacher_email": "email", "class": "classSourcedId", "subject": "classSourcedId"},
    "students": {"student_id": "sourcedId", "last_name": "familyName", "first_name": "givenName",
                 "middle_name": "middleName", "birth_date": "birthDate", "class": "grades"},
    "grades": {"grade_id": "sourcedId", "student_id": "studentSourcedId", "date": "scoreDate",
               "starts_at": "scoreDate", "subject": "lineItemSourcedId", "value": "score",
               "work_kind": "categorySourcedId", "remark": "comment"},
    "departures": {"what": "status", "id": "sourcedId", "student_id": "userSourcedId", "class": "classSourcedId",
                   "subject": "classSourcedId", "teacher_email": "userSourcedId", "term": "title"},
}

# Every column name of the OneRoster 1.1 and 1.2 CSV files, as the standard spells it: a header
# written in another case (`SourcedID`, `classtype`) is read as this spelling.
VOCABULARY = {name.casefold(): name for name in (
    "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId",
    "schoolYear", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
    "termSourcedIds", "subjects", "subjectCodes", "periods", "resources", "schoolYearSourcedId", "courseCode",
    "orgSourcedId", "orgSourcedIds", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
    "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth",
    "publicSchoolResidenceStatus", "classSourcedId", "userSourcedId", "role", "primary", "beginDate", "description",
    "assignDate", "dueDate", "categorySourcedId", "gradingPeriodSourcedId", "resultValueMin", "resultValueMax",
    "scoreScaleSourcedId", "weight", "name", "identifier", "lineItemSourcedId", "studentSourcedId", "scoreStatus",
    "score", "scoreDate", "comment", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName",
    "email", "sms", "phone", "agentSourcedIds", "password", "userMasterIdentifier", "resourceSourcedIds",
    "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrg", "pronouns", "roleType",
    "userProfileSourcedId", "propertyName", "value",
)}
# Enumerations are matched whatever their case (`Homeroom`, `TEACHER`, `TobeDeleted`): their cells
# are lower-cased as a file is loaded, so every comparison here is in lower case.
ENUMERATED = ("status", "type", "classType", "role", "roleType", "scoreStatus")
# File names in a zip whatever their case or folder (`Users.csv`, `export/ACADEMICSESSIONS.CSV`).
FILE_NAMES = {name.casefold(): name for name in (*REQUIRED, "manifest.csv", "orgs.csv")}

TERM_TYPES = ("term", "semester", "gradingperiod")
# Category title words → kind of work (Russian and English exports).
WORK_KIND_WORDS = (
    ("контрол", "control"), ("control", "control"), ("exam", "control"), ("экзамен", "control"),
    ("тест", "test"), ("test", "test"), ("quiz", "test"), ("домашн", "homework"), ("homework", "homework"),
    ("устн", "oral"), ("oral", "oral"), ("лаборатор", "lab"), ("lab", "lab"), ("сочинен", "essay"),
    ("essay", "essay"), ("диктант", "dictation"), ("dictation", "dictation"), ("проект", "project"),
    ("project", "project"), ("классн", "classwork"), ("самостоят", "classwork"), ("classwork", "classwork"),
)


# What each file's rows are joined or filtered on, kept beside the row in its own column.
JOINED_ON: dict[str, tuple[str, ...]] = {
    "academicSessions.csv": ("type", "parentSourcedId"),
    "courses.csv": (),
    "classes.csv": ("title", "classType", "courseSourcedId"),
    "users.csv": ("role", "grades"),
    "roles.csv": ("userSourcedId", "role"),
    "enrollments.csv": ("classSourcedId", "userSourcedId", "role"),
    "demographics.csv": (),
    "categories.csv": ("title",),
    "lineItems.csv": ("classSourcedId", "categorySourcedId"),
    "results.csv": ("lineItemSourcedId", "studentSourcedId"),
}
# Files looked up by sourcedId (a repeated id: the last row wins, in the place of the first).
KEYED = ("courses.csv", "classes.csv", "users.csv", "demographics.csv", "categories.csv", "lineItems.csv")


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
        return _listed(self.get(column))


def _listed(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(",") if v.strip()]


@dataclass
class Translation:
    """Our CSV kinds made from a OneRoster zip (as files on disk, or as text from `translate`),
    and how their columns map back."""

    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=lambda: dict(COLUMNS))


def is_oneroster(names: list[str]) -> bool:
    """A OneRoster set has a manifest, or the rostering files our own set never has."""
    bare = {_file_name(n) for n in names}
    return "manifest.csv" in bare or any(f in bare for f in ROSTER_FILES)


def _file_name(member: str) -> str:
    """A zip member's OneRoster file name (`export/Users.CSV` → `users.csv`), else its own bare name."""
    bare = member.replace("\\", "/").rsplit("/", 1)[-1]
    return FILE_NAMES.get(bare.casefold(), bare)


# CEDS grade codes that are not numbers: infant/toddler, preschool and pre-kindergarten are -1,
# transitional kindergarten and kindergarten 0; postsecondary, ungraded and other have no level.
GRADE_WORDS: dict[str, int | None] = {"IT": -1, "PR": -1, "PK": -1, "TK": 0, "KG": 0, "PS": None, "UG": None,
                                      "OTHER": None}
SCHOOL_GRADES = range(1, 12)  # our school's grades; any other is taken with a warning
UNPLACED = "Без класса"  # the class of a student with neither a homeroom nor a grade (see _classes)


def _level_of(code: str) -> int | None:
    """One CEDS grade code ("05", "12", "KG") as our grade level (-1..13), None when it has none."""
    if code.isdigit():
        return int(code) if 0 <= int(code) <= 13 else None
    return GRADE_WORDS.get(code.upper())


def _grade_level(values: list[str]) -> int | None:
    """The level of the first of a `grades` list's codes that has one."""
    return next((level for level in map(_level_of, values) if level is not None), None)


def _grade_code(level: int) -> str:
    """A grade level as a CEDS code, for the report ("KG", "PK", "12")."""
    return {-1: "PK", 0: "KG"}.get(level, str(level))


def _grade_class(values: list[str]) -> tuple[str, int | None] | None:
    """The class a student of these grades falls back to, named after the grade ("5", "KG", "12",
    "UG"), with its level; None when the student has no grade a class can be named after."""
    level = _grade_level(values)
    if level is not None:
        return (str(level) if 1 <= level <= 13 else _grade_code(level)), level
    code = values[0] if values else ""
    # A code of no level ("UG", "Other", or what an exporter made up) still names a class, if it can.
    name = code.upper() if code.upper() in GRADE_WORDS else code
    if not name or len(name) > 16 or not name.isprintable():
        return None
    return name, None


def score_to_mark(score: float, maximum: float | None) -> int | None:
    """A OneRoster score as a mark 1..5, or None when it is no score on its scale: the share of
    the maximum (5 when the line item names none) on 5 points, rounded half up, at least 1, for a
    score above 0 and at most the maximum (docs/oneroster.md, «Scores and marks»)."""
    top = 5.0 if maximum is None else maximum
    # NaN compares false both ways and an infinite maximum makes every share 0: neither is a scale.
    if not (0 < top < float("inf") and 0 < score <= top):
        return None
    return max(1, min(5, int(score / top * 5 + 0.5)))


def work_kind(category_title: str | None) -> str:
    """The kind of work a gradebook category stands for."""
    if category_title is None:
        return "classwork"
    lowered = category_title.casefold()
    return next((kind for word, kind in WORK_KIND_WORDS if word in lowered), "other")


class _Writer:
    """One of our kinds as a CSV file on disk with the source location first."""

    def __init__(self, kind: str, path: str) -> None:
        self.columns = [*fmt.KINDS[kind].required, *fmt.KINDS[kind].optional]
        self.path = path
        self.file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.file, lineterminator="\n")
        self.writer.writerow([LINE, ERROR, VALUE, WARNINGS, *self.columns])
        self.count = 0

    def add(self, source: Source, values: Mapping[str, object], error: str = "", value: str | None = None,
            warnings: Iterable[tuple[str, str, str | None]] = ()) -> None:
        """A translated row; `error` ("<column>:<code>") refuses it, with the offending `value`;
        each warning (OneRoster column, code, value) is reported while the row is taken."""
        noted = json.dumps([list(w) for w in warnings], ensure_ascii=False) if warnings else ""
        cells = [values.get(c) for c in self.columns]  # a grade's row is written 450,000 times: one lookup a cell
        self.writer.writerow([source.where, error, "" if value is None else value, noted,
                              *["" if cell is None else cell for cell in cells]])
        self.count += 1

    def close(self) -> None:
        self.file.close()


# --- the files of a zip, row by row, on disk ----------------------------------------------------
#
# Translating joins OneRoster's files (a student's homeroom from enrollments, a result's subject
# from its line item...). Held in dictionaries, a 120 MB users.csv took the worker past 2 GB; so
# every row goes into a SQLite file beside the upload in /tmp, as it is read, and the joins are
# queries: memory holds a few rows and SQLite's page cache, whatever the files' size.

LineSource = Callable[[], Iterable[str]]  # (re)opens a file as lines of text


def _table(name: str) -> str:
    return '"t_' + name.removesuffix(".csv") + '"'


class _Rows:
    """The OneRoster files of one zip in a SQLite database on local disk."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", "cache_size=-8192"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.create_function("grade_level", 1, lambda cell: _grade_level(_listed(cell)), deterministic=True)
        # Rows whose status ends what they name, from any file: applied as departures (_departures).
        self.db.execute("CREATE TABLE deleted (n INTEGER PRIMARY KEY, sid TEXT, file TEXT, line INTEGER, row TEXT)")
        for name, joined in JOINED_ON.items():
            extra = "".join(f', "{c}" TEXT' for c in joined)
            unique = " UNIQUE" if name in KEYED else ""
            self.db.execute(f"CREATE TABLE {_table(name)} (n INTEGER PRIMARY KEY, sid TEXT{unique}, line INTEGER, "
                            f"row TEXT{extra})")

    def load(self, name: str, lines: Iterable[str]) -> None:
        """One file, header checked (trimmed, in any case), enumerations lower-cased; tobedeleted
        and inactive rows go to `deleted`."""
        lines = iter(lines)
        first = next(lines, "")
        header = _header(first)
        missing = [c for c in REQUIRED.get(name, ()) if c not in header]
        if missing:
            raise fmt.FileRefusedError("missing_columns", f"{name}: {', '.join(missing)}")
        joined = JOINED_ON[name]
        columns = ", ".join(["sid", "line", "row", *(f'"{c}"' for c in joined)])
        marks = ", ".join("?" * (3 + len(joined)))
        upsert = ""
        if name in KEYED:
            upsert = " ON CONFLICT(sid) DO UPDATE SET " + ", ".join(
                f"{c} = excluded.{c}" for c in ["line", "row", *(f'"{c}"' for c in joined)])
        # Table and column names are this module's constants, never the file's: only values are bound.
        insert = f"INSERT INTO {_table(name)} ({columns}) VALUES ({marks}){upsert}"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for line, row in _canonical_rows(itertools.chain([first], lines)):
            source = Source(name, line, row)
            if source.get("status").casefold() in ENDED:
                self.db.execute("INSERT INTO deleted (sid, file, line, row) VALUES (?, ?, ?, ?)",
                                (source.get("sourcedId"), name, line, json.dumps(row, ensure_ascii=False)))
                continue
            # Compact JSON: a row's column names are repeated in every row kept (the file on /tmp
            # is the biggest thing a OneRoster upload writes there).
            batch.append((source.get("sourcedId"), line, json.dumps(row, ensure_ascii=False, separators=(",", ":")),
                          *(source.get(c) for c in joined)))
            if len(batch) >= 1000:
                self.db.executemany(insert, batch)
                batch.clear()
        self.db.executemany(insert, batch)

    def index(self) -> None:
        """Indexes for the joins, made once every row is in (faster than keeping them up row by row)."""
        for statement in (
            'CREATE INDEX e_class ON "t_enrollments" (classSourcedId, role)',
            'CREATE INDEX e_user ON "t_enrollments" (userSourcedId)',
            'CREATE INDEX r_user ON "t_roles" (userSourcedId, role)',
            # Enrollments of what is being deleted are left out, as if never listed.
            'CREATE INDEX d_file ON deleted (file, sid)',
            'CREATE TEMP VIEW enr AS SELECT * FROM "t_enrollments" WHERE classSourcedId NOT IN '
            "(SELECT sid FROM deleted WHERE file = 'classes.csv') AND userSourcedId NOT IN "
            "(SELECT sid FROM deleted WHERE file = 'users.csv')",
        ):
            self.db.execute(statement)

    def sources(self, name: str, sql: str, *args: Any) -> Iterator[Source]:
        """Rows of `name` from a query whose first two columns are line and row."""
        for line, row, *_ in self.db.execute(sql, args):
            yield Source(name, line, json.loads(row))

    def one(self, name: str, sourced_id: str) -> Source | None:
        """A keyed file's row by its sourcedId."""
        query = f"SELECT line, row FROM {_table(name)} WHERE sid = ?"  # noqa: S608 - KEYED names only
        found = self.db.execute(query, (sourced_id,)).fetchone()
        return Source(name, found[0], json.loads(found[1])) if found else None

    def close(self) -> None:
        self.db.close()


def _header(first_line: str) -> list[str]:
    """A file's header in the standard's spelling: trimmed, without a BOM, in the standard's case."""
    return [VOCABULARY.get(c.casefold(), c) for c in fmt.header_cells(first_line)]


def _canonical_rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """`fmt.rows` with the header in the standard's spelling and the enumerations lower-cased."""
    lines = iter(lines)
    first = next(lines, "")
    spelling = {c: VOCABULARY.get(c.casefold(), c) for c in fmt.header_cells(first)}
    renamed = any(c != s for c, s in spelling.items())
    for line, row in fmt.rows(itertools.chain([first], lines)):
        if renamed:
            row = {spelling.get(k, k): v for k, v in row.items()}
        for column in ENUMERATED:
            if column in row:
                row[column] = row[column].strip().lower()
        yield line, row


def _read_member(name: str, opener: fmt.Opener, consume: Callable[[Iterable[str]], None]) -> None:
    """Hand one file's lines to `consume`, again in the next candidate encoding when the first
    stops decoding part-way (`consume` must undo what it did when it raises)."""
    try:
        with opener() as raw:
            head = raw.read(fmt.HEAD_BYTES)
    except fmt.damaged_member_errors() as exc:
        raise fmt.FileRefusedError("broken_zip", name) from exc
    for encoding in fmt.encodings_for(head, name):
        try:
            with fmt.text_stream(opener(), encoding) as lines:
                consume(lines)
            return
        except UnicodeDecodeError:
            continue
        except fmt.damaged_member_errors() as exc:
            raise fmt.FileRefusedError("broken_zip", name) from exc
    raise fmt.FileRefusedError("bad_encoding", name)


def translate_files(members: list[tuple[str, fmt.Opener]], scratch: str) -> Translation:
    """OneRoster files (name, binary opener) → our CSV kinds as files in `scratch`, streamed."""
    latest = {_file_name(name): opener for name, opener in members}  # any case, any folder; the last wins
    if "manifest.csv" in latest:
        _read_member("manifest.csv", latest["manifest.csv"], lambda lines: _check_manifest(lines, set(latest)))
    rows = _Rows(os.path.join(scratch, "oneroster.sqlite"))
    try:
        for name in REQUIRED:  # in a fixed order, so the same zip is refused for the same file
            if name in latest:
                _read_member(name, latest[name], partial(_load_into, rows, name))
        rows.index()
        return _translate(rows, scratch)
    finally:
        rows.close()


def _load_into(rows: _Rows, name: str, lines: Iterable[str]) -> None:
    rows.db.execute("SAVEPOINT member")
    try:
        rows.load(name, lines)
    except BaseException:
        rows.db.execute("ROLLBACK TO member")  # read again in another encoding, or refused
        rows.db.execute("RELEASE member")
        raise
    rows.db.execute("RELEASE member")


def translate(members: list[tuple[str, str]]) -> Translation:
    """OneRoster files (name, text) → our CSV kinds as text; the same translation, for tests and tools."""
    import io

    def opener(content: str) -> fmt.Opener:
        return lambda: io.BytesIO(content.encode("utf-8"))

    with tempfile.TemporaryDirectory(prefix="oneroster-") as scratch:
        made = translate_files([(name, opener(content)) for name, content in members], scratch)
        texts = {}
        for kind, path in made.files.items():
            with open(path, encoding="utf-8", newline="") as text:
                texts[kind] = text.read()
    return Translation(texts, made.columns)


def _check_manifest(lines: Iterable[str], present: set[str]) -> None:
    """A file the manifest says is there (bulk or delta) must be in the zip."""
    for _, row in _canonical_rows(lines):
        source = Source("manifest.csv", 0, row)
        prop = source.get("propertyName")
        if prop.casefold().startswith("file.") and source.get("value").lower() in ("bulk", "delta"):
            name = _file_name(prop[len("file."):] + ".csv")
            if name not in present:
                raise fmt.FileRefusedError("missing_file", name)


def _translate(rows: _Rows, scratch: str) -> Translation:
    kinds = ("classes", "subjects", "terms", "teachings", "students", "grades", "departures")
    out = {kind: _Writer(kind, os.path.join(scratch, f"oneroster-{kind}.csv")) for kind in kinds}
    try:
        db = rows.db
        db.executescript("""
            CREATE TABLE students (n INTEGER PRIMARY KEY, sid TEXT);
            CREATE TABLE class_of (user TEXT PRIMARY KEY, name TEXT);
            CREATE TABLE subject_of (class TEXT PRIMARY KEY, name TEXT);
        """)
        _terms(rows, out["terms"])
        # Students in users.csv order, by role (1.2 roles.csv, 1.1 users.role) or enrollment.
        db.execute("""INSERT INTO students SELECT n, sid FROM "t_users" WHERE role = 'student'
                      OR sid IN (SELECT userSourcedId FROM "t_roles" WHERE role = 'student')
                      OR sid IN (SELECT userSourcedId FROM enr WHERE role = 'student') ORDER BY n""")
        # Our class of each student: their first homeroom, else one named after their grade (_classes).
        db.execute("""INSERT OR IGNORE INTO class_of SELECT e.userSourcedId, c.title FROM enr e
                      JOIN "t_classes" c ON c.sid = e.classSourcedId
                      WHERE e.role = 'student' AND c.classType = 'homeroom' ORDER BY e.n""")
        _classes(rows, out["classes"])
        _subjects(rows, out["subjects"])
        _teachings(rows, out["teachings"])
        _students(rows, out["students"])
        _grades(rows, out["grades"])
        _departures(rows, out["departures"])
    finally:
        for writer in out.values():
            writer.close()
    files = {}
    for kind, writer in out.items():
        if writer.count:
            files[kind] = writer.path
        else:
            os.remove(writer.path)
    return Translation(files)


def _terms(rows: _Rows, out: _Writer) -> None:
    # A semester whose quarters are listed is not a term: the quarters are.
    for session in rows.sources("academicSessions.csv", """
            SELECT line, row FROM "t_academicSessions" WHERE type IN (?, ?, ?) AND sid NOT IN
            (SELECT parentSourcedId FROM "t_academicSessions" WHERE type IN (?, ?, ?)) ORDER BY n""",
                                *TERM_TYPES, *TERM_TYPES):
        out.add(session, {"name": session.get("title"), "starts_on": session.get("startDate")[:10],
                          "ends_on": session.get("endDate")[:10]})


def _classes(rows: _Rows, out: _Writer) -> None:
    """Homerooms, then the classes made for students without one: after their grade, or UNPLACED.

    Every student ends in a class (our students, the diary and the messages all belong to one):
    one with neither a homeroom nor a grade is on UNPLACED's roster, a class of no grade level,
    until the school exports a homeroom or the administrator moves them."""
    db = rows.db
    for homeroom in rows.sources("classes.csv", """SELECT line, row, sid FROM "t_classes"
                                                   WHERE classType = 'homeroom' ORDER BY n"""):
        grades = homeroom.listed("grades")
        level = _grade_level(grades)
        warnings: list[tuple[str, str, str | None]] = []
        code = next((g for g in grades if _level_of(g) is not None), "")
        if level is None:  # the grade most of its students are in (the first met, on a tie)
            found = db.execute("""
                SELECT grade_level(u.grades) AS level FROM enr e JOIN "t_users" u ON u.sid = e.userSourcedId
                WHERE e.classSourcedId = ? AND e.role = 'student' AND grade_level(u.grades) IS NOT NULL
                GROUP BY level ORDER BY COUNT(*) DESC, MIN(e.n) LIMIT 1""", (homeroom.get("sourcedId"),)).fetchone()
            level = found[0] if found else None
            if level is not None:
                code = _grade_code(level)
                warnings.append(("grades", "grade_from_students", code))
        if level is not None and level not in SCHOOL_GRADES:
            warnings.append(("grades", "outside_school_grades", code))
        out.add(homeroom, {"name": homeroom.get("title"), "grade_level": level}, warnings=warnings)
    db.execute("""CREATE TEMP TABLE unplaced AS SELECT u.line, u.row, s.sid, s.n FROM students s
                  JOIN "t_users" u ON u.sid = s.sid WHERE s.sid NOT IN (SELECT user FROM class_of)""")
    derived: set[str] = set()  # a class per grade met, and UNPLACED
    for user in rows.sources("users.csv", "SELECT line, row FROM unplaced ORDER BY n"):
        grades = user.listed("grades")
        made = _grade_class(grades)
        name, level = made if made else (UNPLACED, None)
        db.execute("INSERT OR IGNORE INTO class_of VALUES (?, ?)", (user.get("sourcedId"), name))
        if name.casefold() in derived:
            continue
        derived.add(name.casefold())
        warnings = []
        if level is not None and level not in SCHOOL_GRADES:
            warnings.append(("grades", "outside_school_grades", next(g for g in grades if _level_of(g) == level)))
        out.add(user, {"name": name, "grade_level": level}, warnings=warnings)


def _subjects(rows: _Rows, out: _Writer) -> None:
    """Each scheduled class's subject name; each subject written once, from where it was first named."""
    db = rows.db
    db.execute("CREATE TEMP TABLE seen (name TEXT PRIMARY KEY)")
    for cls in rows.sources("classes.csv", """SELECT line, row FROM "t_classes" WHERE classType != 'homeroom'
                                              ORDER BY n"""):
        course = rows.one("courses.csv", cls.get("courseSourcedId"))
        warnings: list[tuple[str, str, str | None]] = []
        if cls.listed("subjects"):
            name, where = cls.listed("subjects")[0], cls
        elif course is not None and course.listed("subjects"):
            name, where = course.listed("subjects")[0], course
        elif course is not None:  # the course's title: shared by its sections, as a subject is
            name, where = course.get("title"), course
            warnings.append(("subjects", "subject_from_title", name))
        else:  # an absent course: the section's own title
            name, where = cls.get("title"), cls
            warnings.append(("courseSourcedId", "unknown_course", cls.get("courseSourcedId")))
        db.execute("INSERT OR REPLACE INTO subject_of VALUES (?, ?)", (cls.get("sourcedId"), name))
        if db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (name.casefold(),)).rowcount:
            out.add(where, {"name": name}, "" if name else "title:required", warnings=warnings if name else ())


def _teachings(rows: _Rows, out: _Writer) -> None:
    db = rows.db
    db.execute("CREATE TEMP TABLE taught (email TEXT, class TEXT, subject TEXT, PRIMARY KEY (email, class, subject))")
    teachers = db.execute("""SELECT e.line, e.row, e.classSourcedId, e.userSourcedId, so.name FROM enr e
                             JOIN subject_of so ON so.class = e.classSourcedId WHERE e.role = 'teacher'
                             ORDER BY e.n""")  # a homeroom's teacher teaches no subject through it
    without_email: set[str] = set()  # teachers already reported for it: a row each, at their users.csv line
    for line, row, section, user_id, subject in teachers:
        enrollment = Source("enrollments.csv", line, json.loads(row))
        teacher = rows.one("users.csv", user_id)
        if teacher is None:
            out.add(enrollment, {}, "userSourcedId:unknown_user")
            continue
        ours = db.execute("""SELECT DISTINCT co.name FROM enr e JOIN class_of co ON co.user = e.userSourcedId
                             WHERE e.classSourcedId = ? AND e.role = 'student' ORDER BY co.name""", (section,))
        for (our_class,) in ours.fetchall():  # the classes of one section: a handful
            if not teacher.get("email"):
                # email is optional in OneRoster: with none there is nobody to invite, so the row
                # names the teacher's own line, and the builder warns on its email column.
                if user_id not in without_email:
                    without_email.add(user_id)
                    out.add(teacher, {"teacher_email": "", "class": our_class, "subject": subject})
                break
            key = (teacher.get("email").lower(), our_class, subject.casefold())
            if db.execute("INSERT OR IGNORE INTO taught VALUES (?, ?, ?)", key).rowcount:
                out.add(enrollment, {"teacher_email": teacher.get("email"), "class": our_class, "subject": subject})


def _students(rows: _Rows, out: _Writer) -> None:
    found = rows.db.execute("""SELECT u.line, u.row, s.sid, d.row, co.name FROM students s
                               JOIN "t_users" u ON u.sid = s.sid LEFT JOIN "t_demographics" d ON d.sid = s.sid
                               LEFT JOIN class_of co ON co.user = s.sid ORDER BY s.n""")
    for line, row, user_id, demographics, our_class in found:
        user = Source("users.csv", line, json.loads(row))
        birth = Source("demographics.csv", 0, json.loads(demographics)) if demographics else None
        born, warnings = _birth_date(birth)
        values = {"student_id": user_id, "last_name": user.get("familyName"), "first_name": user.get("givenName"),
                  "middle_name": user.get("middleName"), "birth_date": born, "class": our_class}
        # demographics.csv is optional: a student without a birth date is taken, and a parent's
        # application is matched by name and class (docs/oneroster.md, «Matching a parent's application»).
        # Every student has a class (_classes): UNPLACED says the file gave them neither homeroom nor grade.
        if our_class == UNPLACED:
            warnings.append(("grades", "no_class", None))
        out.add(user, values, warnings=warnings)


def _birth_date(birth: Source | None) -> tuple[str, list[tuple[str, str, str | None]]]:
    """A student's birth date from their demographics row ("" without one), and the warning when
    the row has one that is not a date: the student is taken without it rather than refused."""
    written = birth.get("birthDate") if birth else ""
    if not written:
        return "", []
    try:
        return str(fmt.date({"birthDate": written[:10]}, "birthDate")), []
    except fmt.RowError:
        return "", [("birthDate", "birth_date_unreadable", written)]


def _grades(rows: _Rows, out: _Writer) -> None:
    # results.csv is the big one (a row per mark): walked once, in order, each row joined to its line item.
    found = rows.db.execute("""
        SELECT r.line, r.row, li.row, li.categorySourcedId, c.title, so.class, so.name FROM "t_results" r
        LEFT JOIN "t_lineItems" li ON li.sid = r.lineItemSourcedId
        LEFT JOIN "t_categories" c ON c.sid = li.categorySourcedId
        LEFT JOIN subject_of so ON so.class = li.classSourcedId
        WHERE r.lineItemSourcedId NOT IN (SELECT sid FROM deleted)
          AND r.studentSourcedId NOT IN (SELECT sid FROM deleted)
        ORDER BY r.n""")
    for line, row, item_row, category_id, category_title, section, subject in found:
        result = Source("results.csv", line, json.loads(row))
        if item_row is None:
            out.add(result, {}, "lineItemSourcedId:unknown_line_item", result.get("lineItemSourcedId"))
            continue
        item = Source("lineItems.csv", 0, json.loads(item_row))
        if section is None:
            out.add(result, {}, "lineItemSourcedId:unknown_class", result.get("lineItemSourcedId"))
            continue
        score = result.get("score")
        if not score and result.get("scoreStatus") in ("exempt", "not submitted"):
            continue  # nothing was marked
        values: dict[str, object] = {
            "grade_id": result.get("sourcedId"), "student_id": result.get("studentSourcedId"),
            "date": result.get("scoreDate")[:10], "starts_at": "00:00", "subject": subject, "value": score,
            "work_kind": work_kind(category_title) if category_id else "classwork",
            "remark": result.get("comment")}
        error, refused = "", None
        if score:
            # pandas writes NaN / inf for a missing score, and float() takes them: only finite numbers are scores.
            parsed, maximum_cell = fmt.finite_number(score), item.get("resultValueMax")
            maximum = fmt.finite_number(maximum_cell) if maximum_cell else None
            mark = None if parsed is None else score_to_mark(parsed, maximum)
            if parsed is None:
                error, refused = "score:not_a_number", score
            elif maximum_cell and (maximum is None or maximum <= 0):
                error = "resultValueMax:not_a_number" if maximum is None else "resultValueMax:out_of_range"
                refused = maximum_cell
            elif mark is None:
                error, refused = "score:out_of_range", score  # 0, below 0, or above the maximum
            else:
                values["value"] = mark
        out.add(result, values, error, refused)


# --- what tobedeleted and inactive rows end ------------------------------------------------------


def _departures(rows: _Rows, out: _Writer) -> None:
    """Each ended row as the departures it makes, in the files' order (docs/oneroster.md, «Deletions»)."""
    for file, line, row in rows.db.execute("SELECT file, line, row FROM deleted ORDER BY n").fetchall():
        ended = Source(file, line, json.loads(row))
        if file == "users.csv":
            # Whoever it was: a student's id names a student of ours, anyone else's names nobody.
            out.add(ended, {"what": "student", "id": ended.get("sourcedId"), "student_id": ended.get("sourcedId")})
        elif file == "academicSessions.csv" and ended.get("type").casefold() in {t.casefold() for t in TERM_TYPES}:
            out.add(ended, {"what": "term", "id": ended.get("sourcedId"), "term": ended.get("title")})
        elif file == "enrollments.csv":
            _ended_enrollment(rows, ended, out)
        elif file == "classes.csv":
            _ended_class(rows, ended, out)
        # Other files (courses, line items, results, categories, demographics, orgs): nothing is
        # removed for them; what refers to them is left out of this upload.


def _class_row(rows: _Rows, sourced_id: str) -> Source | None:
    """A class by sourcedId, whether listed or itself ended in this zip."""
    found = rows.one("classes.csv", sourced_id)
    if found is not None:
        return found
    ended = rows.db.execute("SELECT line, row FROM deleted WHERE file = 'classes.csv' AND sid = ? ORDER BY n DESC",
                            (sourced_id,)).fetchone()
    return Source("classes.csv", ended[0], json.loads(ended[1])) if ended else None


def _is_homeroom(cls: Source) -> bool:
    return cls.get("classType").casefold() == "homeroom"


def _ended_enrollment(rows: _Rows, ended: Source, out: _Writer) -> None:
    cls = _class_row(rows, ended.get("classSourcedId"))
    role = ended.get("role").casefold()
    if cls is None:
        out.add(ended, {"what": "enrolment", "id": ended.get("sourcedId")}, "classSourcedId:unknown_class",
                ended.get("classSourcedId"))
    elif role == "student" and _is_homeroom(cls):
        out.add(ended, {"what": "enrolment", "id": ended.get("sourcedId"), "student_id": ended.get("userSourcedId"),
                        "class": cls.get("title")})
    elif role == "teacher" and not _is_homeroom(cls):
        _ended_teachings(rows, ended, cls, [ended.get("userSourcedId")], out)
    # A student's enrollment in a section: marks are kept by student and subject, nothing to end.


def _ended_class(rows: _Rows, ended: Source, out: _Writer) -> None:
    if _is_homeroom(ended):
        out.add(ended, {"what": "class", "id": ended.get("sourcedId"), "class": ended.get("title")})
        return
    teachers = [t for (t,) in rows.db.execute("""SELECT userSourcedId FROM "t_enrollments" WHERE classSourcedId = ?
                                                 AND lower(role) = 'teacher' ORDER BY n""", (ended.get("sourcedId"),))]
    _ended_teachings(rows, ended, ended, teachers, out)


def _section_subject(rows: _Rows, cls: Source) -> str:
    """The subject a section teaches: as _subjects named it, else by the same rule."""
    named = rows.db.execute("SELECT name FROM subject_of WHERE class = ?", (cls.get("sourcedId"),)).fetchone()
    if named and named[0]:
        return str(named[0])
    course = rows.one("courses.csv", cls.get("courseSourcedId"))
    names = cls.listed("subjects") or (course.listed("subjects") if course else [])
    return names[0] if names else (course.get("title") if course else cls.get("title"))


def _ended_teachings(rows: _Rows, ended: Source, section: Source, teacher_ids: list[str], out: _Writer) -> None:
    """The teachings a section gave: each teacher, to each of our classes its students are in."""
    ours = [name for (name,) in rows.db.execute("""
        SELECT DISTINCT co.name FROM "t_enrollments" e JOIN class_of co ON co.user = e.userSourcedId
        WHERE e.classSourcedId = ? AND lower(e.role) = 'student' ORDER BY co.name""", (section.get("sourcedId"),))]
    subject = _section_subject(rows, section)
    for teacher_id in dict.fromkeys(teacher_ids):
        teacher = rows.one("users.csv", teacher_id)
        if teacher is None:
            continue  # nobody we know: nothing of theirs to end
        for our_class in ours:  # none when the zip does not say whose section it was: nothing is guessed
            out.add(ended, {"what": "teaching", "id": ended.get("sourcedId"), "teacher_email": teacher.get("email"),
                            "class": our_class, "subject": subject})
