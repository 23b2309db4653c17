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


def row_error(upload_id: str, order: int, line: int, column: str | None, other_file: str | None) -> Key:
    """A refused row: by kind (processing order), line, column; the source file joins the key only
    when it is not the kind's own CSV, so our own CSVs keep their keys."""
    source = f"#{other_file}" if other_file else ""
    return upload_partition(upload_id), f"{ROW_ERRORS}{order:02d}#{line:09d}#{column or ''}{source}"


def upload_chunk(upload_id: str, chunk: str) -> Key:
    """The marker of a chunk applied once."""
    return upload_partition(upload_id), f"CHUNK#{chunk}"


def error_count(upload_id: str, code: str) -> Key:
    """An upload's rejected rows of one code."""
    return upload_partition(upload_id), f"{ERROR_COUNTS}{code}"


# A week page's entries, by the kind of record they show (the family's week view reads them back).
WEEK_ENTRIES = {"Lesson": "L#", "Homework": "H#", "Grade": "G#", "AttendanceMark": "A#"}


def week_entry(kind: str, entry_id: str) -> str:
    """The attribute of a week page that shows one lesson, homework, grade or mark."""
    return WEEK_ENTRIES[kind] + entry_id

