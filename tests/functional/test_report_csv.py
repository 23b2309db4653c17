"""An upload's report as a CSV for a spreadsheet: file, line, column, value, code, severity, message."""

from __future__ import annotations

import csv
import io

from tests.functional import test_report_warnings, test_uploads
from tests.functional.test_report_warnings import GRADES, LONG_REMARK
from tests.functional.test_uploads import upload
from tests.journeys import get

school = test_uploads.school
roster = test_report_warnings.roster

FORMULA = "=HYPERLINK(\"http://example.ru\";\"Жми\")"


def rows_of(response) -> list[list[str]]:
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")  # so a spreadsheet reads the Cyrillic as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_report_downloads_as_csv_in_the_readers_language(client, pump, roster):
    school = roster
    quoted = FORMULA.replace('"', '""')
    grades = GRADES + f'G-5,"{quoted}",2026-09-07,08:30,Математика,4,1,,\n'
    status = upload(client, pump, school, "grades.csv", grades.encode())
    path = f"/schools/{school['id']}/uploads/{status['upload_id']}/report.csv"
    response = get(client, path, school["system"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert rows_of(response) == [
        ["file", "line", "column", "value", "code", "severity", "message"],
        ["grades.csv", "4", "value", "7", "out_of_range", "rejected",
         "В столбце «value» — «7»: значение вне допустимых пределов"],
        ["grades.csv", "5", "student_id", "S-999", "unknown_student", "rejected",
         "В столбце «student_id» — «S-999»: такого ученика в школе нет (загрузите его раньше)"],
        # a school's value a spreadsheet would run as a formula stays text
        ["grades.csv", "6", "student_id", "'" + FORMULA, "unknown_student", "rejected",
         f"В столбце «student_id» — «{FORMULA}»: такого ученика в школе нет (загрузите его раньше)"],
        ["grades.csv", "3", "remark", LONG_REMARK[:200], "cut_to_limit", "warning",
         "Текст в столбце «remark» длиннее допустимого: сохранено начало, остальное отброшено"],
    ]
    english = rows_of(get(client, path + "?severity=warning", school["system"], Accept_Language="en"))
    assert english[1:] == [["grades.csv", "3", "remark", LONG_REMARK[:200], "cut_to_limit", "warning",
                            "The text in the column 'remark' is longer than allowed: its beginning is kept, "
                            "the rest cut"]]
    wrong = get(client, path + "?severity=all", school["system"])
    assert (wrong.status_code, wrong.json_body["error"]["code"]) == (422, "validation_failed")
    missing = get(client, f"/schools/{school['id']}/uploads/{'0' * 32}/report.csv", school["system"])
    assert (missing.status_code, missing.json_body["error"]["code"]) == (404, "upload_not_found")
