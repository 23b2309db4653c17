"""An upload's report: refused rows apart from rows taken with a warning, each entry with its
offending value and a message in the reader's language, filtered by severity, in file and line order."""

from __future__ import annotations

import pytest

from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import Grade
from chalicelib.domain import importer
from chalicelib.domain.import_format import REMARK_LIMIT
from chalicelib.domain.import_rows import stable_id
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, schedule, upload, zipped
from tests.journeys import get

school = test_uploads.school  # a school with a registered teacher and its system's token

LONG_REMARK = "Работа выполнена аккуратно, но с помарками. " * 30  # 1,320 characters: more than a remark holds
GRADES = ("grade_id,student_id,date,starts_at,subject,value,weight,work_kind,remark\n"
          "G-1,S-001,2026-09-07,08:30,Математика,5,2,test,Отлично\n"
          f'G-2,S-002,2026-09-07,08:30,Математика,4,1,,"{LONG_REMARK}"\n'
          "G-3,S-001,2026-09-07,08:30,Математика,7,1,,\n"
          "G-4,S-999,2026-09-07,08:30,Математика,4,1,,\n")


def entries(status: dict) -> list[tuple]:
    return [(e["file"], e["line"], e["column"], e["code"], e["severity"], e["value"]) for e in status["errors"]]


def report(client, school, upload_id: str, query: str = "", **headers: str):
    return get(client, f"/schools/{school['id']}/uploads/{upload_id}?limit=100{query}", school["system"], **headers)


@pytest.fixture
def roster(client, pump, school):
    """The school's classes, subjects, students and the lesson the grades are given at."""
    base = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": STUDENTS,
                   "schedule.csv": schedule(school["teacher"])})
    assert upload(client, pump, school, "base.zip", base)["rows_rejected"] == 0
    return school


def test_a_refused_row_and_a_row_taken_with_a_warning_are_told_apart(client, pump, roster):
    school = roster
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert status["state"] == "done", status
    # Given 4 rows: one clean, one with a remark longer than a remark may be, two wrong
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_warned"]) == (4, 2, 2, 1)
    assert status["rejected_by_code"] == {"out_of_range": 1, "unknown_student": 1}
    assert status["warned_by_code"] == {"cut_to_limit": 1}
    # The refused rows first, then the warnings, each by line; each with the value the file has
    assert entries(status) == [
        ("grades.csv", 4, "value", "out_of_range", "rejected", "7"),
        ("grades.csv", 5, "student_id", "unknown_student", "rejected", "S-999"),
        ("grades.csv", 3, "remark", "cut_to_limit", "warning", LONG_REMARK[:200]),
    ]
    assert [e["message"] for e in status["errors"]] == [
        "В столбце «value» — «7»: значение вне допустимых пределов",
        "В столбце «student_id» — «S-999»: такого ученика в школе нет (загрузите его раньше)",
        "Текст в столбце «remark» длиннее допустимого: сохранено начало, остальное отброшено",
    ]
    # The warned grade is in the diary, its remark cut to what a remark holds
    pupil = stable_id(school["id"], "student", "S-002")
    [grade] = [i for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30") if isinstance(i, Grade)]
    assert grade.value == 4 and grade.remark == LONG_REMARK.strip()[:REMARK_LIMIT].rstrip()
    assert len(grade.remark) <= REMARK_LIMIT

    # An English reader reads the same report in English
    english = report(client, school, status["upload_id"], Accept_Language="en-GB,en;q=0.9").json_body
    assert [e["message"] for e in english["errors"]] == [
        "The column 'value' holds \"7\": out of the allowed range",
        "The column 'student_id' holds \"S-999\": the school has no such student (upload them first)",
        "The text in the column 'remark' is longer than allowed: its beginning is kept, the rest cut",
    ]

    # The same file again changes nothing, and says the same
    again = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert (again["rows_done"], again["rows_rejected"], again["rows_warned"], again["rows_changed"]) == (2, 2, 1, 0)
    assert entries(again) == entries(status) and again["warned_by_code"] == status["warned_by_code"]
    after = [i for i in journal_store.student_days(pupil, "2026-09-01", "2026-09-30") if isinstance(i, Grade)]
    assert [int(g.version) for g in after] == [int(grade.version)]


def test_the_report_is_filtered_by_severity(client, pump, roster):
    school = roster
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    warnings = report(client, school, status["upload_id"], "&severity=warning")
    assert warnings.status_code == 200
    assert [(e["line"], e["code"]) for e in warnings.json_body["errors"]] == [(3, "cut_to_limit")]
    refused = report(client, school, status["upload_id"], "&severity=rejected").json_body
    assert [(e["line"], e["code"], e["severity"]) for e in refused["errors"]] == [
        (4, "out_of_range", "rejected"), (5, "unknown_student", "rejected")]
    # the counts stay the upload's, whatever the page shows
    assert (refused["rows_rejected"], refused["rows_warned"]) == (2, 1)
    wrong = report(client, school, status["upload_id"], "&severity=error")
    assert (wrong.status_code, wrong.json_body["error"]["code"]) == (422, "validation_failed")
    assert wrong.json_body["error"]["field"] == "severity"
    # A cursor of one severity's pages does not open another's
    paged = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}?limit=1&severity=rejected",
                school["system"]).json_body
    assert paged["next_cursor"] and [e["line"] for e in paged["errors"]] == [4]
    crossed = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}?limit=1&severity=warning"
                          f"&cursor={paged['next_cursor']}", school["system"])
    assert (crossed.status_code, crossed.json_body["error"]["code"]) == (400, "invalid_cursor")


def test_entries_of_several_chunks_come_in_file_and_line_order(client, pump, roster, monkeypatch):
    school = roster
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    students = (STUDENTS + "S-004,Новиков,Артём,,2015-05-05,9Я\n"  # line 5: no such class
                "S-005,Орлова,Вера,,2015-06-06,5А\n")
    lines = ["grade_id,student_id,date,starts_at,subject,value,weight,work_kind,remark"]
    for n in range(2, 10):  # lines 2..9: even lines refused, every third line's remark too long
        value = "9" if n % 2 == 0 else "4"
        remark = f'"{LONG_REMARK}"' if n % 3 == 0 else ""
        lines.append(f"G-{n},S-001,2026-09-07,08:30,Математика,{value},1,,{remark}")
    body = zipped({"grades.csv": "\n".join(lines) + "\n", "students.csv": students})
    status = upload(client, pump, school, "year.zip", body)
    assert status["state"] == "done", status
    assert len(importer.load_plan(status["upload_id"]).chunks) == 7  # students 3 chunks, grades 4
    # Page by page, two entries a page, following the cursor
    seen: list[tuple] = []
    query = ""
    while True:
        page = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}?limit=2{query}",
                   school["system"]).json_body
        seen += [(e["file"], e["line"], e["code"], e["severity"]) for e in page["errors"]]
        if not page["next_cursor"]:
            break
        query = f"&cursor={page['next_cursor']}"
    # Our own files by processing order (students before grades), each by line; the refusals, then the warnings
    assert seen == [("students.csv", 5, "unknown_class", "rejected"),
                    ("grades.csv", 2, "out_of_range", "rejected"), ("grades.csv", 4, "out_of_range", "rejected"),
                    ("grades.csv", 6, "out_of_range", "rejected"), ("grades.csv", 8, "out_of_range", "rejected"),
                    ("grades.csv", 3, "cut_to_limit", "warning"), ("grades.csv", 9, "cut_to_limit", "warning")]
    # line 6's remark is too long too, but the row was refused: it is no warned row
    assert (status["rows_rejected"], status["rows_warned"], status["warned_by_code"]) == (5, 2, {"cut_to_limit": 2})
    again = upload(client, pump, school, "year.zip", body)
    assert (again["rows_changed"], again["rows_rejected"], again["rows_warned"]) == (0, 5, 2)


def test_a_failed_upload_says_why_in_words(client, pump, school):
    status = upload(client, pump, school, "students.csv", bytes(range(256)) * 40)
    assert (status["state"], status["reason"]) == ("failed", "bad_encoding")
    assert status["reason_message"] == "Файл «students.csv» не текст в UTF-8 или Windows-1251"
    english = report(client, school, status["upload_id"], Accept_Language="en").json_body
    assert english["reason_message"] == "The file \"students.csv\" is not text in UTF-8 or Windows-1251"
    listed = get(client, f"/schools/{school['id']}/uploads", school["system"], Accept_Language="en").json_body
    assert listed["items"][0]["reason_message"] == english["reason_message"]
    ok = upload(client, pump, school, "classes.csv", CLASSES.encode())
    assert (ok["reason"], ok["reason_message"]) == (None, None)
