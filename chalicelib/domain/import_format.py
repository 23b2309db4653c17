"""The project's own CSV set for school data: which files, which columns, how a row reads.

A school uploads one CSV (named after its kind, e.g. `grades.csv`) or a zip of several.
Files are processed in dependency order, so a zip can bring classes, the students in them
and their grades together. Everything here is pure: bytes in, rows and reasons out.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from chalicelib.domain.days import within_bounds
from chalicelib.text import multiline_text, refused_character

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# A zip bomb stops at these (a whole school's year is ~45 MB unpacked, its biggest file ~32 MB,
# at most ~20:1): Lambda's /tmp holds 512 MB, and nothing unpacked is ever held whole in memory.
MAX_FILES = 64
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # unpacked ÷ packed, for a file of more than RATIO_FLOOR_BYTES unpacked
RATIO_FLOOR_BYTES = 1024 * 1024
WORK_KINDS = ("classwork", "homework", "test", "control", "oral", "lab", "essay", "dictation", "project", "other")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LONE_CR = re.compile(r"\r(?=[^\n])")
# Digits as exporters write a number: ASCII only (int() and float() also take "٥", "1_0", "nan", "inf").
DECIMAL = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# What a browser or a file manager adds to a copy's name: "grades (2).csv", "grades - Копия.csv".
COPY_SUFFIX = re.compile(r"(?:\s+-\s+(?:копия|copy))?(?:\s*\(\d{1,4}\))?$", re.IGNORECASE)


class FileRefusedError(Exception):
    """The whole upload is unusable: nothing from it is written."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class RowError(Exception):
    """One cell of one row is wrong; the row is skipped and reported."""

    def __init__(self, column: str, code: str) -> None:
        super().__init__(code)
        self.column = column
        self.code = code


# --- cell readers ----------------------------------------------------------------------


def text(row: dict[str, str], column: str, limit: int = 200, required: bool = True,
         multiline: bool = False) -> str | None:
    """A trimmed string cell: one line of text, or with `multiline` line breaks and tabs too."""
    value = (row.get(column) or "").strip()
    if multiline:
        value = multiline_text(value)
    if not value:
        if required:
            raise RowError(column, "required")
        return None
    if len(value) > limit:
        raise RowError(column, "too_long")
    if refused_character(value, multiline) is not None:
        raise RowError(column, "control_characters")
    return value


def cut_text(row: dict[str, str], column: str, limit: int) -> tuple[str | None, bool]:
    """An optional multi-line text cut to `limit` characters, and whether it was cut: for a
    remark beside the data, where losing the row (a grade) for a long comment is worse than
    keeping the comment's beginning. The row is taken with a warning (`cut_to_limit`)."""
    value = multiline_text((row.get(column) or "").strip())
    if refused_character(value, multiline=True) is not None:
        raise RowError(column, "control_characters")
    if len(value) <= limit:
        return value or None, False
    return value[:limit].rstrip(), True


def date(row: dict[str, str], column: str, required: bool = True) -> str | None:
    """An ISO date cell (also accepts the Russian DD.MM.YYYY)."""
    value = text(row, column, 10, required)
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", value):
            day = dt.datetime.strptime(value, "%d.%m.%Y").date()
        else:
            day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise RowError(column, "bad_date") from exc
    if not within_bounds(day):  # 9999-12-31 is a date, but not one a school year can hold
        raise RowError(column, "bad_date")
    return day.isoformat()


def clock(row: dict[str, str], column: str) -> str:
    """An HH:MM cell."""
    value = text(row, column, 5)
    assert value is not None
    if len(value) == 4 and value[1] == ":":
        value = "0" + value
    if not CLOCK.match(value):
        raise RowError(column, "bad_time")
    return value


def clock_or_none(row: dict[str, str], column: str) -> str | None:
    """An optional HH:MM cell."""
    return clock(row, column) if (row.get(column) or "").strip() else None


def names(row: dict[str, str], column: str, limit: int = 16, most: int = 50) -> list[str]:
    """A list of names in one cell ("5А, 5Б" or "5А 5Б"), each trimmed; empty when the cell is."""
    found = [n for n in re.split(r"[,;\s]+", (row.get(column) or "").strip()) if n]
    if len(found) > most:
        raise RowError(column, "too_many")
    if any(len(n) > limit for n in found):
        raise RowError(column, "too_long")
    if any(refused_character(n) is not None for n in found):
        raise RowError(column, "control_characters")
    return list(dict.fromkeys(found))


def finite_number(value: str) -> float | None:
    """A decimal number as exporters write it ("73", "4.5", "4,5", "1e2"), or None for anything
    else: NaN, infinities and digits other than ASCII included."""
    value = value.strip()
    if not DECIMAL.fullmatch(value):
        return None
    parsed = float(value.replace(",", "."))
    return parsed if math.isfinite(parsed) else None


def number(row: dict[str, str], column: str, low: int, high: int, default: int | None = None) -> int:
    """A whole number in a range ("5"; also "5.0" as spreadsheets and pandas write whole numbers)."""
    value = text(row, column, 20, required=default is None)  # room for "Infinity" to be not_a_number
    if value is None:
        assert default is not None
        return default
    parsed = finite_number(value)
    if parsed is None or not parsed.is_integer():
        raise RowError(column, "not_a_number")
    if not low <= parsed <= high:
        raise RowError(column, "out_of_range")
    return int(parsed)


def choice(row: dict[str, str], column: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    """One of a fixed set of words."""
    value = text(row, column, 40, required=default is None)
    if value is None:
        assert default is not None
        return default
    if value.lower() not in allowed:
        raise RowError(column, "not_allowed")
    return value.lower()


def flag(row: dict[str, str], column: str) -> bool:
    """yes/no, 1/0, true/false, да/нет."""
    value = (row.get(column) or "").strip().lower()
    if value in ("", "0", "no", "false", "нет", "н"):
        return False
    if value in ("1", "yes", "true", "да", "д"):
        return True
    raise RowError(column, "not_allowed")


def email(row: dict[str, str], column: str, required: bool = True) -> str | None:
    """An email address, lower-cased."""
    value = text(row, column, 254, required)
    if value is None:
        return None
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise RowError(column, "bad_email")
    return value.lower()


# --- the file kinds --------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """One CSV of the set: its columns and how a row becomes plain data."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    read: Callable[[dict[str, str]], dict[str, Any]]


# The grade levels a class may have: -1 pre-kindergarten, 0 kindergarten, 1..11 our school's
# grades, 12 and 13 those of schools abroad (CEDS codes PK, KG, 01..13). An empty cell is a class
# of no grade level (an ungraded group), taken with a warning (import_rows._classes).
GRADE_LEVELS = (-1, 13)


def _class(row: dict[str, str]) -> dict[str, Any]:
    level = number(row, "grade_level", *GRADE_LEVELS) if (row.get("grade_level") or "").strip() else None
    return {"name": text(row, "name", 16), "grade_level": level}


def _subject(row: dict[str, str]) -> dict[str, Any]:
    return {"name": text(row, "name", 120)}


def _term(row: dict[str, str]) -> dict[str, Any]:
    out = {"name": text(row, "name", 120), "starts_on": date(row, "starts_on"), "ends_on": date(row, "ends_on")}
    if str(out["ends_on"]) < str(out["starts_on"]):
        raise RowError("ends_on", "ends_before_start")
    return out


def _teaching(row: dict[str, str]) -> dict[str, Any]:
    # No address is a warning, not a refusal (import_rows._teachings): nobody to invite, nothing lost.
    return {"teacher_email": email(row, "teacher_email", False), "class": text(row, "class", 16),
            "subject": text(row, "subject", 120)}


def _student(row: dict[str, str]) -> dict[str, Any]:
    return {"student_id": text(row, "student_id", 64), "last_name": text(row, "last_name", 120),
            "first_name": text(row, "first_name", 120), "middle_name": text(row, "middle_name", 120, False),
            # optional: a parent's application is then matched by name and class (domain/roster.py)
            "birth_date": date(row, "birth_date", False), "class": text(row, "class", 16)}


def _lesson(row: dict[str, str]) -> dict[str, Any]:
    out = {"date": date(row, "date"), "starts_at": clock(row, "starts_at"), "ends_at": clock(row, "ends_at"),
           "class": text(row, "class", 16), "subject": text(row, "subject", 120),
           "teacher_email": email(row, "teacher_email", False), "room": text(row, "room", 40, False),
           "topic": text(row, "topic", 500, False)}
    if str(out["ends_at"]) <= str(out["starts_at"]):
        raise RowError("ends_at", "ends_before_start")
    return out


def _homework(row: dict[str, str]) -> dict[str, Any]:
    out = {"date": date(row, "date"), "starts_at": clock(row, "starts_at"), "class": text(row, "class", 16),
           "subject": text(row, "subject", 120), "text": text(row, "text", 4000, multiline=True),
           "due_date": date(row, "due_date")}
    if str(out["due_date"]) < str(out["date"]):
        raise RowError("due_date", "due_before_lesson")
    return out


REMARK_LIMIT = 1000  # a grade's remark, as a teacher's post allows it


def _grade(row: dict[str, str]) -> dict[str, Any]:
    remark, cut = cut_text(row, "remark", REMARK_LIMIT)
    return {"grade_id": text(row, "grade_id", 64), "student_id": text(row, "student_id", 64),
            "date": date(row, "date"), "starts_at": clock(row, "starts_at"), "subject": text(row, "subject", 120),
            "value": number(row, "value", 1, 5), "weight": number(row, "weight", 1, 10, default=1),
            "work_kind": choice(row, "work_kind", WORK_KINDS, default="classwork"),
            "remark": remark, **({"remark_cut": True} if cut else {})}  # the builder warns of it


RESULT_WORDS = {"5": "5", "4": "4", "3": "3", "2": "2", "pass": "pass", "fail": "fail", "зачёт": "pass",
                "зачет": "pass", "незачёт": "fail", "незачет": "fail"}
FINAL_WORDS = ("final", "итоговая", "год", "годовая")


def _attestation(row: dict[str, str]) -> dict[str, Any]:
    result = (text(row, "result", 20) or "").lower()
    if result not in RESULT_WORDS:
        raise RowError("result", "not_allowed")
    period = text(row, "period", 120) or ""
    return {"student_id": text(row, "student_id", 64), "subject": text(row, "subject", 120),
            "period": "final" if period.lower() in FINAL_WORDS else period, "result": RESULT_WORDS[result]}


def _attendance(row: dict[str, str]) -> dict[str, Any]:
    mark = choice(row, "mark", ("absent", "late"))
    minutes = number(row, "minutes_late", 1, 90, default=0) if mark == "late" else 0
    return {"student_id": text(row, "student_id", 64), "date": date(row, "date"),
            "starts_at": clock(row, "starts_at"), "subject": text(row, "subject", 120), "mark": mark,
            "excused": flag(row, "excused"), "minutes_late": minutes or None}


def _event(row: dict[str, str]) -> dict[str, Any]:
    out = {"event_id": text(row, "event_id", 64), "title": text(row, "title", 120), "date": date(row, "date"),
           "starts_at": clock_or_none(row, "starts_at"), "ends_at": clock_or_none(row, "ends_at"),
           "place": text(row, "place", 200, False),
           "description": text(row, "description", 2000, False, multiline=True),
           "classes": names(row, "classes")}
    if out["starts_at"] and out["ends_at"] and str(out["ends_at"]) <= str(out["starts_at"]):
        raise RowError("ends_at", "ends_before_start")
    return out


def _meeting(row: dict[str, str]) -> dict[str, Any]:
    return {"class": text(row, "class", 16), "date": date(row, "date"), "starts_at": clock(row, "starts_at"),
            "place": text(row, "place", 200), "agenda": text(row, "agenda", 2000, multiline=True),
            "meeting_id": text(row, "meeting_id", 64, False)}


DEPARTING = ("student", "enrolment", "term", "teaching", "class")
# What each kind of departure names (the school's own student id, our class and subject names,
# the term's name): a row missing one is refused for it.
DEPARTURE_NEEDS = {"student": ("student_id",), "enrolment": ("student_id", "class"), "term": ("term",),
                   "teaching": ("teacher_email", "class", "subject"), "class": ("class",)}


def _departure(row: dict[str, str]) -> dict[str, Any]:
    """Something the school's system ended (OneRoster's `tobedeleted` or `inactive`): a student
    leaves the school, a student their class (`enrolment`), a term, a teaching, a class's teachings."""
    what = (row.get("what") or "").strip().casefold().replace("enrollment", "enrolment")
    if what not in DEPARTING:
        raise RowError("what", "not_allowed")
    out = {"what": what, "id": text(row, "id", 120), "student_id": text(row, "student_id", 64, False),
           "class": text(row, "class", 16, False), "subject": text(row, "subject", 120, False),
           "teacher_email": email(row, "teacher_email", False), "term": text(row, "term", 120, False)}
    if what == "student" and not out["student_id"]:
        out["student_id"] = out["id"]  # a student is named by their own id
    for column in DEPARTURE_NEEDS[what]:
        if not out[column]:
            raise RowError(column, "required")
    return out


KINDS: dict[str, FileKind] = {k.name: k for k in [
    FileKind("classes", ("name", "grade_level"), (), _class),
    FileKind("subjects", ("name",), (), _subject),
    FileKind("terms", ("name", "starts_on", "ends_on"), (), _term),
    FileKind("teachings", ("teacher_email", "class", "subject"), (), _teaching),
    # birth_date: the column is there, a cell may be empty (the child is then matched by name and class)
    FileKind("students", ("student_id", "last_name", "first_name", "birth_date", "class"), ("middle_name",), _student),
    FileKind("schedule", ("date", "starts_at", "ends_at", "class", "subject"),
             ("teacher_email", "room", "topic"), _lesson),
    FileKind("homework", ("date", "starts_at", "class", "subject", "text", "due_date"), (), _homework),
    FileKind("grades", ("grade_id", "student_id", "date", "starts_at", "subject", "value"),
             ("weight", "work_kind", "remark"), _grade),
    FileKind("attendance", ("student_id", "date", "starts_at", "subject", "mark"), ("excused", "minutes_late"),
             _attendance),
    FileKind("attestation", ("student_id", "subject", "period", "result"), (), _attestation),
    FileKind("events", ("event_id", "title", "date"), ("starts_at", "ends_at", "place", "description", "classes"),
             _event),
    FileKind("meetings", ("class", "date", "starts_at", "place", "agenda"), ("meeting_id",), _meeting),
    FileKind("departures", ("what", "id"), ("student_id", "class", "subject", "teacher_email", "term"), _departure),
]}
ORDER = list(KINDS)  # a kind's place here orders its chunks' names and its rows in the report
# The order files are applied in: a row only refers to kinds before it. Departures come first, so
# a term the school's system ended stops blocking the terms of the same upload, and a class or a
# student it takes back is not brought back by a later row of that upload.
PROCESSING = ["departures", *(k for k in ORDER if k != "departures")]


# What operating systems leave in a zip a person made by hand: never a school's file, never read.
DEBRIS_NAMES = (".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".directory", "icon\r")
DEBRIS_FOLDERS = ("__macosx", ".spotlight-v100", ".trashes", ".fseventsd")


def is_debris(name: str) -> bool:
    """A zip member that is operating-system debris: Finder's .DS_Store and its AppleDouble `._*`
    twins (and anything under __MACOSX/), Windows' Thumbs.db and desktop.ini, Office's `~$` lock files."""
    parts = name.replace("\\", "/").split("/")
    bare = parts[-1].casefold()
    return (bare in DEBRIS_NAMES or bare.startswith("._") or bare.startswith("~$")
            or any(p.casefold() in DEBRIS_FOLDERS for p in parts[:-1]))


def kind_of(filename: str) -> FileKind:
    """The kind a file name stands for (`grades.csv`, `2026/grades.csv`; a copy's `grades (2).csv`
    and `grades - Копия.csv` too)."""
    stem = COPY_SUFFIX.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".csv").strip())
    if stem not in KINDS:
        raise FileRefusedError("unknown_file", filename)
    return KINDS[stem]


# --- decoding and checking a file ----------------------------------------------------
#
# Planning streams a file: it reads its first 64 KB to choose the encoding and check the header,
# then walks it row by row. Nothing here ever holds a whole file in memory, so a school's year
# (450,000 grades) is planned in the memory of a few rows.

HEAD_BYTES = 65536
Opener = Callable[[], IO[bytes]]


def encodings_for(head: bytes, filename: str) -> tuple[str, ...]:
    """The encodings to read a file in, from its first bytes: UTF-8 (with or without BOM),
    falling back to Windows-1251 when UTF-8 fails further on; refuses binary junk."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # not final: a character cut at the end is fine
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    cp1251 = _cp1251_plausible(head)
    if not utf8 and not cp1251:
        raise FileRefusedError("bad_encoding", filename)
    return (("utf-8-sig",) if utf8 else ()) + (("cp1251",) if cp1251 else ())


def _cp1251_plausible(head: bytes) -> bool:
    try:
        decoded = head.decode("cp1251")
    except UnicodeDecodeError:
        return False
    # cp1251 maps nearly every byte; binary junk shows up as many control characters, while a
    # school's export may carry a stray one in a cell: that row is refused, not the file.
    controls = sum(ch < " " and ch not in "\r\n\t" for ch in decoded)
    return controls <= max(8, len(decoded) // 100)


def decode(raw: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM) or Windows-1251, as Russian school systems export."""
    for encoding in encodings_for(raw[:HEAD_BYTES], filename):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefusedError("bad_encoding", filename)


def first_line(head: bytes, encoding: str) -> str:
    """The header line of a file from its first bytes."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    return text.split("\n", 1)[0].strip("\r")


def text_stream(raw: IO[bytes], encoding: str) -> IO[str]:
    """A binary stream read as text, split on \\n only (a \\r inside a quoted cell stays there)."""
    return io.TextIOWrapper(raw, encoding=encoding, newline="\n")


def is_zip(head: bytes, filename: str) -> bool:
    """A zip by its name or by its first bytes."""
    return filename.lower().endswith(".zip") or head[:4] == b"PK\x03\x04"


@contextmanager
def opened(path: str, filename: str) -> Iterator[list[tuple[str, Opener]]]:
    """(name, opener) of every file of an upload on disk: the zip's members, or the file itself.

    Zip members are opened one at a time as streams; a damaged member surfaces only while it is
    read (see `damaged_member_errors`)."""
    import zipfile  # not on the cold path of the API

    with open(path, "rb") as probe:
        head = probe.read(4)
    if not is_zip(head, filename):
        yield [(filename, file_opener(path))]
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise FileRefusedError("broken_zip", filename) from exc
    with archive:
        # Debris is left out before anything is checked or opened: it is never read.
        members = [m for m in archive.infolist() if not m.is_dir() and not is_debris(m.filename)]
        _check_expansion(members, filename)
        if not members:
            raise FileRefusedError("empty_file", filename)
        yield [(m.filename, partial(_open_member, archive, m)) for m in members]


def _check_expansion(members: list[Any], filename: str) -> None:
    """Refuse a zip by what its directory declares: how many files, how big each and all, how packed."""
    if len(members) > MAX_FILES:
        raise FileRefusedError("too_many_files", f"{filename}: {len(members)} > {MAX_FILES}")
    for m in members:
        if m.file_size > MAX_MEMBER_BYTES:
            raise FileRefusedError("member_too_large", f"{m.filename}: {m.file_size} > {MAX_MEMBER_BYTES} bytes")
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise FileRefusedError("compression_too_high", f"{m.filename}: more than {MAX_RATIO}:1")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise FileRefusedError("unpacked_too_large", f"{filename}: {total} > {MAX_UNPACKED_BYTES} bytes")


def _open_member(archive: Any, member: Any) -> IO[bytes]:
    # The directory's sizes are only a claim: the stream itself stops one byte past them.
    limit = min(member.file_size, MAX_MEMBER_BYTES)
    return io.BufferedReader(BoundedReader(archive.open(member), member.filename, limit), 1 << 16)


class BoundedReader(io.RawIOBase):
    """A binary stream that refuses to yield more than `limit` bytes (`member_too_large`)."""

    def __init__(self, raw: IO[bytes], name: str, limit: int) -> None:
        super().__init__()
        self.raw, self.name, self.limit, self.count = raw, name, limit, 0

    def readable(self) -> bool:
        """A reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into `buffer`, counting; past the limit the whole file is refused."""
        # Ask for one byte beyond what is left, so a stream longer than its limit is caught at once.
        wanted = min(len(buffer), self.limit - self.count + 1)
        data = self.raw.read(wanted)
        self.count += len(data)
        if self.count > self.limit:
            raise FileRefusedError("member_too_large", f"{self.name}: more than {self.limit} bytes")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        """Close the member too."""
        self.raw.close()
        super().close()


def damaged_member_errors() -> tuple[type[Exception], ...]:
    """What reading a damaged zip member raises: a bad CRC, cut or corrupt deflate data."""
    import zipfile

    return (zipfile.BadZipFile, zlib.error, EOFError)


def file_opener(path: str) -> Opener:
    """An opener of a file on local disk (whoever calls it closes the stream)."""
    return partial(_open_binary, path)


def _open_binary(path: str) -> IO[bytes]:
    return open(path, "rb")


def check_header(kind: FileKind, content: str) -> list[str]:
    """The header row of a whole file's text (see `check_header_line`)."""
    return check_header_line(kind, content.split("\n", 1)[0])


def check_header_line(kind: FileKind, line: str) -> list[str]:
    """The header row; refuses a file that misses required columns or is not CSV at all."""
    line = line.strip("\r\n")
    if not line:
        raise FileRefusedError("empty_file", kind.name + ".csv")
    try:
        header = [header_name(h) for h in next(csv.reader([line], delimiter=_delimiter(line)))]
    except csv.Error as exc:
        raise FileRefusedError("not_csv", kind.name + ".csv") from exc
    missing = [c for c in kind.required if c not in header]
    if missing:
        raise FileRefusedError("missing_columns", f"{kind.name}.csv: {', '.join(missing)}")
    return header


def header_name(cell: str) -> str:
    """A header cell as written, trimmed, without a byte-order mark (one left by a second BOM, or
    a UTF-8 BOM read as Windows-1251 when the file's text after it is not UTF-8)."""
    return cell.strip().removeprefix("\u043f\u00bb\u0457").lstrip("\ufeff").strip()


def _delimiter(header_line: str) -> str:
    # Excel in a Russian locale saves CSV with semicolons.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def header_cells(header_line: str) -> list[str]:
    """A header line's names as `rows` reads them: split on the file's delimiter, each trimmed."""
    line = header_line.strip("\r\n")
    return [header_name(h) for h in next(csv.reader([line], delimiter=_delimiter(line)), [])] if line else []


def _lone_cr_refused(line: str) -> str:
    # The csv module stops the whole file at a CR inside an unquoted cell; read as a NUL, it is
    # what it is, a control character in that cell, refused with its row.
    return LONE_CR.sub("\x00", line) if "\r" in line else line


def rows(content: str | Iterable[str], skip: int = 0, limit: int | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs after the header, from a file's text or its lines as a stream;
    `skip`/`limit` count data rows."""
    lines = map(_lone_cr_refused, io.StringIO(content) if isinstance(content, str) else iter(content))
    header_line = next(lines, "")
    reader = csv.DictReader(itertools.chain([header_line], lines), delimiter=_delimiter(header_line))
    reader.fieldnames = [header_name(h) for h in (reader.fieldnames or [])]
    taken = 0
    for index, row in enumerate(reader):
        if index < skip:
            continue
        if limit is not None and taken >= limit:
            return
        taken += 1
        yield reader.line_num, {k: v for k, v in row.items() if k is not None and isinstance(v, str)}
