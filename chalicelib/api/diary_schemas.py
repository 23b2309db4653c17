"""Models of the diary pages, the teacher's journal page, events, meetings and the calendar feed
(re-exported by schemas.py, where endpoints find models by name; both build on fields.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.api.fields import Clock, Day, Id, MultiLine, SingleLine, Strict, Title, span_end


class WeekQuery(Strict):
    """Any day of the wanted week; none: this week at the school."""

    date: Day | None = None


class TermQuery(Strict):
    """A term; none: the term today falls in at the school."""

    term_id: Id | None = None


class HomeworkQuery(Strict):
    """Homework still to do, or already due."""

    when: Literal["upcoming", "past"] = "upcoming"
    limit: int = Field(default=50, ge=1, le=100)


class JournalQuery(Strict):
    """The subject (and term) of a teacher's journal page."""

    subject_id: Id
    term_id: Id | None = None


class DateRangeQuery(Strict):
    """Optional span of days (default: a week back to three months ahead)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: Day | None = Field(default=None, alias="from")
    last: Day | None = Field(default=None, alias="to")

    @field_validator("last")
    @classmethod
    def _not_before_first(cls, last: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return last if last is None else span_end(info.data.get("first"), last)


class TermBrief(BaseModel):
    """A term."""

    term_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class WeekDay(BaseModel):
    """A day: lessons with topic, homework, grades and attendance (parts out of scope omitted)."""

    date: dt.date
    weekday: int
    lessons: list[dict[str, Any]]


class WeekOut(BaseModel):
    """The child's school week."""

    student_id: str
    week_start: dt.date
    week_end: dt.date
    today: dt.date
    timezone: str
    omitted: list[str]
    days: list[WeekDay]


class SubjectGrades(BaseModel):
    """A subject's grades of the term."""

    subject_id: str
    subject_name: str
    average: float | None
    projected_grade: int | None
    grades: list[dict[str, Any]]


class TermGradesOut(BaseModel):
    """The child's grades of a term by subject."""

    student_id: str
    term: TermBrief
    subjects: list[SubjectGrades]


class TermAttendanceOut(BaseModel):
    """The child's attendance history of a term, with totals."""

    student_id: str
    term: TermBrief
    items: list[dict[str, Any]]
    totals: dict[str, int]
    by_subject: list[dict[str, Any]]


class HomeworkDueOut(BaseModel):
    """Homework by due date."""

    student_id: str
    today: dt.date
    when: str
    items: list[dict[str, Any]]


class ClassStanding(BaseModel):
    """The child among the students of the class graded in the subject this term, the child included.

    With fewer than `min_group_size` of them every comparative figure is null and `withheld` says
    why: so few averages beside the child's own would give a classmate's away (docs/security.md)."""

    rank: int | None = Field(description="1 = best; equal averages share the better rank")
    of: int | None = Field(description="How many graded students are compared, the child included")
    percentile: int | None = Field(
        description="Share (%) of the other graded students whose average is not above the child's: "
                    "(of - rank) / (of - 1), so it always agrees with `rank` (rank 1 = 100)")
    class_average: float | None = Field(description="Mean of the graded students' averages, rounded half up to 0.1")
    distribution: dict[str, int | None] | None = Field(
        description="Per mark 1–5, how many graded students' averages point to it; null where fewer than "
                    "`min_bucket_size` (none included), or where the count could otherwise be worked out")
    withheld: Literal["group_too_small"] | None = Field(
        description="Why the figures are null: group_too_small = fewer than `min_group_size` graded students")
    min_group_size: int = Field(description="The smallest group any comparative figure is shown for")
    min_bucket_size: int = Field(description="The smallest distribution count shown")
    summary: str = Field(description="The standing in words, in the reader's language (Accept-Language): "
                                     "«2-е место из 5: средний балл не ниже, чем у 75 % одноклассников», "
                                     "or why it is withheld")


class SubjectStatistics(BaseModel):
    """One subject's statistics and the child's standing in the class."""

    subject_id: str
    subject_name: str
    average: float | None
    projected_grade: int | None
    grades_count: int
    counts: dict[str, int]
    weekly: list[dict[str, Any]]
    attendance: dict[str, Any]
    standing: ClassStanding | None = Field(description="Null when the child has no grade in the subject this term")


class StatisticsOut(BaseModel):
    """The child's statistics of a term."""

    student_id: str
    term: TermBrief
    today: dt.date
    subjects: list[SubjectStatistics]
    formula: str


class ClassJournalOut(BaseModel):
    """The teacher's grid: students × lessons, averages, who is at risk."""

    class_id: str
    subject_id: str
    class_name: str
    subject_name: str
    today: dt.date
    term: TermBrief
    terms: list[TermBrief]
    lessons_held: int
    lessons: list[dict[str, Any]]
    students: list[dict[str, Any]]
    class_average: float | None


class EventCreate(Strict):
    """A school event; no class ids: the whole school."""

    title: Title
    description: MultiLine | None = Field(default=None, max_length=2000)
    date: Day
    starts_at: Clock | None = None
    ends_at: Clock | None = None
    place: SingleLine | None = Field(default=None, max_length=200)
    class_ids: list[Id] = Field(default_factory=list, max_length=50)


class EventOut(BaseModel):
    """A school event."""

    event_id: str
    title: str
    description: str | None
    date: dt.date
    starts_at: str | None
    ends_at: str | None
    place: str | None
    class_ids: list[str]
    whole_school: bool


class EventList(BaseModel):
    """Events by date."""

    items: list[EventOut]


class MeetingCreate(Strict):
    """A parent meeting of a class."""

    date: Day
    starts_at: Clock
    place: SingleLine = Field(min_length=1, max_length=200)
    agenda: MultiLine = Field(min_length=1, max_length=2000)


class MeetingOut(BaseModel):
    """A parent meeting."""

    meeting_id: str
    class_id: str
    date: dt.date
    starts_at: str
    place: str
    agenda: str


class MeetingList(BaseModel):
    """Parent meetings by date."""

    items: list[MeetingOut]


class CalendarTokenOut(BaseModel):
    """The feed's secret URL (shown once; a new one replaces it)."""

    url: str
    token: str


# --- the teacher's classes («Мои классы», docs/staff.md) ------------------------------


class DayQuery(Strict):
    """One day; none: today at the school."""

    date: Day | None = None


class ClassSubject(BaseModel):
    """A subject the teacher teaches the class."""

    subject_id: str
    name: str


class TaughtClass(BaseModel):
    """A class the teacher teaches, with the subjects."""

    class_id: str
    name: str
    grade_level: int | None
    subjects: list[ClassSubject]


class TeacherLesson(BaseModel):
    """A lesson of the teacher's day; `teaches`: the teacher is assigned the class and subject
    (may write its journal), false for a lesson given in another teacher's class."""

    lesson_id: str
    class_id: str
    class_name: str
    subject_id: str | None
    subject_name: str
    starts_at: str
    ends_at: str
    room: str | None
    topic: str | None
    cancelled: bool
    homework_set: bool
    teaches: bool


class MyClassesOut(BaseModel):
    """What the signed-in teacher teaches at the school and their lessons of the day."""

    date: dt.date
    classes: list[TaughtClass]
    lessons: list[TeacherLesson]
