"""Issue 14, items 8 and 9: scores exporters really write (NaN, inf, 105 of 100, 0) are row errors with
their value, never a crash that wedges the upload nor a silent 5 or 1; through the real pipeline."""

from __future__ import annotations

from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import Grade
from chalicelib.domain.import_rows import stable_id
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, upload, zipped

school = test_uploads.school  # a school with a registered teacher and its system's token

HEAD = "sourcedId,status,dateLastModified,"
USERS = HEAD + """enabledUser,username,givenName,familyName,middleName,email,grades
s1,,,true,s1,Пётр,Иванов,Сергеевич,,05
s2,,,true,s2,Дарья,Алексеева,,,05
"""
COURSES = HEAD + "title,grades,subjects\nc-hr,,,Классный час,05,\nc-math,,,Математика 5,05,Математика\n"
CLASSES_1R = HEAD + """title,grades,courseSourcedId,classCode,classType
hr-5a,,,5А,05,c-hr,5A,homeroom
math-5a,,,Математика 5А,05,c-math,M5A,scheduled
"""
ENROLLMENTS = HEAD + """classSourcedId,userSourcedId,role
e1,,,hr-5a,s1,student
e2,,,hr-5a,s2,student
e3,,,math-5a,s1,student
e4,,,math-5a,s2,student
"""
DEMOGRAPHICS = HEAD + "birthDate\ns1,,,2015-03-14\ns2,,,2015-07-02\n"
LINE_ITEMS = HEAD + """title,classSourcedId,resultValueMin,resultValueMax
li-5,,,Ответ у доски,math-5a,1,5
li-100,,,Тест,math-5a,0,100
li-any,,,Самостоятельная,math-5a,,
"""
RESULTS = HEAD + """lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate
r1,,,li-5,s1,fully graded,5,2026-09-15
r2,,,li-100,s1,fully graded,73,2026-09-15
r3,,,li-5,s2,fully graded,NaN,2026-09-15
r4,,,li-5,s2,fully graded,nan,2026-09-16
r5,,,li-100,s1,fully graded,inf,2026-09-16
r6,,,li-100,s2,fully graded,-inf,2026-09-16
r7,,,li-any,s1,fully graded,Infinity,2026-09-17
r8,,,li-100,s2,fully graded,105,2026-09-17
r9,,,li-5,s1,fully graded,6,2026-09-17
r10,,,li-100,s1,fully graded,0,2026-09-18
r11,,,li-5,s2,fully graded,-1,2026-09-18
r12,,,li-any,s2,fully graded,"4,5",2026-09-18
"""


def package(**replace: str) -> bytes:
    files = {"users.csv": USERS, "courses.csv": COURSES, "classes.csv": CLASSES_1R, "enrollments.csv": ENROLLMENTS,
             "demographics.csv": DEMOGRAPHICS, "lineItems.csv": LINE_ITEMS, "results.csv": RESULTS}
    return zipped(files | replace)


def marks(school_id: str, student: str) -> list[tuple[str, int]]:
    pupil = stable_id(school_id, "student", student)
    return sorted((g.date, g.value) for g in journal_store.student_days(pupil, "2026-09-01", "2026-09-30")
                  if isinstance(g, Grade))


def test_nan_inf_and_scores_off_the_scale_are_row_errors_and_the_upload_ends_done(client, pump, school):
    # Given a OneRoster package as a pandas-based exporter writes it / When it is uploaded
    status = upload(client, pump, school, "oneroster.zip", package())
    # Then it ends done: 1 class, 1 subject, 2 students and 3 of the 12 results are taken
    assert status["state"] == "done", status
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (16, 7, 9)
    assert status["rejected_by_code"] == {"not_a_number": 5, "out_of_range": 4}
    results = [(e["line"], e["column"], e["code"], e["severity"], e["value"])
               for e in status["errors"] if e["file"] == "results.csv"]
    assert results == [
        (4, "score", "not_a_number", "rejected", "NaN"), (5, "score", "not_a_number", "rejected", "nan"),
        (6, "score", "not_a_number", "rejected", "inf"), (7, "score", "not_a_number", "rejected", "-inf"),
        (8, "score", "not_a_number", "rejected", "Infinity"), (9, "score", "out_of_range", "rejected", "105"),
        (10, "score", "out_of_range", "rejected", "6"), (11, "score", "out_of_range", "rejected", "0"),
        (12, "score", "out_of_range", "rejected", "-1"),
    ]
    # and no refused score became a 5 or a 1: s1 has its 5 and 73/100 → 4, s2 only 4,5 → 5
    assert marks(school["id"], "s1") == [("2026-09-15", 4), ("2026-09-15", 5)]
    assert marks(school["id"], "s2") == [("2026-09-18", 5)]
    # When the same package comes again / Then nothing changes and the report is the same
    again = upload(client, pump, school, "oneroster.zip", package())
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_changed"]) == ("done", 7, 9, 0)
    assert [(e["line"], e["code"], e["value"]) for e in again["errors"] if e["file"] == "results.csv"] == [
        (line, code, value) for line, _, code, _, value in results]


def test_a_line_item_whose_maximum_is_no_number_refuses_its_results_with_that_value(client, pump, school):
    items = LINE_ITEMS.replace("math-5a,0,100", "math-5a,0,NaN").replace("math-5a,1,5", "math-5a,1,0")
    results = HEAD + ("lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate\n"
                      "r1,,,li-5,s1,fully graded,5,2026-09-15\nr2,,,li-100,s1,fully graded,73,2026-09-15\n"
                      "r3,,,li-any,s1,fully graded,3,2026-09-15\n")
    status = upload(client, pump, school, "oneroster.zip", package(**{"lineItems.csv": items, "results.csv": results}))
    assert (status["state"], status["rows_total"], status["rows_done"], status["rows_rejected"]) == ("done", 7, 5, 2)
    assert [(e["file"], e["line"], e["column"], e["code"], e["value"]) for e in status["errors"]] == [
        ("results.csv", 2, "resultValueMax", "out_of_range", "0"),
        ("results.csv", 3, "resultValueMax", "not_a_number", "NaN")]
    assert marks(school["id"], "s1") == [("2026-09-15", 3)]
    again = upload(client, pump, school, "oneroster.zip", package(**{"lineItems.csv": items, "results.csv": results}))
    assert (again["rows_done"], again["rows_rejected"], again["rows_changed"]) == (5, 2, 0)


def test_our_own_grades_refuse_nan_inf_zero_and_six_with_the_value(client, pump, school):
    # Given the roster and a lesson on 7 September
    base = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": STUDENTS,
                   "schedule.csv": test_uploads.schedule(school["teacher"])})
    assert upload(client, pump, school, "base.zip", base)["state"] == "done"
    grades = ("grade_id,student_id,date,starts_at,subject,value\n"
              "G-1,S-001,2026-09-07,08:30,Математика,5.0\n"
              "G-2,S-001,2026-09-07,08:30,Математика,NaN\n"
              "G-3,S-001,2026-09-07,08:30,Математика,inf\n"
              "G-4,S-002,2026-09-07,08:30,Математика,Infinity\n"
              "G-5,S-002,2026-09-07,08:30,Математика,0\n"
              "G-6,S-002,2026-09-07,08:30,Математика,6\n"
              "G-7,S-002,2026-09-07,08:30,Математика,٥\n"
              "G-8,S-002,2026-09-07,08:30,Математика,4\n")
    # When grades come with what spreadsheets and pandas write
    status = upload(client, pump, school, "grades.csv", grades.encode())
    # Then the five that are no mark are refused with their value, the others taken
    assert (status["state"], status["rows_total"], status["rows_done"], status["rows_rejected"]) == ("done", 8, 2, 6)
    assert [(e["line"], e["column"], e["code"], e["value"]) for e in status["errors"]] == [
        (3, "value", "not_a_number", "NaN"), (4, "value", "not_a_number", "inf"),
        (5, "value", "not_a_number", "Infinity"), (6, "value", "out_of_range", "0"),
        (7, "value", "out_of_range", "6"), (8, "value", "not_a_number", "٥")]
    pupil = stable_id(school["id"], "student", "S-001")
    day = journal_store.student_days(pupil, "2026-09-07", "2026-09-07")
    assert [g.value for g in day if isinstance(g, Grade)] == [5]
    again = upload(client, pump, school, "grades.csv", grades.encode())
    assert (again["rows_done"], again["rows_rejected"], again["rows_changed"]) == (2, 6, 0)
