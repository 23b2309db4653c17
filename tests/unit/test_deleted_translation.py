"""What OneRoster's `tobedeleted` and `inactive` rows translate into (issue 14, item 6): rows of our
own `departures` kind, whatever case the status is written in; pure translation, no services."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.domain import import_format as fmt
from chalicelib.domain import oneroster
from tests.functional import test_oneroster as bulk

HEAD = bulk.HEAD


def departures(**replace: str) -> list[dict[str, str]]:
    files = {"academicSessions.csv": bulk.SESSIONS, "courses.csv": bulk.COURSES, "classes.csv": bulk.CLASSES,
             "users.csv": bulk.users("t@example.ru"), "roles.csv": bulk.ROLES, "enrollments.csv": bulk.ENROLLMENTS,
             "demographics.csv": bulk.DEMOGRAPHICS}
    files.update(replace)
    translated = oneroster.translate(list(files.items()))
    text = translated.files.get("departures", "")
    return [{k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(text))]


def test_statuses_in_any_case_end_students_enrolments_and_terms():
    sessions = bulk.SESSIONS.replace("q4,,,", "q4,TobeDeleted,,").replace("y2026,,,", "y2026,inactive,,")
    enrollments = bulk.ENROLLMENTS.replace("e3,,,", "e3,Inactive,,")
    users = bulk.users("t@example.ru").replace("s2,,,", "s2,INACTIVE,,")
    assert departures(**{"academicSessions.csv": sessions, "enrollments.csv": enrollments,
                         "users.csv": users}) == [
        # the school year is not one of our terms: nothing to end for it
        {"__line": "academicSessions.csv:8", "what": "term", "id": "q4", "term": "4 четверть"},
        {"__line": "users.csv:5", "what": "student", "id": "s2", "student_id": "s2"},
        {"__line": "users.csv:8", "what": "student", "id": "s5", "student_id": "s5"},  # tobedeleted in the fixture
        {"__line": "enrollments.csv:4", "what": "enrolment", "id": "e3", "student_id": "s3", "class": "5Б"},
    ]


def test_an_ended_section_or_teacher_enrolment_ends_its_teachings_and_a_homeroom_its_classes():
    classes = (bulk.CLASSES.replace("rus-5,,,", "rus-5,tobedeleted,,")
               + "hr-5v,Inactive,,5В,05,c-hr,5V,homeroom,каб. 16,org-1,\n")
    enrollments = bulk.ENROLLMENTS.replace("e5,,,", "e5,tobedeleted,,")
    found = departures(**{"classes.csv": classes, "enrollments.csv": enrollments})
    assert [f for f in found if f["what"] != "student"] == [
        # the section's students are in 5А (s1) and 5Б (s3): its teacher teaches neither any more
        {"__line": "classes.csv:5", "what": "teaching", "id": "rus-5", "teacher_email": "t@example.ru",
         "class": "5А", "subject": "Русский язык"},
        {"__line": "classes.csv:5", "what": "teaching", "id": "rus-5", "teacher_email": "t@example.ru",
         "class": "5Б", "subject": "Русский язык"},
        {"__line": "classes.csv:7", "what": "class", "id": "hr-5v", "class": "5В"},
        {"__line": "enrollments.csv:6", "what": "teaching", "id": "e5", "teacher_email": "t@example.ru",
         "class": "5А", "subject": "Математика"},
    ]


def test_an_ended_enrolment_in_a_class_the_zip_does_not_hold_is_refused_with_the_class():
    enrollments = (HEAD + "classSourcedId,schoolSourcedId,userSourcedId,role,primary\n"
                   "e1,tobedeleted,,hr-9z,org-1,s1,student,\n")
    assert departures(**{"enrollments.csv": enrollments}) == [
        {"__line": "users.csv:8", "what": "student", "id": "s5", "student_id": "s5"},
        {"__line": "enrollments.csv:2", "__error": "classSourcedId:unknown_class", "__value": "hr-9z",
         "what": "enrolment", "id": "e1"},
    ]


def test_our_own_departures_file_reads_each_kind_and_refuses_what_it_lacks():
    read = fmt.KINDS["departures"].read
    assert read({"what": "Enrollment", "id": "E-1", "student_id": "S-1", "class": "5А"})["what"] == "enrolment"
    assert read({"what": "student", "id": "S-1"})["student_id"] == "S-1"
    with pytest.raises(fmt.RowError) as refused:
        read({"what": "teaching", "id": "x", "teacher_email": "t@example.ru", "class": "5А"})
    assert (refused.value.column, refused.value.code) == ("subject", "required")
    with pytest.raises(fmt.RowError) as refused:
        read({"what": "graduation", "id": "x"})
    assert (refused.value.column, refused.value.code) == ("what", "not_allowed")
    assert fmt.PROCESSING[0] == "departures" and fmt.ORDER[-1] == "departures"
