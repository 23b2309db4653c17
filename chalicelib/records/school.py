"""A school, its structure, uploads and the imported items, as the domain sees them (no keys).

Field names follow the stored attributes, so the data layer converts them by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_TIMEZONE = "Europe/Moscow"  # a school that names none keeps Moscow time, as stored


@dataclass(slots=True)
class School:
    """A school of the city."""

    school_id: str
    name: str
    address: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    id_key: str | None = None  # keys the ids derived for uploads; never shown
    number: str | None = None
    district: str | None = None
    number_key: str | None = None
    search_name: str | None = None
    search_district: str | None = None


@dataclass(slots=True)
class SchoolClass:
    """A class (5А) of a school."""

    class_id: str
    school_id: str
    name: str
    grade_level: int | None  # -1 pre-kindergarten, 0 kindergarten, 1..13; None: an ungraded group


@dataclass(slots=True)
class Subject:
    """A subject taught at a school."""

    subject_id: str
    school_id: str
    name: str


@dataclass(slots=True)
class Term:
    """A term of the school year (ISO dates)."""

    term_id: str
    school_id: str
    name: str
    starts_on: str
    ends_on: str


@dataclass(slots=True)
class Teaching:
    """A teacher teaches a subject to a class."""

    school_id: str
    teacher_id: str
    class_id: str
    subject_id: str


@dataclass(slots=True)
class Student:
    """A child on a class's roster."""

    student_id: str
    school_id: str
    class_id: str
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: str | None  # None: the school did not send it (OneRoster's demographics.csv is optional)


@dataclass(slots=True)
class NameClaim:
    """A class's or subject's name taken within its school (`kind`: CLASS or SUBJECT)."""

    school_id: str
    kind: str
    name: str
    owner_id: str


@dataclass(slots=True)
class RosterEntry:
    """How an application finds a student: by the roster key of their name and birth date."""

    school_id: str
    roster_key: str
    student_id: str


@dataclass(slots=True)
class AttestationResult:
    """A student's term or final result in a subject."""

    school_id: str
    class_id: str
    student_id: str
    subject_id: str
    period: str  # a term id, or "final"
    result: str
    changed_by: str
    source: str = "teacher"
    created_at: str | None = None


@dataclass(slots=True)
class MachineCredential:
    """A school system's credential for uploads."""

    credential_id: str
    school_id: str
    name: str
    secret_hash: str
    created_by: str
    revoked: bool = False
    created_at: str | None = None


@dataclass(slots=True)
class Upload:
    """An upload of a school's file and its progress."""

    upload_id: str
    school_id: str
    filename: str
    requested_by: str
    state: str = "awaiting_file"  # awaiting_file | processing | done | failed | expired
    reason: str | None = None
    detail: str | None = None
    rows_total: int = 0
    rows_done: int = 0
    rows_rejected: int = 0
    rows_changed: int = 0
    items_changed: int | None = None
    chunks_total: int = 0
    chunks_done: int = 0
    finished_at: str | None = None
    progress_at: str | None = None
    errors_listed: int = 0
    created_at: str | None = None
    expires_at: dt.datetime | None = None  # the upload and its report go then
    rows_warned: int = 0  # rows taken with a warning (counted in rows_done too)
    notices: tuple[tuple[str, str], ...] = ()  # (code, class name): classes the upload left empty or did not name


@dataclass(slots=True)
class RowError:
    """A refused row of an upload (or, with severity "warning", one taken with a remark):
    `order` is its kind's place in processing order; `own_file` whether it came from the kind's
    own CSV (else from `file` of a translated upload)."""

    upload_id: str
    order: int
    file: str
    line: int
    column: str | None
    code: str
    own_file: bool = True
    severity: str = "rejected"  # rejected: the row was not taken | warning: taken, with a remark
    value: str | None = None  # the offending value as the school's file has it


@dataclass(slots=True)
class PendingTeaching:
    """A teaching an upload names for an address that is not a teacher of the school yet: it
    becomes a Teaching, with the teacher role, when the address's owner first signs in
    (domain/pending_teachers.py)."""

    school_id: str
    email: str  # lower-cased, as every account's address is
    class_id: str
    subject_id: str
