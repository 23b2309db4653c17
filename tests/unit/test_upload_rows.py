"""What a row of an uploaded file must hold (chalicelib/domain/import_format.py): each cell read,
normalised or refused with the column and a code the school's report shows. Whole uploads through
S3 and the queue: tests/functional/test_uploads.py."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain import import_format as fmt

GRADE = {"grade_id": "G-1", "student_id": "S-1", "date": "2026-09-07", "starts_at": "08:30",
         "subject": "Математика", "value": "5"}
ATTENDANCE = {"student_id": "S-1", "date": "2026-09-07", "starts_at": "08:30", "subject": "Математика",
              "mark": "late", "minutes_late": "15"}


def read(kind: str, row: dict[str, str]) -> dict[str, Any]:
    return fmt.KINDS[kind].read(row)


def refused(kind: str, row: dict[str, str]) -> tuple[str, str]:
    with pytest.raises(fmt.RowError) as error:
        read(kind, row)
    return error.value.column, error.value.code


def test_a_grade_row_in_the_russian_way_is_read_as_iso_with_its_defaults():
    # DD.MM.YYYY and 8:30 as Russian school systems write them; no weight: 1; no kind of work: classwork
    assert read("grades", {**GRADE, "date": "07.09.2026", "starts_at": "8:30"}) == {
        "grade_id": "G-1", "student_id": "S-1", "date": "2026-09-07", "starts_at": "08:30",
        "subject": "Математика", "value": 5, "weight": 1, "work_kind": "classwork", "remark": None}
    weighed = read("grades", {**GRADE, "weight": "3", "work_kind": "Control"})
    assert (weighed["weight"], weighed["work_kind"]) == (3, "control")


@pytest.mark.parametrize(("cell", "refusal"), [
    ({"value": "6"}, ("value", "out_of_range")), ({"value": "0"}, ("value", "out_of_range")),
    ({"value": "пять"}, ("value", "not_a_number")), ({"weight": "11"}, ("weight", "out_of_range")),
    ({"work_kind": "quiz"}, ("work_kind", "not_allowed")), ({"date": "31.02.2026"}, ("date", "bad_date")),
    ({"date": "9999-12-31"}, ("date", "bad_date")), ({"starts_at": "24:00"}, ("starts_at", "bad_time")),
    ({"student_id": " "}, ("student_id", "required")),
])
def test_a_grade_cell_out_of_the_rules_is_the_rows_error(cell, refusal):
    assert refused("grades", {**GRADE, **cell}) == refusal


def test_lateness_carries_its_minutes_and_an_absence_none():
    late = read("attendance", {**ATTENDANCE, "excused": "да"})
    assert (late["mark"], late["minutes_late"], late["excused"]) == ("late", 15, True)
    absent = read("attendance", {**ATTENDANCE, "mark": "absent", "excused": ""})
    assert (absent["minutes_late"], absent["excused"]) == (None, False)
    assert refused("attendance", {**ATTENDANCE, "minutes_late": "91"}) == ("minutes_late", "out_of_range")
    assert refused("attendance", {**ATTENDANCE, "excused": "может быть"}) == ("excused", "not_allowed")


def test_a_lesson_ends_after_it_starts_and_homework_is_due_no_earlier_than_set():
    lesson = {"date": "2026-09-07", "starts_at": "09:30", "ends_at": "09:30", "class": "5А", "subject": "Математика"}
    assert refused("schedule", lesson) == ("ends_at", "ends_before_start")
    homework = {"date": "2026-09-07", "starts_at": "09:30", "class": "5А", "subject": "Математика",
                "text": "№ 245", "due_date": "2026-09-06"}
    assert refused("homework", homework) == ("due_date", "due_before_lesson")
    assert read("homework", {**homework, "due_date": "2026-09-07"})["due_date"] == "2026-09-07"


def test_attestation_words_in_either_language_and_the_year_as_final():
    row = {"student_id": "S-1", "subject": "Математика", "period": "Годовая", "result": "Зачёт"}
    assert read("attestation", row) == {"student_id": "S-1", "subject": "Математика", "period": "final",
                                        "result": "pass"}
    assert read("attestation", {**row, "period": "1 четверть", "result": "4"})["period"] == "1 четверть"
    assert refused("attestation", {**row, "result": "отлично"}) == ("result", "not_allowed")
