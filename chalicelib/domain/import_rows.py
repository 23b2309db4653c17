"""How each kind of imported row becomes stored items, with its references resolved.

Keys come from what the school itself uses to identify a thing, so the same row always
lands on the same item: a student by the school's student id, a class or subject by its
name, a lesson by class, date, start and subject, a grade by the school's grade id, an event
by the school's event id and date, a parent meeting by class, date and start. Each is a keyed
hash under the school's id key (domain/identifiers.py), read once per chunk, so nobody outside
the school can compute them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import imported as store
from chalicelib.dal import schools as school_store
from chalicelib.domain import identifiers
from chalicelib.domain import import_format as fmt
from chalicelib.records.imported import Ended, Imported, Placed, Replacing, StudentLeaving
from chalicelib.records.journal import AttendanceMark, Grade, Homework, Lesson
from chalicelib.records.school import (
    NameClaim,
    PendingTeaching,
    RosterEntry,
    SchoolClass,
    Student,
    Subject,
    Teaching,
    Term,
)

Refusal = tuple[int, str | None, str]
Warning = tuple[int, str | None, str, str | None]  # (row, column, code, offending value): the row is taken


def stable_id(school_id: str, what: str, source: str) -> str:
    """The id an upload gives this thing of this school (reads the school's key: for tools, not per row)."""
    return identifiers.derived_id(identifiers.school_key(school_id), what, source)


class Context:
    """What a chunk needs to resolve names and ids, loaded once per chunk."""

    def __init__(self, school_id: str, upload_id: str) -> None:
        self.school_id = school_id
        self.upload_id = upload_id
        self._classes: dict[str, str] | None = None
        self._subjects: dict[str, str] | None = None
        self._teachers: dict[str, str | None] = {}
        self._key: str | None = None
        self.new_students: list[Student] = []
        self.leaving: list[StudentLeaving] = []
        self.warnings: list[Warning] = []
        self.uninvited: set[str] = set()  # addresses this chunk's teachings wait for (invited after the write)
        # Our own files name a lesson (date and start) a grade or a mark belongs to, which must be
        # scheduled; a translation from a format without lessons (OneRoster) dates them only.
        self.lessons_named = True

    def warn(self, row: int, column: str | None, code: str, value: str | None = None) -> None:
        """Note a row that is taken all the same (the report lists it apart from the refused ones);
        the value defaults to the row's cell in `column`."""
        self.warnings.append((row, column, code, value))

    def derived_id(self, what: str, source: str) -> str:
        """The id of a thing of this school named by the school's own id or name."""
        return identifiers.derived_id(self.key, what, source)

    @property
    def key(self) -> str:
        """The school's id key, read once per chunk."""
        if self._key is None:
            self._key = identifiers.school_key(self.school_id)
        return self._key

    def class_id(self, name: str) -> str | None:
        """A class of the school by name (case-insensitive)."""
        if self._classes is None:
            self._classes = {c.name.casefold(): c.class_id for c in school_store.classes_of(self.school_id)}
        return self._classes.get(name.casefold())

    def subject_id(self, name: str) -> str | None:
        """A subject of the school by name (case-insensitive)."""
        if self._subjects is None:
            self._subjects = {s.name.casefold(): s.subject_id for s in school_store.subjects_of(self.school_id)}
        return self._subjects.get(name.casefold())

    def teacher_id(self, email: str) -> str | None:
        """A teacher of the school by the email of their account; None for an address that is not
        one yet (no account, an unverified one, or one without the role here): its teachings wait
        for the first sign-in (domain/pending_teachers.py)."""
        email = email.strip().lower()  # accounts' addresses are lower-cased
        if email not in self._teachers:
            account_id = account_store.find_account_id(email)
            ok = account_id is not None and account_store.has_role(account_id, "teacher", self.school_id)
            self._teachers[email] = account_id if ok else None
        return self._teachers[email]

    def students(self, source_ids: list[str]) -> dict[str, Student]:
        """The school's students by the school's own ids (one BatchGetItem per 100)."""
        ids = {s: self.derived_id("student", s) for s in source_ids}
        found = store.students_by_id(self.school_id, ids.values())
        return {s: found[i] for s, i in ids.items() if i in found}

    def after_write(self) -> None:
        """Students new to the roster complete the applications that were waiting for them."""
        from chalicelib.domain import applications

        for student in self.new_students:
            applications.requeue_waiting(self.school_id, _roster_key(student))
        if self.uninvited:  # after the write, so the invitation never names teachings not stored
            from chalicelib.domain import pending_teachers

            pending_teachers.invite(self.school_id, self.uninvited)
        if self.leaving:
            _tell_parents(self.school_id, self.upload_id, self.leaving)


Builder = Callable[[list[tuple[int, dict[str, Any]]], Context], tuple[list[Placed], list[Refusal]]]


def _classes(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    items: list[Placed] = []
    for line, row in rows:
        class_id = ctx.class_id(row["name"]) or ctx.derived_id("class", row["name"].casefold())
        if row["grade_level"] is None:  # an ungraded group: taken, but the school should say its grade
            ctx.warn(line, "grade_level", "no_grade_level")
        items.append((line, SchoolClass(class_id=class_id, school_id=ctx.school_id, name=row["name"],
                                        grade_level=row["grade_level"])))
        items.append((line, NameClaim(ctx.school_id, "CLASS", row["name"], owner_id=class_id)))
    return items, []


def _subjects(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    items: list[Placed] = []
    for line, row in rows:
        subject_id = ctx.subject_id(row["name"]) or ctx.derived_id("subject", row["name"].casefold())
        items.append((line, Subject(subject_id=subject_id, school_id=ctx.school_id, name=row["name"])))
        items.append((line, NameClaim(ctx.school_id, "SUBJECT", row["name"], owner_id=subject_id)))
    return items, []


def _terms(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    stored = school_store.terms_of(ctx.school_id)
    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        term_id = ctx.derived_id("term", row["name"].casefold())
        others = [t for t in stored if t.term_id != term_id]
        if any(row["starts_on"] <= t.ends_on and t.starts_on <= row["ends_on"] for t in others):
            refused.append((line, "starts_on", "term_overlaps"))
            continue
        term = Term(term_id=term_id, school_id=ctx.school_id, name=row["name"], starts_on=row["starts_on"],
                    ends_on=row["ends_on"])
        stored.append(term)
        items.append((line, term))
    return items, refused


def _teachings(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    """A teaching of a teacher of the school is a Teaching; one of an address that is not a teacher
    here yet waits for that address's first sign-in, with a warning and an invitation; one with no
    address at all names nobody to invite: a warning, and nothing stored."""
    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        email = row["teacher_email"]
        if not email:
            ctx.warn(line, "teacher_email", "teacher_without_email")
            continue
        class_id, subject_id = ctx.class_id(row["class"]), ctx.subject_id(row["subject"])
        if class_id is None:
            refused.append((line, "class", "unknown_class"))
            continue
        if subject_id is None:
            refused.append((line, "subject", "unknown_subject"))
            continue
        teacher_id = ctx.teacher_id(email)
        if teacher_id is not None:
            items.append((line, Teaching(school_id=ctx.school_id, teacher_id=teacher_id, class_id=class_id,
                                         subject_id=subject_id)))
            continue
        items.append((line, PendingTeaching(school_id=ctx.school_id, email=email, class_id=class_id,
                                            subject_id=subject_id)))
        ctx.warn(line, "teacher_email", "teacher_pending", email)
        ctx.uninvited.add(email)
    return items, refused


def _students(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    items: list[Placed] = []
    refused: list[Refusal] = []
    known = ctx.students([r["student_id"] for _, r in rows])
    for line, row in rows:
        class_id = ctx.class_id(row["class"])
        if class_id is None:
            refused.append((line, "class", "unknown_class"))
            continue
        student_id = ctx.derived_id("student", row["student_id"])
        student = Student(student_id=student_id, school_id=ctx.school_id, class_id=class_id,
                          last_name=row["last_name"], first_name=row["first_name"], middle_name=row["middle_name"],
                          birth_date=row["birth_date"])
        items.append((line, student))
        entry = RosterEntry(ctx.school_id, _roster_key(student), student_id)
        before = known.get(row["student_id"])
        if before is not None and _roster_key(before) != entry.roster_key:
            # Renamed, or the birth date corrected: the entry under the old name goes in the same
            # write, or a parent applying under it would still be matched to this child.
            items.append((line, Replacing(entry, RosterEntry(ctx.school_id, _roster_key(before), student_id))))
            ctx.new_students.append(student)  # the new name may be what a waiting parent typed
        else:
            items.append((line, entry))
        if before is None or before.class_id != class_id:
            ctx.new_students.append(student)  # a new class may tell namesakes apart
    return items, refused


def _roster_key(student: Student) -> str:
    from chalicelib.domain.roster import roster_key

    return roster_key(student.last_name, student.first_name, student.middle_name, student.birth_date)


def _lesson_ref(row: dict[str, Any], ctx: Context, class_id: str | None) -> tuple[str | None, str | None, str]:
    """(class id, lesson id, refusal column) of a row naming a lesson."""
    subject_id = ctx.subject_id(row["subject"])
    if class_id is None:
        return None, None, "class"
    if subject_id is None:
        return None, None, "subject"
    return class_id, identifiers.lesson_id(ctx.key, class_id, row["date"], row["starts_at"], subject_id), ""


def _schedule(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        class_id, lesson_id, bad = _lesson_ref(row, ctx, ctx.class_id(row["class"]))
        teacher_id = ctx.teacher_id(row["teacher_email"]) if row["teacher_email"] else None
        if class_id is None or lesson_id is None:
            refused.append((line, bad, f"unknown_{bad}"))
            continue
        if row["teacher_email"] and teacher_id is None:
            # Not a teacher here yet: the lesson is kept without its teacher (a later upload, once
            # they have signed in, fills them in); the invitation comes with their teachings.
            ctx.warn(line, "teacher_email", "teacher_pending", row["teacher_email"])
        items.append((line, Lesson(school_id=ctx.school_id, class_id=class_id,
                                   subject_id=ctx.subject_id(row["subject"]), lesson_id=lesson_id, date=row["date"],
                                   teacher_id=teacher_id, starts_at=row["starts_at"], ends_at=row["ends_at"],
                                   room=row["room"], topic=row["topic"])))
    return items, refused


def _homework(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    wanted = []
    refused: list[Refusal] = []
    for line, row in rows:
        class_id, lesson_id, bad = _lesson_ref(row, ctx, ctx.class_id(row["class"]))
        if class_id is None or lesson_id is None:
            refused.append((line, bad, f"unknown_{bad}"))
        else:
            wanted.append((line, row, class_id, lesson_id))
    lessons = store.existing_lessons((c, lid) for _, _, c, lid in wanted)
    items: list[Placed] = []
    for line, row, class_id, lesson_id in wanted:
        if (class_id, lesson_id) not in lessons:
            refused.append((line, "date", "lesson_not_found"))
            continue
        items.append((line, Homework(school_id=ctx.school_id, class_id=class_id,
                                     subject_id=ctx.subject_id(row["subject"]), lesson_id=lesson_id, date=row["date"],
                                     text=row["text"], due_date=row["due_date"])))
    return items, refused


def _per_student(rows: list[tuple[int, dict[str, Any]]], ctx: Context,
                 make: Callable[[dict[str, Any], Student, str, str], Imported]) -> tuple[list[Placed], list[Refusal]]:
    known = ctx.students([r["student_id"] for _, r in rows])
    wanted = []
    refused: list[Refusal] = []
    for line, row in rows:
        student = known.get(row["student_id"])
        if student is None:
            refused.append((line, "student_id", "unknown_student"))
            continue
        _, lesson_id, bad = _lesson_ref(row, ctx, student.class_id)
        if lesson_id is None:
            refused.append((line, bad, f"unknown_{bad}"))
            continue
        wanted.append((line, row, student, lesson_id))
    # A grade at an hour the class has no lesson would be a phantom in the diary: one BatchGetItem a chunk.
    lessons = store.existing_lessons((s.class_id, lid) for _, _, s, lid in wanted) if ctx.lessons_named else None
    items: list[Placed] = []
    for line, row, student, lesson_id in wanted:
        if lessons is not None and (student.class_id, lesson_id) not in lessons:
            refused.append((line, "date", "lesson_not_found"))
            continue
        items.append((line, make(row, student, lesson_id, str(ctx.subject_id(row["subject"])))))
    return items, refused


def _grades(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    def make(row: dict[str, Any], student: Student, lesson_id: str, subject_id: str) -> Imported:
        return Grade(grade_id=identifiers.uploaded_grade_id(ctx.key, row["date"], row["grade_id"]),
                     school_id=ctx.school_id, class_id=student.class_id, student_id=student.student_id,
                     subject_id=subject_id, lesson_id=lesson_id, date=row["date"], value=row["value"],
                     weight=row["weight"], work_kind=row["work_kind"], remark=row["remark"])

    items, refused = _per_student(rows, ctx, make)
    taken = {line for line, _ in items}
    for line, row in rows:  # a grade is not lost for a long remark: it is kept, its remark cut, and said so
        if row.get("remark_cut") and line in taken:
            ctx.warn(line, "remark", "cut_to_limit")
    return items, refused


def _attendance(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    def make(row: dict[str, Any], student: Student, lesson_id: str, subject_id: str) -> Imported:
        return AttendanceMark(school_id=ctx.school_id, class_id=student.class_id, student_id=student.student_id,
                              subject_id=subject_id, lesson_id=lesson_id, date=row["date"], mark=row["mark"],
                              excused=row["excused"], minutes_late=row["minutes_late"])

    return _per_student(rows, ctx, make)


def _attestation(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    from chalicelib.domain import attestation

    known = ctx.students([r["student_id"] for _, r in rows])
    terms = {t.name.casefold(): t.term_id for t in school_store.terms_of(ctx.school_id)}
    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        student, subject_id = known.get(row["student_id"]), ctx.subject_id(row["subject"])
        period = "final" if row["period"] == "final" else terms.get(row["period"].casefold())
        if student is None:
            refused.append((line, "student_id", "unknown_student"))
        elif subject_id is None:
            refused.append((line, "subject", "unknown_subject"))
        elif period is None:
            refused.append((line, "period", "unknown_term"))
        else:
            items.append((line, attestation.make(ctx.school_id, student.class_id, student.student_id, subject_id,
                                                 period, row["result"], f"upload:{ctx.upload_id}",
                                                 source=f"upload:{ctx.upload_id}")))
    return items, refused


def _events(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    from chalicelib.domain import school_life

    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        class_ids = [ctx.class_id(name) for name in row["classes"]]
        if None in class_ids:
            refused.append((line, "classes", "unknown_class"))
            continue
        event_id = ctx.derived_id("event", row["event_id"])
        items.append((line, school_life.new_event(ctx.school_id, event_id, sorted(str(c) for c in class_ids), row,
                                                   f"upload:{ctx.upload_id}")))
    return items, refused


def _meetings(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    from chalicelib.domain import school_life

    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        class_id = ctx.class_id(row["class"])
        if class_id is None:
            refused.append((line, "class", "unknown_class"))
            continue
        # The school's own id, when its file has one, follows a meeting to another date; without it a
        # class meets its parents once at a time: class, date and hour are the meeting's identity.
        source = f"id:{row['meeting_id']}" if row.get("meeting_id") else f"{class_id}#{row['date']}#{row['starts_at']}"
        meeting_id = ctx.derived_id("meeting", source)
        items.append((line, school_life.new_meeting(ctx.school_id, class_id, meeting_id, row,
                                                     f"upload:{ctx.upload_id}")))
    return items, refused


def _departures(rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    """What the school's system ended, as removals of what is stored; what is gone already, or was
    never here, is nothing to do (a repeated upload changes nothing and tells no one)."""
    from chalicelib.dal import children as child_store

    known = ctx.students([r["student_id"] for _, r in rows if r["student_id"]])
    leaving = {r["student_id"] for _, r in rows if r["what"] == "student"}
    terms = {t.term_id: t for t in school_store.terms_of(ctx.school_id)} if any(
        r["what"] == "term" for _, r in rows) else {}
    items: list[Placed] = []
    refused: list[Refusal] = []
    for line, row in rows:
        what, student = row["what"], known.get(row["student_id"] or "")
        if what == "student" and student is not None:
            departure = StudentLeaving(student, _roster_key(student), tuple(child_store.links_of_child(
                student.student_id)), f"upload:{ctx.upload_id}")
            items.append((line, departure))
            ctx.leaving.append(departure)
        elif what == "enrolment":
            class_id = ctx.class_id(row["class"])
            if class_id is None:
                refused.append((line, "class", "unknown_class"))
            elif student is not None and student.class_id == class_id and row["student_id"] not in leaving:
                items.append((line, replace(student, class_id="")))  # on the school's roster, in no class
        elif what == "term":
            term = terms.get(ctx.derived_id("term", row["term"].casefold()))
            if term is not None:
                items.append((line, Ended(term)))
        elif what == "teaching":
            teacher_id = ctx.teacher_id(row["teacher_email"])
            class_id, subject_id = ctx.class_id(row["class"]), ctx.subject_id(row["subject"])
            if teacher_id and class_id and subject_id:
                items.append((line, Ended(Teaching(ctx.school_id, teacher_id, class_id, subject_id))))
        elif what == "class":
            class_id = ctx.class_id(row["class"])
            if class_id is None:
                refused.append((line, "class", "unknown_class"))
            else:  # the class itself stays, with its students and journal: only who teaches it ends
                items += [(line, Ended(t)) for t in school_store.class_teachings(ctx.school_id, class_id)]
    return items, refused


def _tell_parents(school_id: str, upload_id: str, leaving: list[StudentLeaving]) -> None:
    """Each parent of a child who left is told once (the outbox sends a key once)."""
    from chalicelib.dal import outbox

    school = school_store.find_school(school_id)
    for departure in leaving:
        student = departure.student
        for link in departure.links:
            account = account_store.get_account(link.account_id) if link.is_parent else None
            if account is None or account.email_suppressed:
                continue
            outbox.send_email(
                to=account.email, template="student_left", language=account.language or "ru",
                data={"name": account.name, "child_name": f"{student.last_name} {student.first_name}",
                      "school_name": school.name if school else ""},
                dedupe_key=f"student-left:{upload_id}:{student.student_id}:{account.account_id}")


BUILDERS: dict[str, Builder] = {
    "classes": _classes, "subjects": _subjects, "terms": _terms, "teachings": _teachings, "students": _students,
    "schedule": _schedule, "homework": _homework, "grades": _grades, "attendance": _attendance,
    "attestation": _attestation, "events": _events, "meetings": _meetings, "departures": _departures,
}
assert set(BUILDERS) == set(fmt.KINDS)


def build(kind: str, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> tuple[list[Placed], list[Refusal]]:
    """The records for a chunk's good rows, each with its row, and the rows refused for what they refer to."""
    return BUILDERS[kind](rows, ctx)
