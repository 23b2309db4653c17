"""Issue 14 item 5: OneRoster zips as exporters and people write them, through the real pipeline:
file names in any case and in a folder, headers in any case and with spaces or a BOM,
enumerations in any case, operating-system debris beside the files (for OneRoster zips and for
zips of our own CSV set)."""

from __future__ import annotations

from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import Grade
from chalicelib.domain.import_rows import stable_id
from tests import oneroster_fixtures as oneroster
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, upload
from tests.journeys import get

school = test_uploads.school  # a school with a registered teacher and its system's token

# The fixture school: 2 classes + 1 subject + 2 terms + 1 teaching + 3 students + 2 results, all taken.
SCHOOL_ROWS = 11


def counts(status: dict) -> tuple:
    return status["state"], status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_warned"]


def assert_school_landed(client, school) -> None:
    sid, admin = school["id"], school["admin"]
    classes = {c["name"]: c for c in get(client, f"/schools/{sid}/classes", admin).json_body["items"]}
    assert {n: c["grade_level"] for n, c in classes.items()} == {"5А": 5, "5Б": 5}
    roster = get(client, f"/schools/{sid}/students?class_id={classes['5А']['class_id']}", admin).json_body["items"]
    assert [(s["last_name"], s["first_name"], s["birth_date"]) for s in roster] == [
        ("Алексеева", "Дарья", "2015-07-02"), ("Иванов", "Пётр", "2015-03-14")]
    subjects = [s["name"] for s in get(client, f"/schools/{sid}/subjects", admin).json_body["items"]]
    assert subjects == ["Математика"]
    marks = [(g.date, g.value, g.work_kind, g.remark)
             for g in journal_store.student_days(stable_id(sid, "student", "s1"), "2026-09-01", "2026-09-30")
             if isinstance(g, Grade)]
    assert marks == [("2026-09-15", 5, "control", "Отлично")]


def test_a_1_1_zip_in_a_folder_in_capitals_with_a_bom_and_debris_is_read_as_written(client, pump, school):
    # USERS.CSV in Export/, SourcedId/GivenName headers, Homeroom/Student/TEACHER/Term/Fully graded,
    # a BOM on every file, and .DS_Store, __MACOSX/._users.csv, ._classes.csv, Thumbs.db, desktop.ini.
    body = oneroster.zip_bytes(oneroster.capitalised(oneroster.school(school["teacher"])), version="1.1",
                               folder="Export/", names=str.upper, headers=lambda c: c[0].upper() + c[1:], bom=True,
                               debris=True)
    first = upload(client, pump, school, "oneroster.zip", body)
    assert counts(first) == ("done", SCHOOL_ROWS, SCHOOL_ROWS, 0, 0), first
    assert first["errors"] == []
    assert_school_landed(client, school)
    again = upload(client, pump, school, "oneroster.zip", body)
    assert counts(again) == ("done", SCHOOL_ROWS, SCHOOL_ROWS, 0, 0) and again["rows_changed"] == 0, again
    assert again["errors"] == []
    assert_school_landed(client, school)


def test_a_1_2_zip_in_windows_1251_with_spaced_headers_and_mixed_case_names(client, pump, school):
    data = oneroster.capitalised(oneroster.school(school["teacher"]))
    body = oneroster.zip_bytes(data, encoding="cp1251", headers=lambda c: f" {c.lower()} ",
                               names=lambda n: n[0].upper() + n[1:], debris=True)
    first = upload(client, pump, school, "oneroster.zip", body)
    assert counts(first) == ("done", SCHOOL_ROWS, SCHOOL_ROWS, 0, 0), first
    assert first["errors"] == []
    assert_school_landed(client, school)
    again = upload(client, pump, school, "oneroster.zip", body)
    assert counts(again) == ("done", SCHOOL_ROWS, SCHOOL_ROWS, 0, 0) and again["rows_changed"] == 0, again


def test_a_zip_of_our_own_set_ignores_debris_and_reads_names_in_any_case(client, pump, school):
    body = oneroster.zip_of({
        "Данные 2026/Classes.CSV": CLASSES, "Данные 2026/SUBJECTS.csv": SUBJECTS, "Данные 2026/students.csv": STUDENTS,
        **{("Данные 2026/" + n if not n.startswith("__MACOSX/") else n): b for n, b in oneroster.DEBRIS.items()},
        "Данные 2026/~$Ученики.xlsx": b"\x00\x01junk",
    })
    first = upload(client, pump, school, "Данные.zip", body)
    # 2 classes + 2 subjects + 3 students
    assert counts(first) == ("done", 7, 7, 0, 0), first
    assert first["errors"] == []
    classes = get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"]
    assert sorted(c["name"] for c in classes) == ["5А", "6Б"]
    again = upload(client, pump, school, "Данные.zip", body)
    assert counts(again) == ("done", 7, 7, 0, 0) and again["rows_changed"] == 0, again


def test_a_zip_of_nothing_but_debris_is_empty(client, pump, school):
    status = upload(client, pump, school, "mac.zip", oneroster.zip_of(dict(oneroster.DEBRIS)))
    assert (status["state"], status["reason"], status["rows_total"]) == ("failed", "empty_file", 0)
    assert status["errors"] == []
    assert get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"] == []
