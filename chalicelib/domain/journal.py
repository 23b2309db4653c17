"""The journal: the schedule (administrators), and what teachers post for the classes and
subjects they teach — lesson topics, homework, grades with remarks, attendance marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.dal import journal as store
from chalicelib.dal import schools as school_store
from chalicelib.dal.accounts import has_role
from chalicelib.domain import identifiers
from chalicelib.domain.tokens import Caller
from chalicelib.errors import ConflictError, DiaryError, ForbiddenError, NotFoundError
from chalicelib.records.journal import AttendanceMark, Grade, Homework, Lesson

JournalRecord = Lesson | Homework | Grade | AttendanceMark

WORK_KINDS = ("classwork", "homework", "test", "control", "oral", "lab", "essay", "dictation", "project", "other")
MARKS = ("absent", "late")


# --- who may write --------------------------------------------------------------------


def require_teacher_of(caller: Caller, school_id: str, class_id: str, subject_id: str) -> None:
    """Only a teacher who teaches this subject to this class writes its journal."""
    if not school_store.is_teaching(school_id, caller.account_id, class_id, subject_id):
        raise ForbiddenError(code="not_your_class")


def _lesson(school_id: str, class_id: str, lesson_id: str) -> Lesson:
    lesson = store.find_lesson(class_id, lesson_id)
    if lesson is None or lesson.school_id != school_id:
        raise NotFoundError(code="lesson_not_found")
    return lesson


def _student_in(school_id: str, class_id: str, student_id: str) -> None:
    student = school_store.find_student(school_id, student_id)
    if student is None or student.class_id != class_id:
        raise NotFoundError(field="student_id", code="student_not_in_class")


def _check_version(record: JournalRecord, expected: int | None, current: dict[str, Any] | None = None) -> None:
    # The client says which version it edited; anything else means someone changed it since.
    # `current`: the record as it is now, so the client can show both values and let its user choose.
    if expected is not None and record.version != expected:
        raise ConflictError(field="version", code="stale_version", current=current)


def _stale_grade(student_id: str, grade_id: str) -> ConflictError:
    # Lost the race past the version check: the 409 still names the grade as it is now (or null: deleted).
    now = store.find_grade(student_id, grade_id)
    return ConflictError(field="version", code="stale_version", current=grade_view(now) if now else None)


def _stale_homework(class_id: str, lesson_id: str) -> ConflictError:
    now = store.find_homework(class_id, lesson_id)
    return ConflictError(field="version", code="stale_version", current=homework_view(now) if now else None)


# --- views ----------------------------------------------------------------------------


def _facts(view: dict[str, Any]) -> dict[str, Any]:
    # What the history records of a new record: its content, not its bookkeeping.
    return {k: v for k, v in view.items() if k != "version"}


def lesson_view(item: Lesson, homework: Homework | None = None) -> dict[str, Any]:
    """A lesson as the API shows it."""
    return {
        "lesson_id": item.lesson_id, "class_id": item.class_id, "subject_id": item.subject_id,
        "teacher_id": item.teacher_id, "date": item.date, "starts_at": item.starts_at, "ends_at": item.ends_at,
        "room": item.room, "topic": item.topic, "cancelled": item.cancelled, "version": item.version,
        "homework": homework_view(homework) if homework else None,
    }


def homework_view(item: Homework) -> dict[str, Any]:
    """Homework as the API shows it."""
    return {"lesson_id": item.lesson_id, "text": item.text, "due_date": item.due_date, "version": item.version}


def grade_view(item: Grade) -> dict[str, Any]:
    """A grade as the API shows it."""
    return {
        "grade_id": item.grade_id, "student_id": item.student_id, "class_id": item.class_id,
        "lesson_id": item.lesson_id,
        "subject_id": item.subject_id, "date": item.date, "value": int(item.value), "weight": int(item.weight),
        "work_kind": item.work_kind, "remark": item.remark, "version": item.version,
    }


def mark_view(item: AttendanceMark) -> dict[str, Any]:
    """An attendance mark as the API shows it."""
    return {
        "student_id": item.student_id, "lesson_id": item.lesson_id, "date": item.date, "mark": item.mark,
        "excused": item.excused, "minutes_late": item.minutes_late, "version": item.version,
    }


# --- the schedule (administrators) ----------------------------------------------------


def assigned_teacher(school_id: str, class_id: str, subject_id: str) -> str | None:
    """The teacher a lesson gets when the administrator names none: the one assigned to the class
    and subject. Several assigned (a class split into groups) is a choice only the school can
    make, so the lesson is left without a teacher, as with none."""
    assigned = school_store.teachers_of(school_id, class_id, subject_id)
    return assigned[0] if len(assigned) == 1 else None


def schedule_lesson(caller: Caller, school_id: str, class_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Put a lesson on a class's schedule."""
    if not school_store.has_class(school_id, class_id):
        raise NotFoundError(code="class_not_found")
    if not school_store.has_subject(school_id, data["subject_id"]):
        raise NotFoundError(field="subject_id", code="subject_not_found")
    teacher_id = data.get("teacher_id") or assigned_teacher(school_id, class_id, data["subject_id"])
    if teacher_id and not has_role(teacher_id, "teacher", school_id):
        raise NotFoundError(field="teacher_id", code="teacher_not_found")
    if data["ends_at"] <= data["starts_at"]:
        raise DiaryError(field="ends_at", code="lesson_times")
    # The same id an uploaded schedule row gives this lesson, so posting and uploading meet.
    lesson_id = identifiers.lesson_id(identifiers.school_key(school_id), class_id, data["date"].isoformat(),
                                      data["starts_at"], data["subject_id"])
    lesson = Lesson(school_id=school_id, class_id=class_id, subject_id=data["subject_id"], lesson_id=lesson_id,
                    date=data["date"].isoformat(), teacher_id=teacher_id, starts_at=data["starts_at"],
                    ends_at=data["ends_at"], room=data.get("room"))
    store.add(lesson, caller.account_id, _facts(lesson_view(lesson)),
                 ConflictError(field="starts_at", code="lesson_exists"))
    return lesson_view(lesson)


def change_schedule(caller: Caller, school_id: str, class_id: str, lesson_id: str,
                    changes: dict[str, Any]) -> dict[str, Any]:
    """Move, reassign or cancel a lesson: a schedule change families are told about."""
    lesson = _lesson(school_id, class_id, lesson_id)
    _check_version(lesson, changes.pop("version", None))
    teacher_id = changes.get("teacher_id")
    if teacher_id and not has_role(teacher_id, "teacher", school_id):
        raise NotFoundError(field="teacher_id", code="teacher_not_found")
    before = {k: getattr(lesson, k) for k in changes}
    for key, value in changes.items():
        setattr(lesson, key, value)
    if lesson.ends_at <= lesson.starts_at:
        raise DiaryError(field="ends_at", code="lesson_times")
    store.change(lesson, caller.account_id, "cancelled" if changes.get("cancelled") else "schedule_change",
                      before, changes)
    return lesson_view(lesson)


def has_marks(school_id: str, class_id: str, lesson: Lesson) -> bool:
    """Whether any pupil of the class has a grade or an attendance mark at the lesson: one Query of
    the roster and one of each pupil's day (a move is rare; grades hang on the lesson's id)."""
    for student in school_store.whole_roster(school_id, class_id):
        if any(r.lesson_id == lesson.lesson_id for r in store.student_records(student.student_id, lesson.date,
                                                                                lesson.date)):
            return True
    return False


def move_lesson(caller: Caller, school_id: str, class_id: str, lesson_id: str,
                data: dict[str, Any]) -> dict[str, Any]:
    """Move a lesson to another day («перенос урока»): the lesson's id starts with its date, so the
    moved lesson is a new one (same subject, teacher, room unless changed) and the old one is
    cancelled, both in one transaction. A lesson already graded or marked stays where it is."""
    lesson = _lesson(school_id, class_id, lesson_id)
    _check_version(lesson, data["version"], lesson_view(lesson))
    if lesson.cancelled:
        raise ConflictError(code="lesson_cancelled")
    day = data["date"].isoformat()
    if day == lesson.date:
        raise DiaryError(field="date", code="same_day")
    if data["ends_at"] <= data["starts_at"]:
        raise DiaryError(field="ends_at", code="lesson_times")
    teacher_id = data.get("teacher_id", lesson.teacher_id)
    if teacher_id and not has_role(teacher_id, "teacher", school_id):
        raise NotFoundError(field="teacher_id", code="teacher_not_found")
    if has_marks(school_id, class_id, lesson):
        raise ConflictError(field="date", code="lesson_has_marks")
    new_id = identifiers.lesson_id(identifiers.school_key(school_id), class_id, day, data["starts_at"],
                                   lesson.subject_id or "")
    moved = Lesson(school_id=school_id, class_id=class_id, subject_id=lesson.subject_id, lesson_id=new_id,
                   date=day, teacher_id=teacher_id, starts_at=data["starts_at"], ends_at=data["ends_at"],
                   room=data.get("room", lesson.room), topic=lesson.topic)
    lesson.cancelled = True
    try:
        store.move(lesson, moved, caller.account_id, _facts(lesson_view(moved)))
    except ConflictError as lost:
        now = store.find_lesson(class_id, lesson_id)
        if now is not None and now.version == data["version"]:
            raise ConflictError(field="date", code="lesson_exists") from lost
        raise ConflictError(field="version", code="stale_version",
                            current=lesson_view(now) if now else None) from lost
    return {"lesson": lesson_view(moved), "cancelled": lesson_view(lesson)}


def class_lessons(school_id: str, class_id: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """A class's lessons between two dates, with the homework set at each, in time order."""
    if (last - first).days > 62:
        raise DiaryError(field="to", code="range_too_long")
    if not school_store.has_class(school_id, class_id):
        raise NotFoundError(code="class_not_found")
    items = store.class_records(class_id, first.isoformat(), last.isoformat())
    homework = {i.lesson_id: i for i in items if isinstance(i, Homework)}
    lessons = sorted((i for i in items if isinstance(i, Lesson)), key=lambda x: (x.date, x.starts_at))
    return [lesson_view(x, homework.get(x.lesson_id)) for x in lessons]


# --- what teachers post ---------------------------------------------------------------


def set_topic(caller: Caller, school_id: str, class_id: str, lesson_id: str, topic: str,
              version: int | None) -> dict[str, Any]:
    """The lesson's topic, as taught."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    _check_version(lesson, version, lesson_view(lesson, store.find_homework(class_id, lesson_id)))
    before = {"topic": lesson.topic}
    lesson.topic = topic
    try:
        store.change(lesson, caller.account_id, "corrected" if before["topic"] else "created", before,
                     {"topic": topic})
    except ConflictError as lost:  # lost the race past the check: still say what it is now
        now = store.find_lesson(class_id, lesson_id)
        raise ConflictError(field="version", code="stale_version",
                            current=lesson_view(now) if now else None) from lost
    return lesson_view(lesson)


def set_homework(caller: Caller, school_id: str, class_id: str, lesson_id: str, text: str, due_date: dt.date,
                 version: int | None) -> dict[str, Any]:
    """Set or correct the homework given at a lesson."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    if due_date.isoformat() < lesson.date:
        raise DiaryError(field="due_date", code="due_before_lesson")
    existing = store.find_homework(class_id, lesson_id)
    after = {"text": text, "due_date": due_date.isoformat()}
    if existing is None:
        item = Homework(school_id=school_id, class_id=class_id, subject_id=lesson.subject_id, lesson_id=lesson_id,
                        date=lesson.date, text=text, due_date=due_date.isoformat())
        try:
            store.add(item, caller.account_id, after, ConflictError(field="version", code="stale_version"))
        except ConflictError as lost:  # set by someone else meanwhile
            raise _stale_homework(class_id, lesson_id) from lost
        return homework_view(item)
    _check_version(existing, version, homework_view(existing))
    before = {"text": existing.text, "due_date": existing.due_date}
    existing.text, existing.due_date = text, due_date.isoformat()
    try:
        store.change(existing, caller.account_id, "corrected", before, after)
    except ConflictError as lost:
        raise _stale_homework(class_id, lesson_id) from lost
    return homework_view(existing)


def remove_homework(caller: Caller, school_id: str, class_id: str, lesson_id: str, version: int | None) -> None:
    """Take back homework set by mistake (the history keeps it)."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    existing = store.find_homework(class_id, lesson_id)
    if existing is None:
        raise NotFoundError(code="homework_not_found")
    _check_version(existing, version, homework_view(existing))
    try:
        store.remove(existing, caller.account_id, homework_view(existing))
    except ConflictError as lost:
        raise _stale_homework(class_id, lesson_id) from lost


def post_grade(caller: Caller, school_id: str, class_id: str, lesson_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A grade for a student of the class at a lesson of the teacher's subject."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    _student_in(school_id, class_id, data["student_id"])
    grade = Grade(grade_id=identifiers.new_grade_id(lesson.date), school_id=school_id, class_id=class_id,
                  student_id=data["student_id"], subject_id=lesson.subject_id or "", lesson_id=lesson_id,
                  date=lesson.date, value=data["value"], weight=data["weight"], work_kind=data["work_kind"],
                  remark=data.get("remark"), teacher_id=caller.account_id)
    store.add(grade, caller.account_id, _facts(grade_view(grade)), ConflictError(code="grade_exists"))
    return grade_view(grade)


def _grade(caller: Caller, school_id: str, student_id: str, grade_id: str) -> Grade:
    grade = store.find_grade(student_id, grade_id)
    if grade is None or grade.school_id != school_id:
        raise NotFoundError(code="grade_not_found")
    require_teacher_of(caller, school_id, grade.class_id or "", grade.subject_id or "")
    return grade


def correct_grade(caller: Caller, school_id: str, student_id: str, grade_id: str,
                  changes: dict[str, Any]) -> dict[str, Any]:
    """Correct a grade's value, weight, kind or remark; the history keeps the old values."""
    grade = _grade(caller, school_id, student_id, grade_id)
    _check_version(grade, changes.pop("version"), grade_view(grade))
    before = {k: getattr(grade, k) for k in changes}
    for key, value in changes.items():
        setattr(grade, key, value)
    try:
        store.change(grade, caller.account_id, "corrected", before, changes)
    except ConflictError as lost:
        raise _stale_grade(student_id, grade_id) from lost
    return grade_view(grade)


def delete_grade(caller: Caller, school_id: str, student_id: str, grade_id: str, version: int) -> None:
    """Remove a grade posted by mistake; the history keeps it."""
    grade = _grade(caller, school_id, student_id, grade_id)
    _check_version(grade, version, grade_view(grade))
    try:
        store.remove(grade, caller.account_id, grade_view(grade))
    except ConflictError as lost:
        raise _stale_grade(student_id, grade_id) from lost


def grade_history(caller: Caller, school_id: str, student_id: str, grade_id: str) -> list[dict[str, Any]]:
    """Who changed a grade, what and when (also after it was deleted)."""
    import json

    from chalicelib.dal.accounts import get_account

    # A grade lives under its student, and a student under one school: the student must be the path's
    # school's (also for an administrator, and also once the grade itself is deleted).
    if school_store.find_student(school_id, student_id) is None:
        raise NotFoundError(code="grade_not_found")
    entries = store.grade_history(student_id, grade_id)
    if not entries:
        raise NotFoundError(code="grade_not_found")
    if not caller.is_admin_of(school_id):
        first = json.loads(entries[0].after or "{}")
        require_teacher_of(caller, school_id, first.get("class_id") or "", first.get("subject_id") or "")
    names: dict[str, str] = {}
    out = []
    for entry in entries:
        if entry.changed_by not in names:
            account = get_account(entry.changed_by)
            names[entry.changed_by] = account.name if account else entry.changed_by
        out.append({"when": entry.created_at, "changed_by": names[entry.changed_by], "action": entry.action,
                    "before": json.loads(entry.before) if entry.before else None,
                    "after": json.loads(entry.after) if entry.after else None})
    return out


def grade_lesson(caller: Caller, school_id: str, class_id: str, lesson_id: str,
                 items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A lesson's column at once. Each item is one write of its own (a grade posted or corrected, or an
    attendance mark), checked and refused on its own: a refused item writes nothing, the others stand.
    Only a pupil of another class (or school) refuses the whole column, before anything is written."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    for n, item in enumerate(items):  # a column of this class: a pupil of another refuses it whole, unwritten
        try:
            _student_in(school_id, class_id, item["student_id"])
        except NotFoundError as stranger:
            raise NotFoundError(field=f"items.{n}.student_id", code="student_not_in_class") from stranger
    out: list[dict[str, Any]] = []
    for item in items:
        student_id = item["student_id"]
        try:
            if item.get("mark"):
                out.append({"student_id": student_id, "status": 200, "attendance": mark_attendance(
                    caller, school_id, class_id, lesson_id, student_id,
                    {"mark": item["mark"], "excused": False, "version": item.get("version")})})
            elif item.get("grade_id"):
                grade = _grade(caller, school_id, student_id, item["grade_id"])
                if grade.lesson_id != lesson_id:
                    raise NotFoundError(field="grade_id", code="grade_not_found")
                changes: dict[str, Any] = {k: item[k] for k in ("value", "weight", "work_kind", "remark") if k in item}
                out.append({"student_id": student_id, "status": 200, "grade": correct_grade(
                    caller, school_id, student_id, item["grade_id"], {**changes, "version": item["version"]})})
            else:
                out.append({"student_id": student_id, "status": 201, "grade": post_grade(
                    caller, school_id, class_id, lesson_id, {
                        "student_id": student_id, "value": item["value"], "weight": item.get("weight") or 1,
                        "work_kind": item.get("work_kind") or "classwork", "remark": item.get("remark")})})
        except DiaryError as refused:
            out.append({"student_id": student_id, "status": refused.status, "code": refused.code,
                        "field": refused.field, "current": refused.params.get("current"), "error": refused})
    return out


def mark_attendance(caller: Caller, school_id: str, class_id: str, lesson_id: str, student_id: str,
                    data: dict[str, Any]) -> dict[str, Any]:
    """Absent or late at a lesson, excused or not; setting it again corrects it."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    _student_in(school_id, class_id, student_id)
    minutes = data.get("minutes_late") if data["mark"] == "late" else None
    after = {"mark": data["mark"], "excused": data["excused"], "minutes_late": minutes}
    existing = store.find_mark(student_id, lesson_id)
    if existing is None:
        item = AttendanceMark(school_id=school_id, class_id=class_id, student_id=student_id,
                              subject_id=lesson.subject_id or "", lesson_id=lesson_id, date=lesson.date,
                              mark=data["mark"], excused=data["excused"], minutes_late=minutes)
        store.add(item, caller.account_id, after, ConflictError(field="version", code="stale_version"))
        return mark_view(item)
    _check_version(existing, data.get("version"), mark_view(existing))
    before = {"mark": existing.mark, "excused": existing.excused, "minutes_late": existing.minutes_late}
    existing.mark, existing.excused, existing.minutes_late = data["mark"], data["excused"], minutes
    store.change(existing, caller.account_id, "corrected", before, after)
    return mark_view(existing)


def clear_attendance(caller: Caller, school_id: str, class_id: str, lesson_id: str, student_id: str,
                     version: int | None) -> None:
    """The student was there after all."""
    lesson = _lesson(school_id, class_id, lesson_id)
    require_teacher_of(caller, school_id, class_id, lesson.subject_id or "")
    _student_in(school_id, class_id, student_id)
    existing = store.find_mark(student_id, lesson_id)
    if existing is None or existing.class_id != class_id or existing.school_id != school_id:
        raise NotFoundError(code="mark_not_found")
    _check_version(existing, version, mark_view(existing))
    store.remove(existing, caller.account_id, mark_view(existing))
