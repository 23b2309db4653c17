"""Issue 14, item 10: in our own CSV set a grade or an attendance mark belongs to a scheduled lesson;
one at an hour the class has none is a row error (`lesson_not_found`), not a phantom lesson. OneRoster
has no lessons: its grades keep their date."""

from __future__ import annotations

from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import AttendanceMark, Grade
from chalicelib.domain.import_rows import stable_id
from tests.functional import test_end_scores, test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, upload, zipped
from tests.journeys import get

school = test_uploads.school  # a school with a registered teacher and its system's token

GRADES = ("grade_id,student_id,date,starts_at,subject,value\n"
          "G-1,S-001,2026-09-07,08:30,Математика,5\n"   # the lesson of the schedule
          "G-2,S-001,2026-09-07,12:00,Математика,4\n"   # no lesson at noon
          "G-3,S-002,2026-09-08,08:30,Математика,3\n"   # nor the next day
          "G-4,S-003,2026-09-07,08:30,Математика,4\n"   # 6Б has no lesson then (5А has)
          "G-5,S-002,2026-09-07,09:25,Русский язык,5\n")
ATTENDANCE = ("student_id,date,starts_at,subject,mark,excused,minutes_late\n"
              "S-002,2026-09-07,09:25,Русский язык,late,,7\n"
              "S-001,2026-09-07,09:25,Математика,absent,да,\n"  # Russian, not maths, at 09:25
              "S-003,2026-09-09,08:30,Математика,absent,,\n")


def day_items(school_id: str, student: str, kind: type) -> list:
    pupil = stable_id(school_id, "student", student)
    return [i for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30") if isinstance(i, kind)]


def test_grades_and_marks_off_the_schedule_are_lesson_not_found(client, pump, school):
    # Given the roster and a Monday of 5А: maths at 08:30, Russian at 09:25
    base = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": STUDENTS,
                   "schedule.csv": test_uploads.schedule(school["teacher"])})
    assert upload(client, pump, school, "base.zip", base)["state"] == "done"
    body = zipped({"grades.csv": GRADES, "attendance.csv": ATTENDANCE})
    # When grades and marks come, some at hours the class has no such lesson
    status = upload(client, pump, school, "journal.zip", body)
    # Then those are refused, each at its file and line, and the others land on their lessons
    assert (status["state"], status["rows_total"], status["rows_done"], status["rows_rejected"]) == ("done", 8, 3, 5)
    assert status["rejected_by_code"] == {"lesson_not_found": 5}
    assert [(e["file"], e["line"], e["column"], e["code"], e["value"]) for e in status["errors"]] == [
        ("grades.csv", 3, "date", "lesson_not_found", "2026-09-07"),
        ("grades.csv", 4, "date", "lesson_not_found", "2026-09-08"),
        ("grades.csv", 5, "date", "lesson_not_found", "2026-09-07"),
        ("attendance.csv", 3, "date", "lesson_not_found", "2026-09-07"),
        ("attendance.csv", 4, "date", "lesson_not_found", "2026-09-09"),
    ]
    assert [g.value for g in day_items(school["id"], "S-001", Grade)] == [5]
    assert [g.value for g in day_items(school["id"], "S-002", Grade)] == [5]
    assert day_items(school["id"], "S-003", Grade) == [] and day_items(school["id"], "S-003", AttendanceMark) == []
    assert [m.mark for m in day_items(school["id"], "S-002", AttendanceMark)] == ["late"]
    assert day_items(school["id"], "S-001", AttendanceMark) == []
    # and no lesson appeared at noon
    class_5a = next(c["class_id"] for c in get(client, f"/schools/{school['id']}/classes", school["admin"])
                    .json_body["items"] if c["name"] == "5А")
    lessons = get(client, f"/schools/{school['id']}/classes/{class_5a}/lessons?from=2026-09-07&to=2026-09-08",
                  school["admin"]).json_body["items"]
    assert [lesson["starts_at"] for lesson in lessons] == ["08:30", "09:25"]
    # When the same file comes again / Then nothing changes
    again = upload(client, pump, school, "journal.zip", body)
    assert (again["rows_done"], again["rows_rejected"], again["rows_changed"]) == (3, 5, 0)


def test_oneroster_grades_keep_their_date_without_a_lesson(client, pump, school):
    # Given no schedule at all / When a OneRoster package brings results
    status = upload(client, pump, school, "oneroster.zip", test_end_scores.package())
    # Then its dated grades land (no lesson_not_found for a format without lessons)
    assert status["state"] == "done"
    assert "lesson_not_found" not in status["rejected_by_code"]
    assert (status["rows_done"], status["rows_rejected"]) == (7, 9)
    assert [(g.date, g.value) for g in sorted(day_items(school["id"], "s1", Grade), key=lambda g: g.value)] == [
        ("2026-09-15", 4), ("2026-09-15", 5)]
    again = upload(client, pump, school, "oneroster.zip", test_end_scores.package())
    assert again["rows_changed"] == 0
