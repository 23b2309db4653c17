"""The single DynamoDB table and every entity stored in it.

Key design (PK / SK; GSI1 = GSI1PK / GSI1SK, projects ALL so the discriminator is there).
One line per access pattern:

- account by id:                 GetItem  PK=ACCOUNT#<id>, SK=ACCOUNT
- account id by email (login):   GetItem  PK=EMAIL#<email>, SK=EMAIL
- email verification of account: GetItem  PK=ACCOUNT#<id>, SK=VERIFICATION
- phone verification of account: GetItem  PK=ACCOUNT#<id>, SK=PHONE_VERIFICATION
- password-reset code of account: GetItem PK=ACCOUNT#<id>, SK=PASSWORD_RESET
- an account's roles (tokens):   Query    PK=ACCOUNT#<id>, SK begins_with ROLE#
- a role still held (staff route): GetItem PK=ACCOUNT#<id>, SK=ROLE#<school | CITY>#<role> (consistent)
- refresh-token family:          GetItem  PK=SESSION#<family>, SK=SESSION
- failed-login counter:          GetItem  PK=THROTTLE#<scope>#<key>, SK=THROTTLE
- times in a fixed window (mail, guesses): UpdateItem ADD PK=RATE#<scope>#<key>, SK=WINDOW#<n>  (TTL)
- guesses at an address's code:  UpdateItem ADD PK=GUESSES#<email>, SK=WINDOW#<n>  (TTL)
- school by id:                  GetItem  PK=SCHOOL#<id>, SK=SCHOOL
- all schools (operator):        Query    GSI1 GSI1PK=SCHOOLS, GSI1SK=<name>#<id>
- the school directory (search): the same Query, filtered on search_name / search_district / number_key
- staff of a school by role:     Query    GSI1 GSI1PK=STAFF#<school>#<role>, GSI1SK=<name>#<account>
- classes / subjects / terms:    Query    PK=SCHOOL#<id>, SK begins_with CLASS# | SUBJECT# | TERM#
- one class / subject / term:    GetItem  PK=SCHOOL#<id>, SK=CLASS#<id> | SUBJECT#<id> | TERM#<id>
- teaching assignment (authz):   GetItem  PK=SCHOOL#<id>, SK=TEACHING#<teacher>#<class>#<subject>
- a teacher's assignments:       Query    PK=SCHOOL#<id>, SK begins_with TEACHING#<teacher>#
- a class's teachers (families): Query    PK=SCHOOL#<id>, SK begins_with TEACHING#, filtered on class_id
- teachings waiting for a teacher (admin): Query PK=SCHOOL#<id>, SK begins_with PENDING_TEACHING#
- an address's waiting teachings (sign-in): Query GSI1 GSI1PK=PENDING_TEACHER#<email>, GSI1SK=<school>#<class>#<subject>
- a school's invitation to an address: GetItem PK=SCHOOL#<id>, SK=TEACHER_INVITATION#<email>
- student by id:                 GetItem  PK=SCHOOL#<id>, SK=STUDENT#<id>
- students of a class:           Query    GSI1 GSI1PK=CLASS#<school>#<class>, GSI1SK=<last>#<first>#<id>
- message already sent (outbox): PutItem  PK=SENT#<key>, SK=SENT  (condition: not exists)
- roster match of a child:       Query    PK=SCHOOL#<id>, SK begins_with ROSTER#<last>#<first>#<middle>#
                                 (every namesake, birth date known or not: SK=ROSTER#<name>#<birth or "">#<student>;
                                 then a BatchGetItem of their students, one of their classes)
- a parent's applications:       Query    PK=ACCOUNT#<id>, SK begins_with APPLICATION#
- application by id (admin, SQS): GetItem PK=APPLICATION#<id>, SK=APPLICATION  (-> parent, school) then
                                 GetItem  PK=ACCOUNT#<parent>, SK=APPLICATION#<id>
- a school's applications by state: Query GSI1 GSI1PK=APPLICATIONS#<school>#<state>, GSI1SK=<roster key>#<id>
  (searched by name: the same Query filtered on search_text; applicants filed earlier: one BatchGetItem)
- waiting applications for a child: Query GSI1 GSI1PK=APPLICATIONS#<school>#awaiting_school_data,
                                 GSI1SK begins_with <roster key>#
- one-time codes of a holder:    Query    PK=HOLDER#ACCOUNT#<id> | HOLDER#EMAIL#<email>, SK begins_with CODE#
- may this account see the child: GetItem PK=STUDENT#<id>, SK=ACCESS#<account>  (Guardianship | Viewer)
- parents and viewers of a child: Query   PK=STUDENT#<id>, SK begins_with ACCESS#
- an account's children:         Query    GSI1 GSI1PK=CHILDREN#<account>, GSI1SK=<student id>
- invitations of a child:        Query    PK=STUDENT#<id>, SK begins_with INVITATION#
- audit of a child, newest first: Query   PK=STUDENT#<id>, SK begins_with AUDIT# (descending)
- the people an audit page names: BatchGetItem PK=ACCOUNT#<id>, SK=ACCOUNT | PK=STUDENT#<id>, SK=ACCESS#<account>
                                 | FORMER_VIEWER#<account> (a revoked viewer: name, role, when)
- attestation results of a child: Query   PK=STUDENT#<id>, SK begins_with ATTESTATION#  (<period>#<subject>)

The journal (what families read), laid out so a week is two Queries:
- a class's week: lessons + homework: Query    PK=CLASS#<class>, SK between D#<monday> and D#<sunday>~
- one lesson / its homework:            GetItem  PK=CLASS#<class>, SK=D#<date>#L#<lesson> | D#<date>#H#<lesson>
- a teacher's lessons by date:          Query    GSI1 GSI1PK=TEACHER#<school>#<teacher>, GSI1SK=<lesson id>
- a class's homework by due date:       Query    GSI1 GSI1PK=HOMEWORK#<school>#<class>, GSI1SK=<due date>#<lesson>
- a student's week: grades + marks:     Query    PK=STUDENT#<student>, SK between D#<monday> and D#<sunday>~
- the week as families read it:         BatchGetItem PK=CLASS#<class> | STUDENT#<student>, SK=WEEK#<monday>
                                        (WeekPage: the same week's records, copied there by the stream)
- one grade / one attendance mark:      GetItem  PK=STUDENT#<student>, SK=D#<date>#G#<grade> | D#<date>#A#<lesson>
- a student's grades in a subject:      Query    GSI1 GSI1PK=GRADES#<student>#<subject>, GSI1SK=<grade id>
- a student's attendance history:       Query    GSI1 GSI1PK=ATTENDANCE#<student>, GSI1SK=<lesson id>
- the history of a corrected record:    Query    PK=HISTORY#<record PK>#<record SK>, SK=<when>#<n>
The diary as families read it (chalicelib/domain/diary.py), kept cheap by the stream (events/aggregates.py):
- the child's context for a page:       BatchGetItem PK=SCHOOL#<id>, SK=STUDENT#<student> | SCHOOL | DIRECTORY
- subject / teacher names of a school:  (that BatchGet) SK=DIRECTORY: attributes s:<subject>, t:<teacher>
- a school's terms (which one is now):  Query    PK=SCHOOL#<id>, SK begins_with TERM#
- a student's term aggregates:          Query    PK=STUDENT#<student>, SK begins_with STAT#<term>#  (one per subject)
- a class's term aggregates (standing): Query    PK=CLASS#<class>, SK begins_with STAT#<term>#  (one per subject)
- a stream record applied once:         PutItem  PK=STREAM#<event id>, SK=STREAM (condition: not exists; TTL)
- school events by date:                Query    PK=SCHOOL#<id>, SK between EVENT#<from> and EVENT#<to>~
- a class's parent meetings by date:    Query    PK=CLASS#<class>, SK between MEETING#<from> and MEETING#<to>~
- a teacher teaches the class (any subject): Query PK=SCHOOL#<id>, SK begins_with TEACHING#<teacher>#<class>#
- who teaches a class a subject (scheduling): Query PK=SCHOOL#<id>, SK begins_with TEACHING#, filter class, subject
- calendar feed by secret token:        GetItem  PK=CALENDAR#<keyed hash of token>, SK=CALENDAR
- an account's feed of a child (rotate): GetItem PK=STUDENT#<student>, SK=CALENDAR#<account>
Messages between families and the school (chalicelib/domain/messages.py):
- thread by id:                         GetItem  PK=THREAD#<thread>, SK=THREAD
- participants of a thread (+ markers): Query    PK=THREAD#<thread>, SK begins_with INBOX#
- is this account in the thread:        GetItem  PK=THREAD#<thread>, SK=INBOX#<account>
- an account's threads, newest first:   Query    GSI1 GSI1PK=THREADS#<account>, GSI1SK=<last msg stamp>#<thread> (desc.)
- messages of a thread, newest first:   Query    PK=THREAD#<thread>, SK begins_with MSG# (desc.; MSG#<stamp>#<message>)
- messages sent in a 10-minute window:  UpdateItem ADD PK=RATE#<account>, SK=MESSAGES#<window>  (TTL)
- invitations / phone codes in a window: TransactWriteItems of UpdateItem ADD (condition: under the limit)
                                        PK=RATE#<account> | RATE#STUDENT#<id> | RATE#PHONE#<e164>,
                                        SK=<quota>#<window>  (TTL; chalicelib/dal/quotas.py)
Alerts (chalicelib/domain/alerts/; produced from the stream, delivered from the alerts queue):
- a child's family and its alert choices: Query  PK=STUDENT#<id>, SK between ACCESS# and ALERTS#~
                                        (Guardianship | Viewer links and AlertPreferences in one Query)
- one person's alert choices for a child: GetItem PK=STUDENT#<id>, SK=ALERTS#<account>
- an alert's delivery (status, attempts): PutItem/UpdateItem PK=ALERT#<dedupe key>, SK=ALERT
- alerts held (quiet hours, digests):    Query    PK=HELD#<UTC quarter-hour slot>, SK begins_with <account>#
- where the release of held alerts got:  GetItem  PK=HELD#CURSOR, SK=CURSOR
- a school's news (newest first):        Query    PK=SCHOOL#<id>, SK begins_with NEWS# ; one: GetItem SK=NEWS#<id>
- families of a class (alerts, news):    students of a class (GSI1 above), then each child's family Query
A lesson id is "<date>T<hhmm>-<keyed hash of class, date, start, subject>" and a grade id
"<date>-<random or keyed suffix>": both sort by date and carry the date their key needs, so a path
with only the id still addresses the item (domain/identifiers.py).

Unique names (class "5А", subject "Математика") are claimed with their own item
(PK=SCHOOL#<id>, SK=NAME#CLASS#<normalised name>) written in the same transaction.
Likewise a student's roster entry (SK=ROSTER#<roster key>#<student>) is written with the student,
and an application claims PK=ACCOUNT#<parent>, SK=APPLYING#<school>#<roster key> while it is live,
so a parent cannot file twice for the same child.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import aws, settings

DEFAULT_TIMEZONE = "Europe/Moscow"  # a school that has not said otherwise


class Gsi1(GlobalSecondaryIndex["DiaryItem"]):
    """Second access path: listings by parent entity and lookups by another key."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()  # the discriminator must be projected (PynamoDB filters on it)

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class DiaryItem(Model):
    """Base of every stored entity; `kind` tells them apart."""

    class Meta:
        table_name = settings.table_name()
        region = settings.region()
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"
        # The same bounds as every boto3 client (chalicelib/aws.py): a stalled table is a fast 503.
        connect_timeout_seconds = aws.CONNECT_TIMEOUT_S
        read_timeout_seconds = aws.READ_TIMEOUT_S
        max_retry_attempts = aws.ATTEMPTS - 1  # retries after the first try

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi1 = Gsi1()
    created_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class Account(DiaryItem, discriminator="Account"):
    """A person who logs in: parent, viewer, teacher, administrator or operator."""

    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    phone_verified = BooleanAttribute(null=True)  # the owner typed the code texted to `phone`: SMS may go
    language = UnicodeAttribute(default="ru")
    password_hash = UnicodeAttribute(null=True)  # none until the owner sets it, verifying the email
    verified = BooleanAttribute(default=False)
    email_suppressed = BooleanAttribute(null=True)  # SES reported a hard bounce or a complaint
    session_generation = NumberAttribute(null=True)  # a password reset moves it: older sessions end


class EmailClaim(DiaryItem, discriminator="EmailClaim"):
    """Makes an email address unique and finds the account by it (while a registration is pending
    its claim expires with it, so nobody holds an address they cannot read)."""

    account_id = UnicodeAttribute()


class EmailVerification(DiaryItem, discriminator="EmailVerification"):
    """The current email-verification code of an account, stored only as a hash."""

    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)


class CodeGuesses(DiaryItem, discriminator="CodeGuesses"):
    """Codes typed for one address in one window, known or not: in all and since the last code."""

    total = NumberAttribute(null=True)
    since_code = NumberAttribute(null=True)


class PhoneVerification(DiaryItem, discriminator="PhoneVerification"):
    """The code texted to the number an account gave, stored only as a hash."""

    phone = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    valid_until = NumberAttribute()


class RoleGrant(DiaryItem, discriminator="RoleGrant"):
    """A role an account holds: operator (city-wide), admin or teacher of a school."""

    account_id = UnicodeAttribute()
    role = UnicodeAttribute()
    school_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)


class Session(DiaryItem, discriminator="Session"):
    """A refresh-token family: one login, rotated on every refresh."""

    account_id = UnicodeAttribute()
    current_hash = UnicodeAttribute()
    used_hashes = UnicodeSetAttribute(null=True)
    revoked = BooleanAttribute(default=False)
    generation = NumberAttribute(null=True)  # the account's session generation at login


class Throttle(DiaryItem, discriminator="Throttle"):
    """Failed logins for an account or a client, to slow and then lock them out."""

    failures = NumberAttribute(default=0)
    last_failure_at = NumberAttribute(default=0)
    locked_until = NumberAttribute(default=0)


class SentMessage(DiaryItem, discriminator="SentMessage"):
    """Marks an outgoing email or SMS as sent, so a redelivered message is not sent twice."""

    channel = UnicodeAttribute()
    state = UnicodeAttribute(default="sending")
    lease_until = NumberAttribute(default=0)


class School(DiaryItem, discriminator="School"):
    """A school registered by the city operator."""

    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(default=DEFAULT_TIMEZONE)
    id_key = UnicodeAttribute(null=True)  # keys the ids derived for uploads (domain/identifiers.py); never shown
    # The directory any account searches (domain/schools.py): number and district as the operator
    # recorded them, and their normalised forms the search filters on.
    number = UnicodeAttribute(null=True)
    district = UnicodeAttribute(null=True)
    number_key = UnicodeAttribute(null=True)
    search_name = UnicodeAttribute(null=True)
    search_district = UnicodeAttribute(null=True)


class SchoolClass(DiaryItem, discriminator="SchoolClass"):
    """A class of a school ("5А")."""

    class_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    grade_level = NumberAttribute(null=True)  # none: an ungraded group (an upload's class of no grade)


class Subject(DiaryItem, discriminator="Subject"):
    """A subject taught at a school."""

    subject_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()


class Term(DiaryItem, discriminator="Term"):
    """A term (четверть, триместр) of the school year."""

    term_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    starts_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()


class Teaching(DiaryItem, discriminator="Teaching"):
    """A teacher teaches a subject to a class: the unit of a teacher's rights."""

    school_id = UnicodeAttribute()
    teacher_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()


class Student(DiaryItem, discriminator="Student"):
    """A child on a school's roster (no account: families reach it through guardianship)."""

    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    last_name = UnicodeAttribute()
    first_name = UnicodeAttribute()
    middle_name = UnicodeAttribute(null=True)
    birth_date = UnicodeAttribute(null=True)  # the school may not send it (OneRoster's demographics)


class NameClaim(DiaryItem, discriminator="NameClaim"):
    """Keeps a name unique within a school (one class "5А", one subject "Математика")."""

    owner_id = UnicodeAttribute()


class RosterEntry(DiaryItem, discriminator="RosterEntry"):
    """Finds a student by normalised full name and birth date (to match an application)."""

    student_id = UnicodeAttribute()


class Application(DiaryItem, discriminator="Application"):
    """A parent asks a school for access to one child's diary."""

    application_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    child_last_name = UnicodeAttribute()
    child_first_name = UnicodeAttribute()
    child_middle_name = UnicodeAttribute(null=True)
    child_birth_date = UnicodeAttribute()
    class_name = UnicodeAttribute()
    relation = UnicodeAttribute()
    roster_key = UnicodeAttribute()
    state = UnicodeAttribute()
    # The in-person check records who and when, never what document was shown.
    checked_by = UnicodeAttribute(null=True)
    checked_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    student_id = UnicodeAttribute(null=True)
    # Who applied, as their account stood at filing: the desk matches the passport to these.
    applicant_name = UnicodeAttribute(null=True)
    applicant_email = UnicodeAttribute(null=True)
    applicant_phone = UnicodeAttribute(null=True)
    applicant_phone_verified = BooleanAttribute(null=True)
    search_text = UnicodeAttribute(null=True)  # child's and applicant's name words (domain/search_words.py)
    code_generation = NumberAttribute(null=True)  # how many times its access code was renewed
    # State awaiting_choice: the students it may name, as the administrator picks among them.
    candidates = JSONAttribute(null=True)
    chosen_by = UnicodeAttribute(null=True)


class ApplicationRef(DiaryItem, discriminator="ApplicationRef"):
    """Finds an application by id alone: whose it is and at which school."""

    account_id = UnicodeAttribute()
    school_id = UnicodeAttribute()


class ApplicationClaim(DiaryItem, discriminator="ApplicationClaim"):
    """Held while an application for this child is live: one application per parent and child."""

    application_id = UnicodeAttribute()


class AccessCode(DiaryItem, discriminator="AccessCode"):
    """A one-time code (stored only as a keyed hash) that links its holder to a child."""

    purpose = UnicodeAttribute()  # "application" or "invitation"
    ref_id = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    valid_until = NumberAttribute()  # checked on use: TTL deletion may lag by days
    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()


class Guardianship(DiaryItem, discriminator="Guardianship"):
    """A parent (or legal guardian) linked to a child: sees everything, invites, reads the audit."""

    account_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    relation = UnicodeAttribute()
    application_id = UnicodeAttribute(null=True)
    unseen_grade_ids = UnicodeSetAttribute(null=True)  # posted since this parent last saw them (the stream)
    name = UnicodeAttribute(null=True)  # the parent's, for the audit trail (kept up with a rename)


class Viewer(DiaryItem, discriminator="Viewer"):
    """Someone a parent invited to see part of a child's diary."""

    account_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    role = UnicodeAttribute()
    scope = UnicodeSetAttribute()
    invitation_id = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    unseen_grade_ids = UnicodeSetAttribute(null=True)  # as on Guardianship, for a viewer who sees grades


class Invitation(DiaryItem, discriminator="Invitation"):
    """A parent's invitation for someone to view part of a child's diary."""

    invitation_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    scope = UnicodeSetAttribute()
    state = UnicodeAttribute(default="pending")
    invited_by = UnicodeAttribute()
    valid_until = NumberAttribute()
    accepted_by = UnicodeAttribute(null=True)
    code_generation = NumberAttribute(null=True)  # how many times its code was renewed


class AuditEntry(DiaryItem, discriminator="AuditEntry"):
    """Who opened which part of a child's data, or changed who may: kept under the child."""

    student_id = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()
    part = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    # Who they were when it happened (a later rename or revocation leaves history as it was);
    # none on entries written before names were kept (docs/access.md, "The audit trail names people").
    actor_name = UnicodeAttribute(null=True)
    actor_role = UnicodeAttribute(null=True)  # mother, tutor, teacher, administrator… (domain/children.py)
    subject_name = UnicodeAttribute(null=True)
    subject_role = UnicodeAttribute(null=True)


__all__ = [
    "AccessCode",
    "Account",
    "Application",
    "ApplicationClaim",
    "ApplicationRef",
    "AuditEntry",
    "DiaryItem",
    "EmailClaim",
    "EmailVerification",
    "FormerViewer",
    "Guardianship",
    "Invitation",
    "NameClaim",
    "RoleGrant",
    "RosterEntry",
    "School",
    "SchoolClass",
    "SentMessage",
    "Session",
    "Student",
    "Subject",
    "Teaching",
    "Term",
    "Throttle",
    "Viewer",
]


class JournalItem(DiaryItem, discriminator="JournalItem"):
    """What a teacher or a school system writes into the journal; every change is a stream event.

    The attributes here are what the alerts need from a stream record: whose data it is
    (school, class, student), which subject, who changed it and how.
    """

    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute(null=True)
    student_id = UnicodeAttribute(null=True)
    subject_id = UnicodeAttribute(null=True)
    lesson_id = UnicodeAttribute(null=True)
    date = UnicodeAttribute()
    changed_by = UnicodeAttribute(null=True)
    change = UnicodeAttribute(null=True)  # created | corrected | schedule_change | cancelled
    source = UnicodeAttribute(default="teacher")  # teacher | upload:<upload id>
    version = VersionAttribute()


class Lesson(JournalItem, discriminator="Lesson"):
    """One lesson of a class's schedule, with its topic."""

    teacher_id = UnicodeAttribute(null=True)
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    room = UnicodeAttribute(null=True)
    topic = UnicodeAttribute(null=True)
    cancelled = BooleanAttribute(default=False)


class Homework(JournalItem, discriminator="Homework"):
    """What was set at a lesson, and when it is due."""

    text = UnicodeAttribute()
    due_date = UnicodeAttribute()


class Grade(JournalItem, discriminator="Grade"):
    """A mark on the 5-point scale, with its weight, kind of work and the teacher's remark."""

    grade_id = UnicodeAttribute()
    value = NumberAttribute()
    weight = NumberAttribute(default=1)
    work_kind = UnicodeAttribute(default="classwork")
    remark = UnicodeAttribute(null=True)
    teacher_id = UnicodeAttribute(null=True)


class AttendanceMark(JournalItem, discriminator="AttendanceMark"):
    """Absent or late at a lesson, excused or not."""

    mark = UnicodeAttribute()  # absent | late
    excused = BooleanAttribute(default=False)
    minutes_late = NumberAttribute(null=True)


class Correction(DiaryItem, discriminator="Correction"):
    """One change to a journal record: who changed what, when (kept after a deletion too)."""

    record_key = UnicodeAttribute()
    changed_by = UnicodeAttribute()
    action = UnicodeAttribute()  # created | corrected | deleted
    before = UnicodeAttribute(null=True)  # JSON of the changed fields before
    after = UnicodeAttribute(null=True)  # JSON of the changed fields after


class MachineCredential(DiaryItem, discriminator="MachineCredential"):
    """A school system's credential for bulk uploads; only its hash is kept."""

    credential_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    revoked = BooleanAttribute(default=False)
    created_by = UnicodeAttribute()


class Upload(DiaryItem, discriminator="Upload"):
    """One file a school sent, and how its processing went."""

    upload_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    state = UnicodeAttribute(default="awaiting_file")  # awaiting_file | processing | done | failed | expired
    reason = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    rows_rejected = NumberAttribute(default=0)
    rows_changed = NumberAttribute(default=0)
    items_changed = NumberAttribute(null=True)  # stored items those rows wrote (a student row: two)
    chunks_total = NumberAttribute(default=0)
    chunks_done = NumberAttribute(default=0)
    requested_by = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    progress_at = UnicodeAttribute(null=True)  # planned, or a chunk recorded: a stalled upload is ended
    errors_listed = NumberAttribute(default=0)  # row errors kept in the report (at most REPORT_ERRORS)
    rows_warned = NumberAttribute(null=True)  # rows taken with a warning (also in rows_done)
    notices = UnicodeAttribute(null=True)  # JSON [[code, class name], ...]: what the upload's end noticed


class UploadRowError(DiaryItem, discriminator="UploadRowError"):
    """A row an upload could not take, and why (or, with severity "warning", took with a remark)."""

    file = UnicodeAttribute()
    line = NumberAttribute()
    column = UnicodeAttribute(null=True)
    code = UnicodeAttribute()
    severity = UnicodeAttribute(null=True)  # None: rejected (items stored before warnings existed)
    value = UnicodeAttribute(null=True)  # the offending value, cut to 200 characters


class UploadErrorCount(DiaryItem, discriminator="UploadErrorCount"):
    """How many rows of an upload were rejected with one code: every one, listed in the report or not."""

    code = UnicodeAttribute()
    rows = NumberAttribute(default=0)


class UploadChunk(DiaryItem, discriminator="UploadChunk"):
    """Marks a chunk of an upload as applied, so a redelivered chunk counts once."""

    rows = NumberAttribute()


class StreamMark(DiaryItem, discriminator="StreamMark"):
    """A stream record whose aggregates were applied: a redelivered batch adds nothing twice."""


class SchoolDirectory(DiaryItem, discriminator="SchoolDirectory"):
    """Names a diary page shows (subjects, teachers) in one item per school, kept by the stream;
    the names themselves are top-level attributes s:<subject id> and t:<teacher id>."""


class WeekPage(DiaryItem, discriminator="WeekPage"):
    """A school week of the journal as the family's week view shows it, kept by the stream, so the
    view reads two known items instead of two ranges. Under CLASS#<class>: L#<lesson> (a lesson)
    and H#<lesson> (its homework); under STUDENT#<student>: G#<grade> and A#<lesson> (a mark).
    Each entry is a top-level map attribute, set or removed as its record changes."""


class SchoolEvent(DiaryItem, discriminator="SchoolEvent"):
    """Something happening at the school: for everyone, or for chosen classes only."""

    event_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_ids = UnicodeSetAttribute(null=True)  # empty: the whole school
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    date = UnicodeAttribute()
    starts_at = UnicodeAttribute(null=True)
    ends_at = UnicodeAttribute(null=True)
    place = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    change = UnicodeAttribute(default="created")  # what the alerts read off the stream image


class ParentMeeting(DiaryItem, discriminator="ParentMeeting"):
    """A parent meeting (родительское собрание) of one class."""

    meeting_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    class_ids = UnicodeSetAttribute(null=True)  # {class_id}: the same shape as an event for the alerts
    date = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    place = UnicodeAttribute()
    agenda = UnicodeAttribute()
    created_by = UnicodeAttribute()
    change = UnicodeAttribute(default="created")


class CalendarToken(DiaryItem, discriminator="CalendarToken"):
    """A calendar feed's secret, stored only as its keyed hash: whose feed of which child."""

    account_id = UnicodeAttribute()
    student_id = UnicodeAttribute()


class CalendarPointer(DiaryItem, discriminator="CalendarPointer"):
    """The current feed hash of an account for a child, so rotating can delete the old one."""

    token_hash = UnicodeAttribute()


class MessageThread(DiaryItem, discriminator="MessageThread"):
    """A conversation about one child between its family and the school; participants are fixed
    when it starts (each has an inbox item), so a reply reaches exactly who the first message did."""

    thread_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)
    started_by = UnicodeAttribute()
    participant_ids = UnicodeSetAttribute()
    last_message_sk = UnicodeAttribute(null=True)
    message_count = NumberAttribute(default=0)


class ThreadInbox(DiaryItem, discriminator="ThreadInbox"):
    """One participant's view of a thread: their place in their inbox (GSI1, moved on every message),
    how many messages they have not read, and how far they have read (visible to the other side)."""

    thread_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    side = UnicodeAttribute()  # family | school
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    student_name = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    participant_ids = UnicodeSetAttribute()
    unread = NumberAttribute(default=0)
    read_up_to = UnicodeAttribute(null=True)  # SK of the newest message read
    read_at = UnicodeAttribute(null=True)
    last_message_sk = UnicodeAttribute(null=True)
    last_message_at = UnicodeAttribute(null=True)
    last_sender_id = UnicodeAttribute(null=True)
    preview = UnicodeAttribute(null=True)


class Message(DiaryItem, discriminator="Message"):
    """One message of a thread. Its stream record is what the alerts read: whose child, which thread,
    who wrote and who should be told (every participant but the sender)."""

    message_id = UnicodeAttribute()
    thread_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    sender_account_id = UnicodeAttribute()
    recipient_account_ids = UnicodeSetAttribute()
    body = UnicodeAttribute()


class RateCounter(DiaryItem, discriminator="RateCounter"):
    """How many times an account did something within one fixed window (expires with TTL)."""

    times = NumberAttribute(default=0)


class AlertPreferences(DiaryItem, discriminator="AlertPreferences"):
    """How one person hears about one child: a channel per kind, quiet hours, digest, thresholds."""

    account_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    channels = UnicodeAttribute(default="{}")  # JSON {kind: email|sms|both|none}; absent kinds: email
    quiet_start = UnicodeAttribute(null=True)  # both null: no quiet hours
    quiet_end = UnicodeAttribute(null=True)
    digest = BooleanAttribute(default=False)
    grade_at_most = NumberAttribute(null=True)
    absences = UnicodeAttribute(default="all")


class Alert(DiaryItem, discriminator="Alert"):
    """One alert to one person by one channel: how its delivery went."""

    account_id = UnicodeAttribute()
    alert_kind = UnicodeAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute(default="queued")  # queued | held | sent | failed | skipped
    attempts = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)


class HeldAlert(DiaryItem, discriminator="HeldAlert"):
    """An alert waiting for the morning (quiet hours) or the evening digest; the job is kept as JSON."""

    job = UnicodeAttribute()


class News(DiaryItem, discriminator="News"):
    """School-wide news (or for some classes), and how its fan-out went."""

    news_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    class_ids = UnicodeSetAttribute(null=True)  # empty: the whole school
    created_by = UnicodeAttribute()
    state = UnicodeAttribute(default="queued")  # queued | sending | done
    recipients = NumberAttribute(default=0)
    batches_total = NumberAttribute(default=0)
    batches_done = NumberAttribute(default=0)
    emails_sent = NumberAttribute(default=0)
    sms_sent = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    held = NumberAttribute(default=0)  # SMS waiting for the morning (the families' quiet hours)


class AttestationResult(DiaryItem, discriminator="AttestationResult"):
    """A term (intermediate) or final attestation result of a student in a subject."""

    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    period = UnicodeAttribute()  # a term id, or "final" for the year's final attestation
    result = UnicodeAttribute()  # "5" … "2", or "pass" / "fail" (зачёт / незачёт)
    changed_by = UnicodeAttribute()
    source = UnicodeAttribute(default="teacher")


class FormerViewer(DiaryItem, discriminator="FormerViewer"):
    """A viewer whose access a parent ended, kept so the audit trail still says who they were."""

    account_id = UnicodeAttribute()
    student_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    revoked_at = UnicodeAttribute()
    revoked_by = UnicodeAttribute()


class PasswordReset(DiaryItem, discriminator="PasswordReset"):
    """The code emailed to reset an account's password, stored only as a hash; its guesses are the
    address's code guesses (CodeGuesses), so they are counted before the code is even read."""

    code_hash = UnicodeAttribute()
    valid_until = NumberAttribute()  # checked on use: TTL deletion may lag by days


class PendingTeaching(DiaryItem, discriminator="PendingTeaching"):
    """A teaching an upload named for an address that is not a teacher of the school yet; found
    by the address (GSI1) when its owner signs in, and then made a Teaching."""

    school_id = UnicodeAttribute()
    email = UnicodeAttribute()
    class_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()


class TeacherInvitation(DiaryItem, discriminator="TeacherInvitation"):
    """The school invited this address to register as its teacher: one invitation, however many
    uploads name the address (removed when the teacher takes the role up)."""

    email = UnicodeAttribute()
