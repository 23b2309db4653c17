"""A OneRoster upload's report follows the school's files and lines, not the order our kinds are
processed in; each entry carries the OneRoster column, its value and a message."""

from __future__ import annotations

from chalicelib.domain import importer
from tests.functional import test_oneroster as one
from tests.functional import test_uploads
from tests.functional.test_report_warnings import LONG_REMARK, entries, report
from tests.functional.test_uploads import upload, zipped

school = test_uploads.school  # a school with a registered teacher and its system's token

# A homeroom whose title is too long for a class name (classes.csv:7: OneRoster's classes.csv
# shares the name of our classes kind, and is still reported as the school's file)
CLASSES = one.CLASSES + 'hr-long,,,Очень длинное название класса,05,c-hr,5X,homeroom,каб. 1,org-1,"q1"\n'
# Only the registered teacher teaches here: the other's enrollments (e11, e12) are left out
ENROLLMENTS = "".join(line + "\n" for line in one.ENROLLMENTS.splitlines() if not line.startswith(("e11,", "e12,")))
ENROLLMENTS += "e15,,,hr-5a,org-1,s6,student,\n"
ROLES = one.ROLES + "r8,,,s6,primary,student,org-1\n"
DEMOGRAPHICS = one.DEMOGRAPHICS + "s4,,,2014-11-02,male\ns6,,,2015-02-02,female\n"
RESULTS = one.RESULTS + f'r11,,,li-1,s3,fully graded,4,2026-09-15,"{LONG_REMARK}"\n'


def users(teacher_email: str) -> str:
    return one.users(teacher_email) + "s6,,,true,s6,,Кузнецова,,,05\n"  # users.csv:9: no given name


def package(teacher_email: str) -> bytes:
    return zipped({"manifest.csv": one.MANIFEST, "orgs.csv": one.ORGS, "academicSessions.csv": one.SESSIONS,
                   "courses.csv": one.COURSES, "classes.csv": CLASSES, "users.csv": users(teacher_email),
                   "roles.csv": ROLES, "enrollments.csv": ENROLLMENTS, "demographics.csv": DEMOGRAPHICS,
                   "categories.csv": one.CATEGORIES, "lineItems.csv": one.LINE_ITEMS, "results.csv": RESULTS})


EXPECTED = [  # the refusals by the school's file and line, then the warnings
    ("classes.csv", 7, "title", "too_long", "rejected", "Очень длинное название класса"),
    ("results.csv", 6, "score", "not_a_number", "rejected", "seven"),
    ("results.csv", 7, "lineItemSourcedId", "unknown_line_item", "rejected", "li-9"),
    ("results.csv", 9, "studentSourcedId", "unknown_student", "rejected", "s9"),
    ("results.csv", 10, "scoreDate", "bad_date", "rejected", "2026-13-01"),
    ("users.csv", 9, "givenName", "required", "rejected", None),
    ("results.csv", 12, "comment", "cut_to_limit", "warning", LONG_REMARK[:200]),
]


def test_a_oneroster_report_follows_the_schools_files_and_lines(client, pump, school, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)  # grades and students over several chunks each
    body = package(school["teacher"])
    status = upload(client, pump, school, "oneroster.zip", body)
    assert status["state"] == "done", status
    # 3 classes + 2 subjects + 4 terms + 3 teachings + 5 students + 9 results (r7 deleted, r10 exempt)
    # + 1 departure (s5 tobedeleted)
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_warned"]) == (
        27, 21, 6, 1)
    assert status["rejected_by_code"] == {"too_long": 1, "not_a_number": 1, "unknown_line_item": 1,
                                          "unknown_student": 1, "bad_date": 1, "required": 1}
    assert status["warned_by_code"] == {"cut_to_limit": 1}
    assert entries(status) == EXPECTED
    messages = {(e["file"], e["line"]): e["message"] for e in status["errors"]}
    assert messages[("results.csv", 10)] == (
        "В столбце «scoreDate» — «2026-13-01»: это не дата (ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)")
    assert messages[("users.csv", 9)] == "Не заполнен столбец «givenName»: без него строку не принять"
    english = report(client, school, status["upload_id"], Accept_Language="en").json_body
    assert [e["message"] for e in english["errors"]][1:3] == [
        "The column 'score' holds \"seven\": not a number",
        "The column 'lineItemSourcedId' holds \"li-9\": no such line item in lineItems.csv"]
    warned = report(client, school, status["upload_id"], "&severity=warning").json_body
    assert entries(warned) == EXPECTED[-1:]

    # The same package again changes nothing, and reports the same
    again = upload(client, pump, school, "oneroster.zip", body)
    assert (again["rows_done"], again["rows_rejected"], again["rows_warned"], again["rows_changed"]) == (21, 6, 1, 0)
    assert entries(again) == EXPECTED
