"""Control characters in names and titles through the API and uploads (docs/security.md, "Bad input…",
"Control characters and email subjects"; the rules: tests/unit/test_security_text_rules.py)."""

from __future__ import annotations

from chalicelib.domain import import_format as fmt
from chalicelib.domain import oneroster
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, upload, zipped
from tests.journeys import post

school = test_uploads.school  # a school, its teacher and its system's token


# --- through the API ------------------------------------------------------------------------


def test_a_name_with_nul_esc_cr_or_lf_is_422_with_the_field_and_the_reason(client):
    for ch in ("\x00", "\x1b", "\r", "\n", "\r\n"):
        response = post(client, "/auth/register", {"email": "ctl@example.ru", "name": f"Иванова{ch}Мария"})
        assert response.status_code == 422, (repr(ch), response.body)
        error = response.json_body["error"]
        assert (error["code"], error["field"]) == ("validation_failed", "name")
        assert error["details"] == [{"field": "name", "code": "control_characters",
                                     "message": "недопустимые управляющие символы"}]


# --- uploads ---------------------------------------------------------------------------------


def test_a_oneroster_name_with_a_control_character_is_a_row_error():
    from tests.functional.test_oneroster import CLASSES as OR_CLASSES
    from tests.functional.test_oneroster import COURSES, DEMOGRAPHICS, ENROLLMENTS, ROLES, users

    people = users("t@example.ru").replace("Дарья", "Да\x00рья")
    translated = oneroster.translate([("users.csv", people), ("roles.csv", ROLES), ("classes.csv", OR_CLASSES),
                                      ("courses.csv", COURSES), ("enrollments.csv", ENROLLMENTS),
                                      ("demographics.csv", DEMOGRAPHICS)])
    codes = []
    for _, row in fmt.rows(translated.files["students"]):
        try:
            fmt.KINDS["students"].read(row)
        except fmt.RowError as bad:
            codes.append((row[oneroster.LINE], bad.column, bad.code))
    # (s4 has no birth date in that fixture: a row error of its own)
    assert [c for c in codes if c[2] == "control_characters"] == [("users.csv:5", "first_name", "control_characters")]


def test_an_upload_with_control_characters_reports_the_rows_and_writes_the_rest(client, pump, school):
    classes = CLASSES + "7\x1bВ,7\n8\x00Г,8\n"
    # Windows-1251, as Russian school systems export: a stray control character must not sink the file
    status = upload(client, pump, school, "base.zip", zipped({"classes.csv": classes}, encoding="cp1251"))
    assert status["state"] == "done", status
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (4, 2, 2)
    assert [(e["file"], e["line"], e["column"], e["code"]) for e in status["errors"]] == [
        ("classes.csv", 4, "name", "control_characters"), ("classes.csv", 5, "name", "control_characters")]
