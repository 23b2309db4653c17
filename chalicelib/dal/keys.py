"""Every storage key of the table, built in one place: the key design can change here alone.

Each builder says in the domain's words what it stands for; the literal prefixes are the
table's (models.py documents the whole design). Nothing outside `dal/` builds a key.
"""

from __future__ import annotations

Key = tuple[str, str]  # (PK, SK)


# --- schools, imports, journal ---------------------------------------------------------


def school_partition(school_id: str) -> str:
    """Partition of everything a school owns."""
    return f"SCHOOL#{school_id}"


def school(school_id: str) -> Key:
    """A school itself."""
    return school_partition(school_id), "SCHOOL"


SCHOOLS_BY_NAME = "SCHOOLS"  # GSI1 partition of the city's schools, by name


def school_by_name(name: str, school_id: str) -> Key:
    """A school's place in the by-name list (GSI1)."""
    return SCHOOLS_BY_NAME, f"{name}#{school_id}"


CLASSES, SUBJECTS, TERMS, TEACHINGS = "CLASS#", "SUBJECT#", "TERM#", "TEACHING#"  # sort-key prefixes under a school


def school_class(school_id: str, class_id: str) -> Key:
    """A class of a school."""
    return school_partition(school_id), f"{CLASSES}{class_id}"


def subject(school_id: str, subject_id: str) -> Key:
    """A subject of a school."""
    return school_partition(school_id), f"{SUBJECTS}{subject_id}"


def term(school_id: str, term_id: str) -> Key:
    """A term of a school."""
    return school_partition(school_id), f"{TERMS}{term_id}"


def teaching(school_id: str, teacher_id: str, class_id: str, subject_id: str) -> Key:
    """A teaching assignment (keyed by teacher first)."""
    return school_partition(school_id), f"{TEACHINGS}{teacher_id}#{class_id}#{subject_id}"


def teachings_of_teacher(teacher_id: str, class_id: str | None = None) -> str:
    """Sort-key prefix of a teacher's assignments (in one class, when given)."""
    return f"{TEACHINGS}{teacher_id}#" + (f"{class_id}#" if class_id else "")


def name_claim(school_id: str, kind: str, name: str) -> Key:
    """A class's or subject's name taken within the school (`kind`: CLASS or SUBJECT)."""
    return school_partition(school_id), f"NAME#{kind}#{name.casefold()}"


def student(school_id: str, student_id: str) -> Key:
    """A student on a school's roster."""
    return school_partition(school_id), f"STUDENT#{student_id}"


def students_of_class(school_id: str, class_id: str) -> str:
    """GSI1 partition of a class's roster."""
    return f"CLASS#{school_id}#{class_id}"


def roster_place(last_name: str, first_name: str, student_id: str) -> str:
    """A student's GSI1 sort key in the class roster: by surname."""
    return f"{last_name}#{first_name}#{student_id}"


def roster_entry(school_id: str, roster_key: str, student_id: str) -> Key:
    """How an application finds a student by name and birth date."""
    return school_partition(school_id), f"ROSTER#{roster_key}#{student_id}"


def class_partition(class_id: str) -> str:
    """Partition of a class's lessons, homework and parent meetings."""
    return f"CLASS#{class_id}"


def student_partition(student_id: str) -> str:
    """Partition of a student's grades, attendance and results (and access, audit)."""
    return f"STUDENT#{student_id}"


def lesson_sk(lesson_id: str) -> str:
    """Sort key of a lesson; the id starts with its date."""
    return f"D#{lesson_id[:10]}#L#{lesson_id}"


def homework_sk(lesson_id: str) -> str:
    """Sort key of the homework set at a lesson."""
    return f"D#{lesson_id[:10]}#H#{lesson_id}"


def grade_sk(grade_id: str) -> str:
    """Sort key of a grade; the id starts with its date."""
    return f"D#{grade_id[:10]}#G#{grade_id}"


def mark_sk(lesson_id: str) -> str:
    """Sort key of a student's attendance mark at a lesson."""
    return f"D#{lesson_id[:10]}#A#{lesson_id}"


def lesson(class_id: str, lesson_id: str) -> Key:
    """A lesson of a class."""
    return class_partition(class_id), lesson_sk(lesson_id)


def homework(class_id: str, lesson_id: str) -> Key:
    """The homework set at a lesson."""
    return class_partition(class_id), homework_sk(lesson_id)


def grade(student_id: str, grade_id: str) -> Key:
    """A student's grade."""
    return student_partition(student_id), grade_sk(grade_id)


def attendance_mark(student_id: str, lesson_id: str) -> Key:
    """A student's attendance mark at a lesson."""
    return student_partition(student_id), mark_sk(lesson_id)


def days(first: str, last: str) -> Key:
    """The sort-key range of a partition's journal records between two dates (inclusive)."""
    return f"D#{first}", f"D#{last}~"


def history(pk: str, sk: str) -> str:
    """Partition of one record's corrections (kept after the record is deleted)."""
    return f"HISTORY#{pk}#{sk}"


def lessons_of_teacher(school_id: str, teacher_id: str) -> str:
    """GSI1 partition of a teacher's lessons."""
    return f"TEACHER#{school_id}#{teacher_id}"


def homework_of_class(school_id: str, class_id: str) -> str:
    """GSI1 partition of a class's homework, by due date."""
    return f"HOMEWORK#{school_id}#{class_id}"


def homework_due(due_date: str, lesson_id: str) -> str:
    """GSI1 sort key of homework: by due date."""
    return f"{due_date}#{lesson_id}"


def grades_of(student_id: str, subject_id: str) -> str:
    """GSI1 partition of a student's grades in one subject."""
    return f"GRADES#{student_id}#{subject_id}"


def attendance_of(student_id: str) -> str:
    """GSI1 partition of a student's attendance marks."""
    return f"ATTENDANCE#{student_id}"


ATTESTATIONS = "ATTESTATION#"  # sort-key prefix of a student's results


def attestation_result(student_id: str, period: str, subject_id: str) -> Key:
    """A student's term or final result: in the student's partition, by period and subject."""
    return student_partition(student_id), f"{ATTESTATIONS}{period}#{subject_id}"


def school_event(school_id: str, date: str, event_id: str) -> Key:
    """A school event, by date."""
    return school_partition(school_id), f"EVENT#{date}#{event_id}"


def parent_meeting(class_id: str, date: str, starts_at: str, meeting_id: str) -> Key:
    """A class's parent meeting, by date and hour."""
    return class_partition(class_id), f"MEETING#{date}#{starts_at}#{meeting_id}"


def credential(credential_id: str) -> Key:
    """A school system's machine credential."""
    return f"CREDENTIAL#{credential_id}", "CREDENTIAL"


def credentials_of(school_id: str) -> str:
    """GSI1 partition of a school's credentials."""
    return f"CREDENTIALS#{school_id}"


def upload_partition(upload_id: str) -> str:
    """Partition of an upload, its row errors, chunk markers and counts."""
    return f"UPLOAD#{upload_id}"


def upload(upload_id: str) -> Key:
    """An upload itself."""
    return upload_partition(upload_id), "UPLOAD"


def uploads_of(school_id: str) -> str:
    """GSI1 partition of a school's uploads."""
    return f"UPLOADS#{school_id}"


ROW_ERRORS, ERROR_COUNTS = "ERROR#", "COUNT#"  # sort-key prefixes under an upload
REJECTED_ROWS, WARNED_ROWS = "R#", "W#"  # after ROW_ERRORS: a report's two parts, each one Query
OWN_FILE = "-"  # in place of the file: a row of our own CSV set, placed by its kind's processing order


def row_errors(upload_id: str, severity: str | None = None) -> tuple[str, str]:
    """Partition and sort-key prefix of an upload's report: every entry (the refused rows, then
    the warnings), or one severity's ("rejected" | "warning")."""
    part = {None: "", "rejected": REJECTED_ROWS, "warning": WARNED_ROWS}[severity]
    return upload_partition(upload_id), f"{ROW_ERRORS}{part}"


def row_error(upload_id: str, order: int, line: int, column: str | None, other_file: str | None,
              warning: bool = False, code: str = "") -> Key:
    """A report entry, refused rows apart from warnings. Our own CSVs: by kind (processing order)
    then line, `ERROR#R#-#<order>#<line>#<column>#<code>`. A translated upload (OneRoster) by the
    school's file then line, `ERROR#R#<file>#<line>#<order>#<column>#<code>`: its entries follow
    its files, whatever kinds its rows became (one users.csv line may make a class and a student)."""
    part = WARNED_ROWS if warning else REJECTED_ROWS
    place = f"{other_file}#{line:09d}#{order:02d}" if other_file else f"{OWN_FILE}#{order:02d}#{line:09d}"
    return upload_partition(upload_id), f"{ROW_ERRORS}{part}{place}#{column or ''}#{code}"


def row_error_order(sort_key: str, file: str) -> tuple[int, bool]:
    """A report entry's kind order and whether it came from our own CSV set, from its sort key
    (`file`: the entry's, for the keys written before warnings, `ERROR#<order>#<line>#<column>[#<file>]`)."""
    rest = sort_key.removeprefix(ROW_ERRORS)
    if not rest.startswith((REJECTED_ROWS, WARNED_ROWS)):
        return int(rest.split("#")[0]), not sort_key.endswith(f"#{file}")
    place = rest[len(REJECTED_ROWS):]
    if place.startswith(f"{OWN_FILE}#"):
        return int(place.split("#")[1]), True
    return int(place.rsplit("#", 4)[-3]), False  # <file>#<line>#<order>#<column>#<code>: a file may hold '#'


def upload_chunk(upload_id: str, chunk: str) -> Key:
    """The marker of a chunk applied once."""
    return upload_partition(upload_id), f"CHUNK#{chunk}"


WARNING_CODE = "warning:"  # an error count's code prefix for rows taken with a warning


def error_count(upload_id: str, code: str, warning: bool = False) -> Key:
    """An upload's rejected rows of one code (or its rows taken with that warning)."""
    return upload_partition(upload_id), f"{ERROR_COUNTS}{WARNING_CODE if warning else ''}{code}"


# A week page's entries, by the kind of record they show (the family's week view reads them back).
WEEK_ENTRIES = {"Lesson": "L#", "Homework": "H#", "Grade": "G#", "AttendanceMark": "A#"}


def week_entry(kind: str, entry_id: str) -> str:
    """The attribute of a week page that shows one lesson, homework, grade or mark."""
    return WEEK_ENTRIES[kind] + entry_id


# --- accounts, children, diary, messages ---


def account_pk(account_id: str) -> str:
    """Partition of an account: the account item, its roles, the codes it holds as a holder."""
    return f"ACCOUNT#{account_id}"


def account_key(account_id: str) -> tuple[str, str]:
    """Where an account is stored (for a read batched with others)."""
    return account_pk(account_id), "ACCOUNT"


def child_pk(student_id: str) -> str:
    """Partition of everything about who may see a child (links, invitations, the audit trail)."""
    return f"STUDENT#{student_id}"


def link_key(student_id: str, account_id: str) -> tuple[str, str]:
    """Where an account's link to a child (a guardianship or a viewer) is stored."""
    return child_pk(student_id), f"ACCESS#{account_id}"


LINK_PREFIX = "ACCESS#"


def children_pk(account_id: str) -> str:
    """GSI1 partition of an account's links to children."""
    return f"CHILDREN#{account_id}"


def former_viewer_key(student_id: str, account_id: str) -> tuple[str, str]:
    """Where a revoked viewer is remembered."""
    return child_pk(student_id), f"FORMER_VIEWER#{account_id}"


def invitation_key(student_id: str, invitation_id: str) -> tuple[str, str]:
    """One invitation of a child."""
    return child_pk(student_id), f"INVITATION#{invitation_id}"


INVITATION_PREFIX = "INVITATION#"
AUDIT_PREFIX = "AUDIT#"


def audit_sk(stamp: str, suffix: str) -> str:
    """Sort key of an audit entry: the instant (microseconds), then a random suffix."""
    return f"{AUDIT_PREFIX}{stamp}#{suffix}"


def account_holder(account_id: str) -> str:
    """Who holds an application's code: the parent's account."""
    return account_pk(account_id)


def address_holder(email: str) -> str:
    """Who holds an invitation's code: the invited address (whichever account registers it)."""
    return f"EMAIL#{email}"


def holder_pk(holder: str) -> str:
    """Partition of the codes held by an account or an address (`account_holder`, `address_holder`)."""
    return f"HOLDER#{holder}"


def holder_of(pk: str) -> str:
    """The holder whose partition this is."""
    return pk.removeprefix("HOLDER#")


CODE_PREFIX = "CODE#"


def code_sk(purpose: str, ref_id: str) -> str:
    """Key of one code within its holder's partition."""
    return f"{CODE_PREFIX}{purpose}#{ref_id}"


def child_quota(student_id: str) -> str:
    """Whose counter a send about a child is charged to (invitations per child)."""
    return child_pk(student_id)


def number_quota(phone: str) -> str:
    """Whose counter a text to a phone number is charged to."""
    return f"PHONE#{phone}"


def _school_pk(school_id: str) -> str:
    return f"SCHOOL#{school_id}"


def directory_key(school_id: str) -> tuple[str, str]:
    """Where a school's names live."""
    return _school_pk(school_id), "DIRECTORY"


def school_item_key(school_id: str) -> tuple[str, str]:
    """The school item (its name and time zone)."""
    return _school_pk(school_id), "SCHOOL"


def roster_student_key(school_id: str, student_id: str) -> tuple[str, str]:
    """A student on the school's roster (the class the child is in)."""
    return _school_pk(school_id), f"STUDENT#{student_id}"


def class_item_key(school_id: str, class_id: str) -> tuple[str, str]:
    """A class of the school (its name)."""
    return _school_pk(school_id), f"CLASS#{class_id}"


def subject_item_key(school_id: str, subject_id: str) -> tuple[str, str]:
    """A subject of the school (its name)."""
    return _school_pk(school_id), f"SUBJECT#{subject_id}"


def class_week_pk(class_id: str) -> str:
    """Partition of a class's lessons, homework, week pages and aggregates."""
    return f"CLASS#{class_id}"


def student_week_pk(student_id: str) -> str:
    """Partition of a student's grades, marks, week pages and aggregates."""
    return child_pk(student_id)


def week_page_key(pk: str, monday: str) -> tuple[str, str]:
    """The week page of a class (`class_week_pk`) or a student (`student_week_pk`)."""
    return pk, f"WEEK#{monday}"


# Entries of a week page are attributes named by kind and id.
WEEK_LESSON, WEEK_HOMEWORK, WEEK_GRADE, WEEK_MARK = "L#", "H#", "G#", "A#"


def stat_prefix(term_id: str) -> str:
    """Sort-key prefix of a term's aggregates (under a class's or a student's partition)."""
    return f"STAT#{term_id}#"


def stat_sk(term_id: str, subject_id: str) -> str:
    """Sort key of a term aggregate of one subject."""
    return f"{stat_prefix(term_id)}{subject_id}"


def subject_of_stat(sk: str) -> str:
    """The subject an aggregate's sort key names."""
    return sk.rsplit("#", 1)[1]


def thread_pk(thread_id: str) -> str:
    """Partition of a thread: the thread item, its participants' inbox items and its messages."""
    return f"THREAD#{thread_id}"


def inbox_sk(account_id: str) -> str:
    """Sort key of a participant's inbox item within the thread."""
    return f"INBOX#{account_id}"


def inbox_pk(account_id: str) -> str:
    """GSI1 partition of an account's threads."""
    return f"THREADS#{account_id}"


EMAIL_SK, VERIFICATION_SK, SESSION_SK, THROTTLE_SK = "EMAIL", "VERIFICATION", "SESSION", "THROTTLE"


def email_claim_key(email: str) -> tuple[str, str]:
    """The claim that makes an address unique and finds its account."""
    return f"EMAIL#{email}", EMAIL_SK


def verification_key(account_id: str) -> tuple[str, str]:
    """A pending registration's emailed code."""
    return account_pk(account_id), VERIFICATION_SK


def phone_code_key(account_id: str) -> tuple[str, str]:
    """The code texted to an account's unconfirmed number."""
    return account_pk(account_id), "PHONE_VERIFICATION"


def rate_counter_key(scope: str, key: str, window: int) -> tuple[str, str]:
    """A fixed window's counter of sends or guesses for one client or address."""
    return f"RATE#{scope}#{key}", f"WINDOW#{window}"


def code_guesses_key(email: str, window: int) -> tuple[str, str]:
    """An address's code guesses in one window."""
    return f"GUESSES#{email}", f"WINDOW#{window}"


ROLE_PREFIX = "ROLE#"


def role_sk(role: str, school_id: str | None) -> str:
    """A role granted to an account (city-wide for the operator)."""
    return f"{ROLE_PREFIX}{school_id or 'CITY'}#{role}"


def staff_pk(school_id: str, role: str) -> str:
    """GSI1 partition of a school's staff in one role."""
    return f"STAFF#{school_id}#{role}"


def session_key(family_id: str) -> tuple[str, str]:
    """A login's refresh-token family."""
    return f"SESSION#{family_id}", SESSION_SK


def throttle_key(scope: str, key: str) -> tuple[str, str]:
    """Failed logins of one client or one account."""
    return f"THROTTLE#{scope}#{key}", THROTTLE_SK


def quota_window_key(whose: str, quota: str, number: int) -> tuple[str, str]:
    """A send quota's counter for one sender or target in one window (domain/quotas.py)."""
    return f"RATE#{whose}", f"{quota}#{number}"


THREAD_SK, MESSAGE_PREFIX, INBOX_PREFIX = "THREAD", "MSG#", "INBOX#"


def message_sk(stamp: str) -> str:
    """A message within its thread, by its sort stamp."""
    return f"{MESSAGE_PREFIX}{stamp}"


def send_counter_key(account_id: str, window: int) -> tuple[str, str]:
    """An account's messages sent in one window."""
    return f"RATE#{account_id}", f"MESSAGES#{window}"


def password_reset_key(account_id: str) -> tuple[str, str]:
    """An account's emailed password-reset code."""
    return account_pk(account_id), "PASSWORD_RESET"


APPLICATION_PREFIX = "APPLICATION#"


def application_key(account_id: str, application_id: str) -> tuple[str, str]:
    """A parent's application, under the parent's account."""
    return account_pk(account_id), f"{APPLICATION_PREFIX}{application_id}"


def application_ref_key(application_id: str) -> tuple[str, str]:
    """Finds an application by its id alone (the school's side, the queue)."""
    return f"{APPLICATION_PREFIX}{application_id}", "APPLICATION"


def applying_key(account_id: str, school_id: str, roster_key: str) -> tuple[str, str]:
    """A parent's live application for one child at one school (one at a time)."""
    return account_pk(account_id), f"APPLYING#{school_id}#{roster_key}"


def applications_pk(school_id: str, state: str) -> str:
    """GSI1 partition of a school's applications in one state."""
    return f"APPLICATIONS#{school_id}#{state}"


def roster_namesakes_key(school_id: str, name_key: str) -> tuple[str, str]:
    """The school's roster entries of one normalised full name, whatever the birth date (known
    or not): partition and prefix. A roster key is <name>#<birth or "">, so this prefix is it."""
    return _school_pk(school_id), f"ROSTER#{name_key}#"


def waiting_for_name(name_key: str) -> str:
    """GSI1 sort-key prefix of a school's applications (in one state) for a child of this name."""
    return f"{name_key}#"


# --- alerts -----------------------------------------------------------------------------------


def alert_preferences(account_id: str) -> str:
    """Sort key of a person's alert choices within the child's partition (just after ACCESS#)."""
    return f"ALERTS#{account_id}"


def family_range() -> tuple[str, str]:
    """The sort-key range of a child's links and alert choices, read in one Query."""
    return "ACCESS#", "ALERTS#~"


def account(account_id: str) -> tuple[str, str]:
    """An account's item."""
    return f"ACCOUNT#{account_id}", "ACCOUNT"


def class_prefix() -> str:
    """Sort-key prefix of a school's classes."""
    return "CLASS#"


def class_students(school_id: str, class_id: str) -> str:
    """The GSI1 partition of a class's students."""
    return f"CLASS#{school_id}#{class_id}"


def news(school_id: str, news_id: str) -> tuple[str, str]:
    """A news item, in its school's partition."""
    return f"SCHOOL#{school_id}", f"NEWS#{news_id}"


def news_of(school_id: str) -> str:
    """GSI1 partition of a school's news (sort key: created_at#news_id, read newest first)."""
    return f"NEWSLIST#{school_id}"


def alert(key: str) -> tuple[str, str]:
    """How one alert's delivery went (its idempotency key)."""
    return f"ALERT#{key}", "ALERT"


def held_slot(slot: str) -> str:
    """The partition of alerts held until a quarter-hour slot."""
    return f"HELD#{slot}"


def held(slot: str, owner: str, key: str) -> tuple[str, str]:
    """One held alert: the same alert held twice stays one item."""
    return held_slot(slot), f"{owner}#{key}"


def release_cursor() -> tuple[str, str]:
    """The last slot whose held alerts were released."""
    return "HELD#CURSOR", "CURSOR"


def sent_mark(dedupe_key: str) -> tuple[str, str]:
    """The send-once mark of one message (outbox, alert, digest, news batch)."""
    return f"SENT#{dedupe_key}", "SENT"


# --- teachers an upload named before they registered (issue 14, item 4) ----------------------

PENDING_TEACHINGS = "PENDING_TEACHING#"  # sort-key prefix under a school


def pending_teaching(school_id: str, email: str, class_id: str, subject_id: str) -> Key:
    """A teaching waiting for its teacher's first sign-in: under the school, by address."""
    return school_partition(school_id), f"{PENDING_TEACHINGS}{email}#{class_id}#{subject_id}"


def waiting_for_address(email: str) -> str:
    """GSI1 partition of the teachings waiting for one address, at every school (read at sign-in)."""
    return f"PENDING_TEACHER#{email}"


def waiting_place(school_id: str, class_id: str, subject_id: str) -> str:
    """A waiting teaching's GSI1 sort key: by school."""
    return f"{school_id}#{class_id}#{subject_id}"


def teacher_invitation(school_id: str, email: str) -> Key:
    """The mark that the school's invitation went to this address (one per school and address)."""
    return school_partition(school_id), f"TEACHER_INVITATION#{email}"
