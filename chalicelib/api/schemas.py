"""Request and response models at the edge; the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib.api.diary_schemas import *  # noqa: F403  (endpoints find every model here by name)
from chalicelib.api.fields import (
    Clock,
    Day,
    Email,
    Id,
    Language,
    MultiLine,
    Omittable,
    Page,
    PageQuery,
    Password,
    PersonName,
    Phone,
    SearchWords,
    SingleLine,
    Strict,
    Title,
    _text,
    _zone,
    span_end,
)

# --- accounts -------------------------------------------------------------------------


class RegisterRequest(Strict):
    """A new account: personal email (never changeable), name, language. The password is chosen
    when the emailed code is typed, so only the mailbox's owner ever sets it; the phone, later."""

    email: Email
    name: PersonName
    language: Language = "ru"


class VerifyEmailRequest(Strict):
    """The code sent to the address, and the password the owner chooses for the account."""

    email: Email
    code: str = Field(pattern=r"^\d{6}$")
    password: Password


class PasswordResetConfirm(Strict):
    """The code emailed for a password reset, and the new password (the rules of verify-email)."""

    email: Email
    code: str = Field(pattern=r"^\d{6}$")
    password: Password


class EmailOnly(Strict):
    """Just an email address."""

    email: Email


class LoginRequest(Strict):
    """Email and password."""

    email: Email
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(Strict):
    """A refresh token from login or the previous refresh. Required, except from the cabinet
    (header `X-Ediary-Client: web`), which sends `{}`: its token is the `ediary_refresh` cookie."""

    refresh_token: str | None = Field(None, min_length=10, max_length=256)


class TokenPair(BaseModel):
    """Access token for requests; refresh token to get the next pair (used once)."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str


class WebTokens(BaseModel):
    """A browser sign-in (header `X-Ediary-Client: web`): the access token only; the refresh token
    is set as the HttpOnly cookie `ediary_refresh` (Path=/api/auth), out of every script's reach."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class SignInAnswer(RootModel[TokenPair | WebTokens]):
    """A token pair for API clients; for the cabinet, the access token alone (and the cookie)."""


class RoleOut(BaseModel):
    """A role the account holds."""

    role: Literal["operator", "admin", "teacher"]
    school_id: str | None = None
    school_name: str | None = None


class AccountOut(BaseModel):
    """The signed-in account."""

    account_id: str
    email: str
    name: str
    phone: str | None
    phone_verified: bool = False
    language: Language
    roles: list[RoleOut]
    email_suppressed: bool = False


class UpdateProfileRequest(Strict):
    """What an account may change about itself (the email is not among them)."""

    name: PersonName | None = None
    phone: Phone = None
    language: Language | None = None
    email: str | None = Field(default=None, description="Refused: the email can never be changed.")


class PhoneCode(Strict):
    """The code texted to the account's phone number."""

    code: str = Field(pattern=r"^\d{6}$")


class Accepted(BaseModel):
    """The request was taken; what follows happens by email."""

    status: Literal["accepted"] = "accepted"


# --- schools (city operator) ----------------------------------------------------------


SchoolNumber = Annotated[str, Field(min_length=1, max_length=16, pattern=r"[0-9A-Za-zА-Яа-яЁё]"),
                         _text(multiline=False)]
District = Annotated[str, Field(min_length=1, max_length=120), _text(multiline=False)]


class SchoolCreate(Strict):
    """A school to register; number and district are what parents find it by in the directory."""

    name: Title
    address: SingleLine | None = Field(default=None, max_length=300)
    timezone: Annotated[str, Field(max_length=64), AfterValidator(_zone)] = "Europe/Moscow"
    number: SchoolNumber | None = None  # "57", "1543", "№ 239"
    district: District | None = None


class SchoolChange(Strict):
    """The operator corrects a school: a field left out stays; null clears address, number, district."""

    name: Omittable[Title] = None
    address: SingleLine | None = Field(default=None, max_length=300)
    number: SchoolNumber | None = None
    district: District | None = None


class SchoolOut(BaseModel):
    """A registered school."""

    school_id: str
    name: str
    address: str | None
    timezone: str
    number: str | None = None
    district: str | None = None


class DirectoryQuery(PageQuery):
    """Searching the school directory: every criterion given must hold. `name` and `district`: each
    word begins a word of it (case and ё/е do not matter); `number`: exactly that number."""

    name: SearchWords | None = None
    number: SchoolNumber | None = None
    district: SearchWords | None = None


class SchoolListing(BaseModel):
    """A school as the directory shows it to any signed-in account: public fields only."""

    school_id: str
    name: str
    number: str | None
    district: str | None
    address: str | None


class StaffGrant(Strict):
    """Give a registered account a role at the school, by its email."""

    email: Email


class StaffOut(BaseModel):
    """An administrator or teacher of a school."""

    account_id: str
    name: str
    email: str
    role: Literal["admin", "teacher"]


# --- school structure (school administrator) -----------------------------------------


class ClassCreate(Strict):
    """A class such as "5А"."""

    name: Annotated[SingleLine, Field(min_length=1, max_length=16)]
    grade_level: int = Field(ge=-1, le=13)  # -1 pre-kindergarten, 0 kindergarten, as uploads allow


class ClassOut(BaseModel):
    """A class of the school."""

    class_id: str
    name: str
    grade_level: int | None  # None: an ungraded group an upload made


class SubjectCreate(Strict):
    """A subject such as "Математика"."""

    name: Title


class SubjectOut(BaseModel):
    """A subject of the school."""

    subject_id: str
    name: str


class TermCreate(Strict):
    """A term of the school year."""

    name: Title
    starts_on: Day
    ends_on: Day


class TermOut(BaseModel):
    """A term of the school year."""

    term_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class TeachingCreate(Strict):
    """A teacher teaches a subject to a class."""

    teacher_id: Id
    class_id: Id
    subject_id: Id


class TeachingOut(BaseModel):
    """A teaching assignment."""

    teacher_id: str
    class_id: str
    subject_id: str


class StudentCreate(Strict):
    """A child on the school's roster."""

    last_name: PersonName
    first_name: PersonName
    middle_name: PersonName | None = None
    birth_date: Day
    class_id: Id


class StudentOut(BaseModel):
    """A child on the school's roster."""

    student_id: str
    class_id: str
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None  # None: the school did not send it (OneRoster's demographics.csv)


class StudentChange(Strict):
    """What an administrator may correct about a student (omitted fields stay)."""

    last_name: PersonName | None = None
    first_name: PersonName | None = None
    middle_name: PersonName | None = None
    birth_date: Day | None = None
    class_id: Id | None = None


class AttestationSet(Strict):
    """A term (period = the term's id) or final (period = "final") result in a subject."""

    subject_id: Id
    period: Id
    result: Literal["5", "4", "3", "2", "pass", "fail"]


class AttestationOut(BaseModel):
    """An attestation result."""

    subject_id: str
    subject_name: str
    period: str
    period_name: str
    result: str


class AttestationList(BaseModel):
    """A child's attestation results, by period then subject."""

    student_id: str
    results: list[AttestationOut]


class StudentQuery(PageQuery):
    """Students of one class."""

    class_id: Id


# --- applications (parents) and their review (school administrators) ------------------

Relation = Literal["mother", "father", "guardian", "other"]
ApplicationState = Literal["pending", "approved", "awaiting_school_data", "awaiting_choice", "completed", "rejected",
                           "withdrawn"]


class ApplicationCreate(Strict):
    """A parent asks a school for access to one child's diary."""

    school_id: Id
    child_last_name: PersonName
    child_first_name: PersonName
    child_middle_name: PersonName | None = None
    child_birth_date: Day
    class_name: Annotated[SingleLine, Field(min_length=1, max_length=16)]
    relation: Relation


class ApplicationOut(BaseModel):
    """An application and where it stands."""

    application_id: str
    school_id: str
    child_last_name: str
    child_first_name: str
    child_middle_name: str | None
    child_birth_date: dt.date
    class_name: str
    relation: Relation
    state: ApplicationState
    checked_by: str | None = None
    checked_at: str | None = None
    decided_at: str | None = None
    reject_reason: str | None = None
    chosen_by: str | None = None  # the administrator who picked the child among namesakes
    created_at: str | None = None


class ApplicationQuery(PageQuery):
    """A school's applications in one state, optionally searched by the child's or applicant's name.
    `needs_attention`: the approved ones the queue has not matched for an hour (their message was
    dead-lettered or is stuck); approving one again hands it to the queue again."""

    state: ApplicationState | Literal["needs_attention"] = "pending"
    q: SearchWords | None = None


class Applicant(BaseModel):
    """Who applied, as their account stood when they filed (the desk matches the passport to it)."""

    account_id: str
    name: str | None
    email: str | None
    phone: str | None
    phone_verified: bool
    relation: Relation


class MatchedStudent(BaseModel):
    """The child on the school's roster the application was matched to."""

    student_id: str
    class_id: str | None
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    birth_date: str | None


class Candidate(BaseModel):
    """A student of the school an application could name: class and birth date tell namesakes apart."""

    student_id: str
    class_id: str
    class_name: str | None
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None  # None: the school did not send it


class SchoolApplicationOut(ApplicationOut):
    """An application as the school sees it: the child as the parent typed them (`child_*`), the
    applicant, when it was filed (ISO 8601 with offset) and the child matched on the roster, if any."""

    account_id: str
    filed_at: str | None
    applicant: Applicant
    matched_student: MatchedStudent | None
    # State awaiting_choice: the school's students the application could name; the administrator
    # picks one (approve with `student_id`). Empty in every other state.
    candidates: list[Candidate] = []
    # Approved over an hour ago and still not matched: the queue lost it (dead-lettered); approve again.
    needs_attention: bool = False


class InPersonCheck(Strict):
    """The administrator saw the parent in person. Who and when are recorded; document data never
    is, so any other field (passport number, series…) is refused."""

    confirmed: Literal[True]


class ApplicationApproval(Strict):
    """Approving; for an application awaiting a choice among namesakes, the child the
    administrator picked at the in-person check (one of its `candidates`)."""

    student_id: Id | None = None


class ApplicationReject(Strict):
    """Why the school refuses: the parent reads it by email."""

    reason: Annotated[SingleLine, Field(min_length=1, max_length=500)]


# --- children, invitations, audit (families) -------------------------------------------

Part = Literal["grades", "homework", "attendance", "schedule", "events", "meetings", "statistics"]


class RedeemRequest(Strict):
    """A one-time code from an approval or an invitation email; naming the application or the
    invitation it belongs to spends a mistyped try on that code alone."""

    code: Annotated[str, Field(min_length=6, max_length=20, pattern=r"^[A-Za-z0-9 -]+$")]
    application_id: Id | None = None
    invitation_id: Id | None = None

    @field_validator("invitation_id")
    @classmethod
    def _one_target(cls, invitation_id: str | None, info: ValidationInfo) -> str | None:
        if invitation_id and info.data.get("application_id"):
            raise ValueError("name the application or the invitation, not both")
        return invitation_id


class ChildOut(BaseModel):
    """A child the account may see, and how much."""

    student_id: str
    school_id: str
    school_name: str
    class_id: str
    class_name: str
    last_name: str
    first_name: str
    middle_name: str | None
    role: Literal["parent", "student", "relative", "tutor"]
    scope: list[str]


class ChildListed(ChildOut):
    """A child in the family's list, with what is new since this account last looked."""

    new_grades: int  # grades posted since this account last saw them (0 for a viewer without grades)
    unread_messages: int  # in the threads about this child
    summary: str  # both as one line, in the reader's language


class ChildCard(ChildOut):
    """The child's card; `part` names what was opened (and audited)."""

    part: Literal["profile"]


class InvitationCreate(Strict):
    """Let someone see part of the child's diary: they must register with this very address."""

    email: Email
    role: Literal["student", "relative", "tutor"]
    scope: list[Part] = Field(min_length=1, max_length=7)


class InvitationOut(BaseModel):
    """An invitation of a child."""

    invitation_id: str
    student_id: str
    email: str
    role: str
    scope: list[str]
    state: Literal["pending", "accepted", "revoked"]
    created_at: str | None
    valid_until: str = Field(description="ISO 8601 in UTC, e.g. 2026-09-08T10:00:00+00:00")


class ViewerOut(BaseModel):
    """Someone who sees part of the child's diary."""

    account_id: str
    name: str | None
    email: str | None
    role: str
    scope: list[str]
    since: str | None


class AuditPerson(BaseModel):
    """Someone an audit entry names, as they were when it happened."""

    account_id: str | None  # none for an invited address not yet an account (see `subject`)
    name: str | None  # none: the account is gone and the entry predates names
    role: str = Field(description="mother, father, guardian, other, student, relative, tutor, teacher, "
                                  "administrator, operator, system, or unknown (an entry written before roles)")
    role_label: str  # the role in the reader's language
    revoked_at: str | None  # a viewer whose access a parent has since ended: when


class AuditOut(BaseModel):
    """Who did what with the child's data, when."""

    at: str | None
    actor_account_id: str
    action: str
    part: str | None
    subject: str | None
    actor: AuditPerson
    subject_person: AuditPerson | None  # whom a link, invitation or revocation concerned


# --- service --------------------------------------------------------------------------


class HealthOut(BaseModel):
    """State of the service and what it depends on."""

    status: Literal["ok", "degraded"]
    checks: dict[str, str]


class ErrorDetail(BaseModel):
    """One refused field."""

    field: str | None
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error: a stable machine code, a human message, the field at fault."""

    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = None
    current: dict[str, object] | None = None  # stale_version: the record as it is now, to choose between


class ErrorOut(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorBody


class SchoolPage(Page[SchoolOut]):
    """A page of schools."""


class SchoolListingPage(Page[SchoolListing]):
    """A page of the school directory; it may hold fewer schools than `limit` (even none) and still
    have a `next_cursor`: each request reads a bounded share of the directory."""


class StaffPage(Page[StaffOut]):
    """A page of administrators or teachers."""


class ClassPage(Page[ClassOut]):
    """A page of classes."""


class SubjectPage(Page[SubjectOut]):
    """A page of subjects."""


class TermPage(Page[TermOut]):
    """The terms of a school."""


class TeachingPage(Page[TeachingOut]):
    """A page of teaching assignments."""


class StudentPage(Page[StudentOut]):
    """A page of students."""


# --- the journal ------------------------------------------------------------------------

WorkKind = Literal["classwork", "homework", "test", "control", "oral", "lab", "essay", "dictation", "project",
                   "other"]


class LessonCreate(Strict):
    """A lesson on the class's schedule."""

    date: Day
    starts_at: Clock
    ends_at: Clock
    subject_id: Id
    teacher_id: Id | None = None
    room: SingleLine | None = Field(default=None, max_length=40)


class ScheduleChange(Strict):
    """Move, reassign or cancel a lesson; `version` is the version you read."""

    starts_at: Omittable[Clock] = None
    ends_at: Omittable[Clock] = None
    teacher_id: Id | None = None  # null: nobody teaches it for now
    room: SingleLine | None = Field(default=None, max_length=40)
    cancelled: Omittable[bool] = None
    version: int = Field(ge=1)


class HomeworkOut(BaseModel):
    """Homework set at a lesson."""

    lesson_id: str
    text: str
    due_date: dt.date
    version: int


class LessonOut(BaseModel):
    """A lesson, its topic and the homework set at it."""

    lesson_id: str
    class_id: str
    subject_id: str
    teacher_id: str | None
    date: dt.date
    starts_at: str
    ends_at: str
    room: str | None
    topic: str | None
    cancelled: bool
    version: int
    homework: HomeworkOut | None = None


class LessonMove(Strict):
    """Move a lesson to another day; `version` is the version you read. Teacher and room stay
    unless given (null: nobody, no room)."""

    date: Day
    starts_at: Clock
    ends_at: Clock
    teacher_id: Id | None = None
    room: SingleLine | None = Field(default=None, max_length=40)
    version: int = Field(ge=1)


class LessonMoved(BaseModel):
    """A moved lesson: the new one on its day, and the old one, now cancelled."""

    lesson: LessonOut
    cancelled: LessonOut


class LessonList(BaseModel):
    """Lessons in time order."""

    items: list[LessonOut]


class RangeQuery(Strict):
    """A span of days, both ends included (at most about two months)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: Day = Field(alias="from")
    last: Day = Field(alias="to")

    @field_validator("last")
    @classmethod
    def _not_before_first(cls, last: dt.date, info: ValidationInfo) -> dt.date:
        return span_end(info.data.get("first"), last)


class TopicSet(Strict):
    """The topic of a lesson."""

    topic: SingleLine = Field(min_length=1, max_length=500)
    version: int | None = Field(default=None, ge=1)


class HomeworkSet(Strict):
    """Homework for a lesson; give `version` when correcting existing homework."""

    text: MultiLine = Field(min_length=1, max_length=4000)
    due_date: Day
    version: int | None = Field(default=None, ge=1)


class VersionQuery(Strict):
    """The version of the record you read (a stale one is refused with 409)."""

    version: int = Field(ge=1)


class GradeCreate(Strict):
    """A grade on the 5-point scale."""

    student_id: Id
    value: int = Field(ge=1, le=5)
    weight: int = Field(default=1, ge=1, le=10)
    work_kind: WorkKind = "classwork"
    remark: MultiLine | None = Field(default=None, max_length=1000)


class GradeCorrection(Strict):
    """Correct a grade; `version` is the version you read."""

    value: Omittable[Annotated[int, Field(ge=1, le=5)]] = None
    weight: Omittable[Annotated[int, Field(ge=1, le=10)]] = None
    work_kind: Omittable[WorkKind] = None
    remark: MultiLine | None = Field(default=None, max_length=1000)  # null: the remark is taken back
    version: int = Field(ge=1)


class GradeOut(BaseModel):
    """A grade."""

    grade_id: str
    student_id: str
    class_id: str
    lesson_id: str
    subject_id: str
    date: dt.date
    value: int
    weight: int
    work_kind: str
    remark: str | None
    version: int


class CorrectionOut(BaseModel):
    """One change of a record."""

    when: str
    changed_by: str
    action: Literal["created", "corrected", "deleted"]
    before: dict[str, object] | None
    after: dict[str, object] | None


class CorrectionList(BaseModel):
    """The history of a record, oldest first."""

    items: list[CorrectionOut]


class AttendanceSet(Strict):
    """Absent or late, excused or not."""

    mark: Literal["absent", "late"]
    excused: bool = False
    minutes_late: int | None = Field(default=None, ge=1, le=90)
    version: int | None = Field(default=None, ge=1)


class AttendanceOut(BaseModel):
    """An attendance mark."""

    student_id: str
    lesson_id: str
    date: dt.date
    mark: str
    excused: bool
    minutes_late: int | None
    version: int


class LessonGradeItem(Strict):
    """One pupil's cell of a lesson: a grade (new, or `grade_id` + `version` to correct it) or an
    attendance mark (`version`: the mark's, when correcting one) — one of the two, never both."""

    student_id: Id
    value: Annotated[int, Field(ge=1, le=5)] | None = None
    weight: Omittable[Annotated[int, Field(ge=1, le=10)]] = None
    work_kind: Omittable[WorkKind] = None
    remark: MultiLine | None = Field(default=None, max_length=1000)
    grade_id: Id | None = None
    mark: Literal["absent", "late"] | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_write(self) -> LessonGradeItem:
        if (self.value is None and self.grade_id is None) == (self.mark is None) or (self.mark and self.grade_id):
            raise ValueError("a grade (value, or grade_id) or a mark, one of the two")
        if self.grade_id and self.version is None:
            raise ValueError("correcting a grade needs the version you read")
        return self


class LessonGradesSet(Strict):
    """A lesson's column at once: each item is its own write, done or refused on its own."""

    items: list[LessonGradeItem] = Field(min_length=1, max_length=100)


class LessonGradeOutcome(BaseModel):
    """What became of one item: `status` as a single call would answer (201 posted, 200 corrected or
    marked, 4xx refused with its `code`, `field`, `message`; a 409 with the record as it is now)."""

    student_id: str
    status: int
    grade: GradeOut | None = None
    attendance: AttendanceOut | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None
    current: dict[str, object] | None = None


class LessonGradesOut(BaseModel):
    """Each item's outcome, in the order sent."""

    items: list[LessonGradeOutcome]


class OptionalVersionQuery(Strict):
    """The version you read, if you want the deletion checked against it."""

    version: int | None = Field(default=None, ge=1)


class SchoolApplicationPage(Page[SchoolApplicationOut]):
    """A page of a school's applications."""


class ApplicationPage(Page[ApplicationOut]):
    """A page of applications."""


class ChildPage(Page[ChildListed]):
    """The children an account may see."""


class InvitationPage(Page[InvitationOut]):
    """A page of pending invitations."""


class ViewerPage(Page[ViewerOut]):
    """The viewers of a child."""


class AuditPage(Page[AuditOut]):
    """A page of a child's audit trail, newest first."""


# --- school systems: credentials and uploads ---------------------------------------------


class CredentialCreate(Strict):
    """A name to recognise the credential by (the system that uses it)."""

    name: Title


class CredentialOut(BaseModel):
    """A machine credential (never its secret)."""

    credential_id: str
    name: str
    revoked: bool
    created_at: str | None


class CredentialIssued(CredentialOut):
    """A new credential: `secret` is shown this once; keep it in the school system."""

    secret: str


class CredentialPage(Page[CredentialOut]):
    """The school's credentials."""


class MachineTokenRequest(Strict):
    """A school system's credential ("<id>.<secret>")."""

    credential: str = Field(min_length=10, max_length=200)


class MachineToken(BaseModel):
    """A 5-minute access token for the school's system."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class UploadRequest(Strict):
    """The file about to be sent: `grades.csv` (one kind) or a zip of several CSVs."""

    filename: SingleLine = Field(min_length=5, max_length=100)


class UploadTicket(BaseModel):
    """Where to PUT the file, and the id to follow its processing by."""

    upload_id: str
    upload_url: str
    cabinet_path: str | None = Field(default=None, description=(
        "the same permission as a path on the cabinet's own origin (`/<bucket>/incoming/...?X-Amz-...`), "
        "for the browser: the cabinet forwards it to the upload bucket"))
    method: Literal["PUT"] = "PUT"
    expires_in: int
    max_bytes: int


class UploadOut(BaseModel):
    """State and progress of an upload."""

    upload_id: str
    filename: str
    state: Literal["awaiting_file", "processing", "done", "failed", "expired"]
    reason: str | None
    reason_message: str | None = Field(default=None,
                                       description="why the upload failed, in words in the reader's language")
    detail: str | None
    created_at: str | None
    finished_at: str | None
    rows_total: int
    rows_done: int
    rows_rejected: int
    rows_changed: int = Field(description="rows whose items differed from what was stored, and were written")
    items_changed: int = Field(default=0, description="stored items those rows wrote (a student row writes two)")
    errors_listed: int = Field(description="row errors and warnings the report lists: the first 1,000 at most")
    rows_warned: int = Field(default=0, description="rows taken with a warning (counted in rows_done too)")


ReportSeverity = Literal["rejected", "warning"]


class UploadRowErrorOut(BaseModel):
    """A row the upload could not take, or took with a warning."""

    file: str
    line: int
    column: str | None
    code: str
    severity: ReportSeverity = Field(
        default="rejected", description="rejected: the row was not taken; warning: taken, with this remark")
    value: str | None = Field(default=None, description="the offending value, as the school's file has it")
    message: str = Field(description="the entry in words, in the reader's language (Accept-Language)")


class UploadStatusQuery(PageQuery):
    """A page of an upload's report: every entry (refused rows, then warnings), or one severity's."""

    severity: ReportSeverity | None = None


class UploadReportQuery(Strict):
    """The report as CSV: every entry, or one severity's."""

    severity: ReportSeverity | None = None


class UploadNotice(BaseModel):
    """Something about the school's classes the administrator should look at once an upload is in
    (nothing was removed for it)."""

    kind: Literal["class_left_empty", "class_not_in_upload"] = Field(
        description="class_left_empty: the upload made this class and no student is in it; "
                    "class_not_in_upload: the school has this class and the upload's classes file did not name it")
    class_name: str
    message: str = Field(description="the notice in words, in the reader's language")


class UploadStatus(UploadOut):
    """An upload with a page of its row-level error report."""

    errors: list[UploadRowErrorOut]
    next_cursor: str | None = None
    rejected_by_code: dict[str, int] = Field(description="every rejected row, counted by error code")
    warned_by_code: dict[str, int] = Field(default_factory=dict,
                                           description="every warning, counted by its code")
    notices: list[UploadNotice] = Field(default_factory=list,
                                        description="once done: classes the upload left empty or did not name")


class UploadPage(Page[UploadOut]):
    """A page of uploads."""


# --- messages between families and the school ---------------------------------------------


MessageText = Annotated[MultiLine, Field(min_length=1, max_length=4000)]
ThreadSubject = Annotated[SingleLine, Field(min_length=1, max_length=200)]


class MessageCreate(Strict):
    """A reply in a thread: plain text, 1–4000 characters after trimming."""

    body: MessageText


class FamilyMessageCreate(MessageCreate):
    """A school-side message starting a thread (a subject line is optional)."""

    subject: ThreadSubject | None = None


class TeacherMessageCreate(FamilyMessageCreate):
    """A parent's message to one of the child's teachers."""

    teacher_id: Id


class MessageOut(BaseModel):
    """A message, and which of its recipients have read it."""

    message_id: str
    thread_id: str
    sender_account_id: str
    body: str
    created_at: str | None
    recipient_account_ids: list[str]
    read_by: list[str]
    read: bool


class ThreadOut(BaseModel):
    """A thread as the caller sees it in their list."""

    thread_id: str
    school_id: str
    class_id: str
    student_id: str
    student_name: str | None
    subject: str | None
    participant_ids: list[str]
    unread: int
    last_message_at: str | None
    last_sender_account_id: str | None
    preview: str | None
    read_at: str | None


class ThreadStarted(ThreadOut):
    """A new thread and its first message."""

    message: MessageOut


class TaughtSubject(BaseModel):
    """A subject a teacher teaches the child's class."""

    subject_id: str
    name: str


class ChildTeacher(BaseModel):
    """A teacher of the child's class: `teacher_id` is what `POST /children/{id}/messages` takes."""

    teacher_id: str
    name: str
    subjects: list[TaughtSubject]


class ChildTeacherList(Page[ChildTeacher]):
    """All the child's teachers, by name (a class has a few dozen at most: one page)."""


class ThreadPage(Page[ThreadOut]):
    """The caller's threads, most recently active first."""


class ParticipantOut(BaseModel):
    """Someone in a thread and when they last marked it read."""

    account_id: str
    name: str | None
    side: Literal["family", "school"]
    last_read_at: str | None


class ThreadMessages(Page[MessageOut]):
    """A thread and a page of its messages, newest first."""

    thread: ThreadOut
    participants: list[ParticipantOut]


class ClassMessageOut(BaseModel):
    """An administrator's message to a class: one thread per family reached."""

    families: int
    recipients: int
    thread_ids: list[str]


# --- alerts ---------------------------------------------------------------------------

# Application results and invitations are not here: they always go by email (domain/alert_rules.py).
AlertKind = Literal["new_grade", "remark", "absence", "homework", "schedule_change", "school_event",
                    "parent_meeting", "message", "news"]
AlertChannel = Literal["email", "sms", "both", "none"]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class QuietHours(Strict):
    """No SMS between start and end (school time); held SMS leave at the end."""

    start: ClockTime
    end: ClockTime


class AlertPreferencesUpdate(Strict):
    """What to change; fields left out stay as they are."""

    channels: Omittable[dict[AlertKind, AlertChannel]] = None
    quiet_hours: QuietHours | None = None  # null: SMS at any hour
    digest: Omittable[bool] = None
    grade_at_most: int | None = Field(default=None, ge=1, le=5)  # null: every grade
    absences: Omittable[Literal["unexcused", "all"]] = None


class AlertPreferencesOut(BaseModel):
    """How a person hears about a child."""

    student_id: str
    role: str
    channels: dict[str, AlertChannel]
    quiet_hours: QuietHours | None
    digest: bool
    grade_at_most: int | None
    absences: str
    sms_available: bool


class UnsubscribeQuery(Strict):
    """The signed token from an alert email."""

    token: str = Field(min_length=10, max_length=512)


class NewsCreate(Strict):
    """News for the whole school (no class ids) or some classes."""

    title: Title
    body: MultiLine = Field(min_length=1, max_length=4000)
    class_ids: list[Id] = Field(default_factory=list, max_length=100)


class NewsOut(BaseModel):
    """News and its delivery so far."""

    news_id: str
    school_id: str
    title: str
    body: str
    class_ids: list[str]
    created_at: str | None
    state: str
    recipients: int
    batches_total: int
    batches_done: int
    emails_sent: int
    sms_sent: int
    failed: int
    held: int = Field(description="SMS waiting for the morning (the families' quiet hours)")


class NewsPage(Page[NewsOut]):
    """A page of a school's news, newest first."""


class AccessCodeOut(BaseModel):
    """A new access code is on its way to its holder's email; the old one no longer works."""

    purpose: Literal["application", "invitation"]
    ref_id: str
    valid_until: str
    attempts_left: int


class PendingTeacherOut(BaseModel):
    """A teaching an upload named for an address that is not a teacher of the school yet: the
    address was invited to register, and its first sign-in makes it the class's teacher."""

    email: str
    class_id: str
    subject_id: str


class PendingTeacherPage(Page[PendingTeacherOut]):
    """A page of teachings waiting for their teachers, by address."""
