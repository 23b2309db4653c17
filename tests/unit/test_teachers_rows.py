"""Teachers not registered yet and teachers without an email, on rows (issue 14, item 4), without a database."""

from __future__ import annotations

from chalicelib.domain import import_format as fmt
from chalicelib.domain import import_rows, oneroster
from chalicelib.records.journal import Lesson
from chalicelib.records.school import PendingTeaching
from tests.functional import test_oneroster as files
from tests.unit.test_seam_school import offline_context


def test_a_teaching_without_an_address_is_read_and_warned_not_refused():
    assert fmt.KINDS["teachings"].read({"teacher_email": "", "class": "5А", "subject": "Математика"})[
        "teacher_email"] is None
    ctx = offline_context({"5а": "c1"}, {"математика": "s1"}, {})
    placed, refused = import_rows.build("teachings", [(0, {"teacher_email": None, "class": "5А",
                                                          "subject": "Математика"})], ctx)
    assert (placed, refused) == ([], [])
    assert ctx.warnings == [(0, "teacher_email", "teacher_without_email", None)]
    assert ctx.uninvited == set()  # nobody to invite


def test_a_teaching_of_an_address_not_of_the_school_waits_and_is_to_be_invited():
    ctx = offline_context({"5а": "c1"}, {"математика": "s1"}, {"new@school.ru": None})
    placed, refused = import_rows.build("teachings", [(3, {"teacher_email": "new@school.ru", "class": "5А",
                                                          "subject": "Математика"})], ctx)
    assert placed == [(3, PendingTeaching(school_id="school-1", email="new@school.ru", class_id="c1",
                                          subject_id="s1"))]
    assert refused == []
    assert ctx.warnings == [(3, "teacher_email", "teacher_pending", "new@school.ru")]
    assert ctx.uninvited == {"new@school.ru"}


def test_a_lesson_of_a_teacher_not_of_the_school_is_kept_without_one():
    ctx = offline_context({"5а": "c1"}, {"математика": "s1"}, {"new@school.ru": None})
    row = {"date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "class": "5А", "subject": "Математика",
           "teacher_email": "new@school.ru", "room": None, "topic": None}
    placed, refused = import_rows.build("schedule", [(0, row)], ctx)
    assert refused == []
    [(_, lesson)] = placed
    assert isinstance(lesson, Lesson) and lesson.teacher_id is None and lesson.class_id == "c1"
    assert ctx.warnings == [(0, "teacher_email", "teacher_pending", "new@school.ru")]


def test_a_oneroster_teacher_without_email_is_one_row_at_their_users_line():
    users = files.users("t@example.ru") + "t3,,,true,nomail,Ирина,Безадресная,,,\n"  # line 9
    roles = files.ROLES + "r8,,,t3,primary,teacher,org-1\n"
    enrollments = files.ENROLLMENTS + "e15,,,rus-5,org-1,t3,teacher,\ne16,,,math-5a,org-1,t3,teacher,\n"
    translated = oneroster.translate([("users.csv", users), ("roles.csv", roles), ("classes.csv", files.CLASSES),
                                      ("courses.csv", files.COURSES), ("enrollments.csv", enrollments),
                                      ("demographics.csv", files.DEMOGRAPHICS)])
    rows = translated.files["teachings"].splitlines()[1:]
    assert [r for r in rows if r.startswith("users.csv")] == ["users.csv:9,,,,,5А,Русский язык"]
    assert not [r for r in rows if r.startswith(("enrollments.csv:16", "enrollments.csv:17"))]
    # an error or warning on the teacher's address names OneRoster's column for it
    assert translated.columns["teachings"]["teacher_email"] == "email"
