"""The report's sort keys: refused rows apart from warnings, each part by file and line."""

from __future__ import annotations

from chalicelib.dal import keys
from chalicelib.domain import import_format as fmt

STUDENTS, GRADES = fmt.ORDER.index("students"), fmt.ORDER.index("grades")


def sort_key(order: int, line: int, column: str | None, file: str | None, warning: bool = False,
             code: str = "required") -> str:
    return keys.row_error("u1", order, line, column, file, warning, code)[1]


def test_our_own_csvs_sort_by_processing_order_then_line():
    # students.csv (processed before grades.csv) comes first, though "grades" < "students"
    entries = [sort_key(GRADES, 2, "value", None), sort_key(STUDENTS, 10, "class", None),
               sort_key(GRADES, 10, "value", None), sort_key(GRADES, 9, "date", None)]
    assert sorted(entries) == [entries[1], entries[0], entries[3], entries[2]]


def test_a_translated_upload_sorts_by_the_schools_file_then_line_whatever_kind_its_rows_became():
    users_7 = sort_key(STUDENTS, 7, "birthDate", "users.csv")
    results_6 = sort_key(GRADES, 6, "score", "results.csv")
    results_12 = sort_key(GRADES, 12, "score", "results.csv")
    results_100 = sort_key(GRADES, 100, "score", "results.csv")
    assert sorted([users_7, results_100, results_6, results_12]) == [results_6, results_12, results_100, users_7]


def test_refused_rows_and_warnings_are_each_one_key_prefix():
    partition, rejected = keys.row_errors("u1", "rejected")
    _, warned = keys.row_errors("u1", "warning")
    _, every = keys.row_errors("u1")
    refused, warning = sort_key(GRADES, 9, "value", None), sort_key(GRADES, 2, "remark", None, warning=True)
    assert partition == keys.upload_partition("u1")
    assert refused.startswith(rejected) and not refused.startswith(warned)
    assert warning.startswith(warned) and not warning.startswith(rejected)
    assert refused.startswith(every) and warning.startswith(every)
    assert sorted([warning, refused]) == [refused, warning]  # the whole report: refusals first


def test_two_codes_on_one_cell_are_two_entries():
    assert sort_key(GRADES, 2, "remark", None, True, "cut_to_limit") != sort_key(GRADES, 2, "remark", None, True,
                                                                                  "other")


def test_where_an_entry_came_from_is_read_back_from_its_key():
    assert keys.row_error_order(sort_key(GRADES, 3, "value", None), "grades.csv") == (GRADES, True)
    assert keys.row_error_order(sort_key(STUDENTS, 7, "birthDate", "users.csv"), "users.csv") == (STUDENTS, False)
    # OneRoster's classes.csv shares our kind's name, and is still the school's file
    classes = fmt.ORDER.index("classes")
    assert keys.row_error_order(sort_key(classes, 4, "title", "classes.csv"), "classes.csv") == (classes, False)
    assert keys.row_error_order(sort_key(GRADES, 3, None, "od#d.csv", code="x"), "od#d.csv") == (GRADES, False)
    # a key written before warnings existed
    assert keys.row_error_order("ERROR#07#000000003#value", "grades.csv") == (7, True)
    assert keys.row_error_order("ERROR#07#000000006#score#results.csv", "results.csv") == (7, False)


def test_a_long_remark_is_cut_to_its_limit_and_the_grade_kept():
    row = {"grade_id": "G-1", "student_id": "S-1", "date": "2026-09-07", "starts_at": "08:30",
           "subject": "Математика", "value": "5", "remark": "  " + "Молодец! " * 200}
    read = fmt.KINDS["grades"].read(row)
    assert len(read["remark"]) <= fmt.REMARK_LIMIT and read["remark"].startswith("Молодец!")
    assert read["remark_cut"] is True
    short = fmt.KINDS["grades"].read({**row, "remark": " Отлично "})
    assert short["remark"] == "Отлично" and "remark_cut" not in short
    assert fmt.KINDS["grades"].read({**row, "remark": ""})["remark"] is None

