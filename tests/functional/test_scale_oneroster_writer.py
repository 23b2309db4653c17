"""The benchmark's OneRoster school (bench/generate_school.py --format oneroster) stays a package the
real pipeline takes whole: at the smallest scale (one class, its first week of marks) every row lands,
none is refused, and the counts are the school's. So `make bench-import` cannot silently measure a
refusing upload."""

from __future__ import annotations

import datetime as dt
import uuid

import requests

from bench.generate_school import OneRosterSchool, generate, oneroster
from chalicelib.dal import accounts as account_store
from chalicelib.dal import journal as journal_store
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import Grade, Teaching
from chalicelib.domain.import_rows import stable_id
from chalicelib.records.accounts import AccountRecord
from tests.functional import test_uploads
from tests.journeys import get, post

school = test_uploads.school  # a school, its administrator and its system's token

ONE_CLASS = 1 / 40
FIRST_WEEK = dt.date(2026, 9, 7)  # a year's 11,000 marks would take minutes: a week's few hundred


def system_token(client, school: dict) -> str:
    """A fresh token of the school's system (they last five minutes; a loaded machine takes longer)."""
    token = post(client, "/machine/token", {"credential": school["credential"]["secret"]})
    assert token.status_code == 200, token.body
    return str(token.json_body["access_token"])


def upload(client, pump, school: dict, body: bytes) -> dict:
    """test_uploads.upload, with time for a loaded machine: the class's week is a few hundred rows."""
    ticket = post(client, f"/schools/{school['id']}/uploads", {"filename": "oneroster.zip"},
                  system_token(client, school))
    assert ticket.status_code == 201, ticket.body
    assert requests.put(ticket.json_body["upload_url"], data=body, timeout=30).status_code == 200
    pump.drain(timeout=240)
    status = get(client, f"/schools/{school['id']}/uploads/{ticket.json_body['upload_id']}?limit=100",
                 system_token(client, school))
    assert status.status_code == 200
    return dict(status.json_body)


def registered_teachers(client, school: dict, generated: OneRosterSchool) -> None:
    """The generated teachers as verified accounts, made teachers of the school (as the bench does)."""
    for email, name in generated.teachers:
        if account_store.find_account_id(email) is None:
            account = AccountRecord(account_id=uuid.uuid4().hex, email=email, name=name,
                                    password_hash="test: no login", verified=True)
            account_store.save_registration(account, None, replacing_id=None)
        added = post(client, f"/schools/{school['id']}/teachers", {"email": email}, school["admin"])
        assert added.status_code == 201, added.body


def test_the_writer_is_deterministic_and_counts_what_the_school_has():
    first, again = oneroster(ONE_CLASS, 7), oneroster(ONE_CLASS, 7)
    assert first.files == again.files and first.teachers == again.teachers
    ours = generate(ONE_CLASS, 7).rows()
    assert first.rows() == {"classes": 1, "subjects": ours["teachings"], "terms": ours["terms"],
                            "teachings": ours["teachings"], "students": ours["students"], "grades": ours["grades"]}
    assert first.file_rows()["results"] == ours["grades"]
    assert first.file_rows()["demographics"] == ours["students"]  # every student has a birth date
    early = oneroster(ONE_CLASS, 7, until=FIRST_WEEK)
    assert 0 < early.rows()["grades"] == early.file_rows()["results"] < ours["grades"] / 20
    assert early.files["results"].splitlines() == first.files["results"].splitlines()[:early.rows()["grades"] + 1]


def test_one_class_as_oneroster_lands_whole_and_again_changes_nothing(client, pump, school):
    generated = oneroster(ONE_CLASS, 2026, until=FIRST_WEEK)
    registered_teachers(client, school, generated)
    body = generated.zipped()
    expected = sum(generated.rows().values())

    status = upload(client, pump, school, body)
    assert status["state"] == "done", status
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (expected, expected, 0)
    assert status["errors"] == []
    assert status["rows_changed"] == expected

    sid, admin = school["id"], school["admin"]
    [the_class] = get(client, f"/schools/{sid}/classes", admin).json_body["items"]
    assert (the_class["name"], the_class["grade_level"]) == ("1А", 1)
    roster = get(client, f"/schools/{sid}/students?class_id={the_class['class_id']}&limit=100",
                 admin).json_body["items"]
    assert len(roster) == generated.rows()["students"] and all(s["birth_date"] for s in roster)
    teachings = list(school_store.children(Teaching, sid, "TEACHING#", 100, None))
    assert len(teachings) == generated.rows()["teachings"]
    pupil = stable_id(sid, "student", "S-00001")
    before = {(i.pk, i.sk): int(i.version) for i in journal_store.student_days(pupil, "2026-09-01", "2027-05-31")}
    marks = [i for i in journal_store.student_days(pupil, "2026-09-01", "2027-05-31") if isinstance(i, Grade)]
    assert marks and all(1 <= int(g.value) <= 5 for g in marks)

    again = upload(client, pump, school, body)
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_changed"]) == (
        "done", expected, 0, 0)
    after = {(i.pk, i.sk): int(i.version) for i in journal_store.student_days(pupil, "2026-09-01", "2027-05-31")}
    assert after == before
