"""Issue 14 items 2, 3 and 5 in the OneRoster translation and the zip reading, without services:
what `oneroster.translate` makes of odd but real packages, and which zip members are debris."""

from __future__ import annotations

import csv
import io
import json

import pytest

from chalicelib.domain import import_format as fmt
from chalicelib.domain import oneroster
from tests import oneroster_fixtures as fixtures


def rows(translation: oneroster.Translation, kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(translation.files[kind])))


def warnings(row: dict[str, str]) -> list[list[str | None]]:
    return json.loads(row["__warnings"]) if row["__warnings"] else []


@pytest.mark.parametrize(("cell", "level"), [
    ("05", 5), ("11", 11), ("12", 12), ("13", 13), ("KG", 0), ("kg", 0), ("TK", 0), ("PK", -1), ("PR", -1),
    ("IT", -1), ("UG", None), ("Other", None), ("PS", None), ("", None), ("UG,07", 7), ("99", None)])
def test_ceds_grade_codes_become_our_levels(cell, level):
    assert oneroster._grade_level(oneroster._listed(cell)) == level


def test_headers_in_any_case_with_spaces_and_a_bom_are_the_standards_names():
    data = fixtures.school("t@example.ru")
    translated = oneroster.translate([(name, "\ufeff" + text) for name, text in fixtures.reading(
        data, "1.1", headers=lambda c: f" {c.upper()} ")])
    assert [r["name"] for r in rows(translated, "classes")] == ["5А", "5Б"]
    assert [(r["student_id"], r["class"], r["birth_date"]) for r in rows(translated, "students")] == [
        ("s1", "5А", "2015-03-14"), ("s2", "5А", "2015-07-02"), ("s3", "5Б", "2014-01-20")]
    assert [r["value"] for r in rows(translated, "grades")] == ["5", "4"]


def test_a_required_header_missing_in_any_case_still_refuses_the_file():
    data = fixtures.reading(fixtures.school("t@example.ru"), headers=lambda c: "firstName" if c == "givenName" else c)
    with pytest.raises(fmt.FileRefusedError) as refused:
        oneroster.translate(data)
    assert (refused.value.code, refused.value.detail) == ("missing_columns", "users.csv: givenName")


def test_enumerations_in_any_case_and_a_tobedeleted_enrolment_in_capitals():
    data = fixtures.school("t@example.ru")
    data["users.csv"].append(fixtures.student("s4", "Петров", "Илья", "05"))
    data["demographics.csv"].append({"sourcedId": "s4", "birthDate": "2015-01-01"})
    # Withdrawn from 5Б: not its student, so the class of the student's grade.
    data["enrollments.csv"].append(fixtures.enrolment("e9", "hr-5b", "s4", status="tobedeleted"))
    translated = oneroster.translate(fixtures.reading(fixtures.capitalised(data)))
    assert [r["name"] for r in rows(translated, "terms")] == ["1 полугодие", "2 полугодие"]  # type=Term
    assert [(r["name"], r["grade_level"]) for r in rows(translated, "classes")] == [
        ("5А", "5"), ("5Б", "5"), ("5", "5")]
    assert [(r["student_id"], r["class"]) for r in rows(translated, "students")] == [
        ("s1", "5А"), ("s2", "5А"), ("s3", "5Б"), ("s4", "5")]
    assert [(r["teacher_email"], r["class"]) for r in rows(translated, "teachings")] == [("t@example.ru", "5А")]


def test_file_names_in_any_case_and_folder_and_a_manifest_that_names_them_otherwise():
    texts = dict(fixtures.reading(fixtures.school("t@example.ru")))
    texts["manifest.csv"] = fixtures.manifest(list(texts)).replace("file.academicSessions", "file.ACADEMICSESSIONS")
    translated = oneroster.translate([(f"Export/{name.upper()}", text) for name, text in texts.items()])
    assert len(rows(translated, "terms")) == 2 and len(rows(translated, "students")) == 3
    assert oneroster.is_oneroster(["Export/USERS.CSV"]) and not oneroster.is_oneroster(["Export/Classes.csv"])


def test_grades_outside_the_schools_and_students_with_none_are_placed_with_warnings():
    data = fixtures.school("t@example.ru")
    data["classes.csv"].append(fixtures.homeroom("hr-k", "Подготовишки"))  # classes.csv:5
    data["users.csv"] += [fixtures.student("s4", "Ким", "Ли", "KG"), fixtures.student("s5", "Смит", "Джон", "12"),
                          fixtures.student("s6", "Нестеров", "Глеб"), fixtures.student("s7", "Ли", "Ан", "KG"),
                          fixtures.student("s8", "Ок", "Ия", "PK")]
    data["enrollments.csv"].append(fixtures.enrolment("e9", "hr-k", "s8"))
    translated = oneroster.translate(fixtures.reading(data))
    classes = [(r["__line"], r["name"], r["grade_level"], warnings(r)) for r in rows(translated, "classes")]
    assert classes == [
        ("classes.csv:2", "5А", "5", []), ("classes.csv:3", "5Б", "5", []),
        ("classes.csv:5", "Подготовишки", "-1", [["grades", "grade_from_students", "PK"],
                                                  ["grades", "outside_school_grades", "PK"]]),
        ("users.csv:6", "KG", "0", [["grades", "outside_school_grades", "KG"]]),
        ("users.csv:7", "12", "12", [["grades", "outside_school_grades", "12"]]),
        ("users.csv:8", oneroster.UNPLACED, "", []),  # the builder warns of its missing grade level
    ]
    students = {r["student_id"]: (r["class"], r["__error"], warnings(r)) for r in rows(translated, "students")}
    assert students["s4"][0] == students["s7"][0] == "KG" and students["s5"][0] == "12"
    # (no birth date either: taken all the same, as demographics are optional)
    assert students["s6"] == (oneroster.UNPLACED, "", [["grades", "no_class", None]])
    assert students["s8"][0] == "Подготовишки"


def test_a_section_of_an_absent_course_or_of_none_named_takes_a_title():
    data = fixtures.school("t@example.ru")
    data["classes.csv"] += [fixtures.section("s-a", "История 5А", "c-gone"), fixtures.section("s-b", "Химия", ""),
                            fixtures.section("s-c", "ИЗО 5А", "c-hr"), fixtures.section("s-d", "ИЗО 5Б", "c-hr")]
    translated = oneroster.translate(fixtures.reading(data))
    assert [(r["__line"], r["__error"], r["name"], warnings(r)) for r in rows(translated, "subjects")] == [
        ("courses.csv:3", "", "Математика", []),
        ("classes.csv:5", "", "История 5А", [["courseSourcedId", "unknown_course", "c-gone"]]),
        ("classes.csv:6", "", "Химия", [["courseSourcedId", "unknown_course", ""]]),
        ("courses.csv:2", "", "Классный час", [["subjects", "subject_from_title", "Классный час"]]),
    ]  # s-d shares its course's subject: written once


@pytest.mark.parametrize("name", [
    ".DS_Store", "Export/.DS_Store", "__MACOSX/Export/._users.csv", "Export/__MACOSX/x", "._users.csv",
    "Thumbs.db", "Export/THUMBS.DB", "desktop.ini", "Desktop.ini", "Export/~$классы.xlsx"])
def test_operating_system_debris_is_known(name):
    assert fmt.is_debris(name)


@pytest.mark.parametrize("name", ["users.csv", "Export/Users.csv", "classes.csv", "macosx.csv", "ds_store.csv"])
def test_a_schools_file_is_not_debris(name):
    assert not fmt.is_debris(name)


def test_a_zip_is_opened_without_its_debris(tmp_path):
    path = tmp_path / "upload.zip"
    path.write_bytes(fixtures.zip_of({"Data/Classes.CSV": "name,grade_level\n5А,5\n", **fixtures.DEBRIS}))
    with fmt.opened(str(path), "upload.zip") as members:
        assert [name for name, _ in members] == ["Data/Classes.CSV"]
        assert fmt.kind_of(members[0][0]).name == "classes"
    path.write_bytes(fixtures.zip_of(dict(fixtures.DEBRIS)))
    with pytest.raises(fmt.FileRefusedError) as refused, fmt.opened(str(path), "upload.zip"):
        pass
    assert refused.value.code == "empty_file"


def test_our_own_header_tolerates_a_stray_bom_and_an_ungraded_class():
    kind = fmt.KINDS["classes"]
    assert fmt.check_header_line(kind, "\ufeff name ,\ufeffgrade_level\r\n") == ["name", "grade_level"]
    assert [row for _, row in fmt.rows("\ufeffname,grade_level\nГПД,\nKG,0\n")] == [
        {"name": "ГПД", "grade_level": ""}, {"name": "KG", "grade_level": "0"}]
    assert kind.read({"name": "ГПД", "grade_level": ""}) == {"name": "ГПД", "grade_level": None}
    assert kind.read({"name": "12А", "grade_level": "12"})["grade_level"] == 12
    with pytest.raises(fmt.RowError):
        kind.read({"name": "X", "grade_level": "14"})


def test_a_bom_before_windows_1251_text_is_no_part_of_the_first_header(tmp_path):
    data = fixtures.school("t@example.ru")
    members = [(name, b"\xef\xbb\xbf" + text.encode("cp1251")) for name, text in fixtures.reading(data, "1.1")]
    made = oneroster.translate_files([(name, lambda raw=raw: io.BytesIO(raw)) for name, raw in members],
                                     str(tmp_path))
    with open(made.files["students"], encoding="utf-8") as students:
        assert [r["last_name"] for r in csv.DictReader(students)] == ["Иванов", "Алексеева", "Соколов"]
