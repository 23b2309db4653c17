"""What the family side of the diary reads: a child's links, the child's context, a week's pages.

The data layer parses stored items into these (chalicelib/dal/); the domain decides on them
(chalicelib/domain/children.py, diary.py) and never sees a key or a raw attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

DEFAULT_TIMEZONE = "Europe/Moscow"  # a school that has not said otherwise
PARENT = "parent"  # the kind of a guardian's link (a viewer's kind is "viewer")
VIEWER = "viewer"
FAMILY_SIDE, SCHOOL_SIDE = "family", "school"  # the two sides of a message thread


@dataclass(frozen=True)
class Link:
    """An account's link to a child: a parent's guardianship (`kind` "parent", with `relation`)
    or a viewer a parent invited (`kind` "viewer", with `role`, `scope` and `invited_by`)."""

    kind: str
    account_id: str
    student_id: str
    school_id: str
    name: str | None = None
    unseen_grade_ids: frozenset[str] = frozenset()
    relation: str = ""  # a parent's: mother, father, guardian, other
    application_id: str | None = None
    role: str = ""  # a viewer's: student, relative, tutor
    scope: frozenset[str] = frozenset()
    invitation_id: str = ""
    invited_by: str = ""
    email: str | None = None
    created_at: str | None = None

    @property
    def is_parent(self) -> bool:
        """A guardian's link (as opposed to a viewer's)."""
        return self.kind == PARENT


@dataclass(frozen=True)
class Pupil:
    """A child on a school's roster, as family pages name it."""

    student_id: str
    school_id: str
    class_id: str
    last_name: str
    first_name: str
    middle_name: str | None = None


@dataclass(frozen=True)
class SchoolPlace:
    """A school as family pages need it: its name and the time zone its days are counted in."""

    school_id: str
    name: str
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class ChildContext:
    """Who the child is for a page: the roster entry (None: not on the roster any more), the
    school, and the school's directory of names ("s:<subject_id>", "t:<teacher_id>")."""

    pupil: Pupil | None
    school: SchoolPlace | None
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        """The school's time zone, or the default."""
        return self.school.timezone if self.school and self.school.timezone else DEFAULT_TIMEZONE


Entry = Mapping[str, Any]  # a lesson, homework, grade or mark as its week page keeps it


@dataclass(frozen=True)
class WeekPage:
    """A week's copy of a class's lessons and homework, or of a student's grades and marks."""

    lessons: tuple[Entry, ...] = ()
    homework: tuple[Entry, ...] = ()
    grades: tuple[Entry, ...] = ()  # in the order they were posted (by their key on the page)
    marks: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class ChildReading:
    """What one consistent read for a child's page found: the links deciding access (None: read,
    and not there), the context (None: the hint's school was not the child's) and the week."""

    links: Mapping[str, Link | None]
    context: ChildContext | None = None
    class_week: WeekPage = WeekPage()
    student_week: WeekPage = WeekPage()


@dataclass(frozen=True)
class AuditPeople:
    """Who the accounts of an audit page are now: names of accounts read for entries written
    without one, the viewers still linked, and revoked viewers (when, and in what role)."""

    names: Mapping[str, str] = field(default_factory=dict)
    linked: frozenset[str] = frozenset()
    revoked: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntryRecord:
    """One entry of a child's audit trail: who did what to whom, as they were at the time."""

    created_at: str | None
    actor_id: str
    action: str
    part: str | None = None
    subject: str | None = None
    actor_name: str | None = None
    actor_role: str | None = None
    subject_name: str | None = None
    subject_role: str | None = None


@dataclass(frozen=True)
class HeldCode:
    """A one-time access code as its holder may redeem it (stored only as a keyed hash)."""

    holder: str
    purpose: str  # "application" or "invitation"
    ref_id: str
    code_hash: str
    attempts: int
    valid_until: int  # checked on use: TTL deletion may lag by days
    student_id: str
    school_id: str


@dataclass(frozen=True)
class Term:
    """A school's term: the dates a term's grades, attendance and statistics are counted between."""

    term_id: str
    name: str
    starts_on: str
    ends_on: str


class TermDates(Protocol):
    """Anything that names a term and its dates (a stored term, a `Term` record)."""

    @property
    def term_id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def starts_on(self) -> str: ...

    @property
    def ends_on(self) -> str: ...


class InvitationShown(Protocol):
    """What a parent is shown of an invitation (a stored invitation answers it)."""

    @property
    def invitation_id(self) -> str: ...

    @property
    def student_id(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def scope(self) -> set[str] | None: ...

    @property
    def state(self) -> str: ...

    @property
    def created_at(self) -> str | None: ...

    @property
    def valid_until(self) -> float: ...
