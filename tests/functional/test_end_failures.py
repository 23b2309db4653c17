"""Issue 14, item 8: no exception wedges an upload. A bug while planning or in a chunk ends the upload
`failed`, `internal_error` at once (no redelivery), the chunks before it kept whole; an AWS failure
that may pass gets the queue's retries, and the last one ends the upload; a message the worker never
got past lands on the dead-letter queue and its upload shows `failed` when read."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from botocore.exceptions import ClientError

from chalicelib import aws, clock, settings
from chalicelib.dal import journal as journal_store
from chalicelib.dal.models import Grade
from chalicelib.domain import import_rows, importer
from chalicelib.domain import uploads as upload_domain
from chalicelib.domain.import_rows import stable_id
from chalicelib.errors import UnavailableError
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, upload, zipped

school = test_uploads.school  # a school with a registered teacher and its system's token

GRADES = ("grade_id,student_id,date,starts_at,subject,value\n"
          + "".join(f"G-{n},S-00{1 + n % 2},2026-09-07,08:30,Математика,{2 + n % 4}\n" for n in range(1, 7)))


def base(client, pump, school) -> None:
    roster = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": STUDENTS,
                     "schedule.csv": test_uploads.schedule(school["teacher"])})
    assert upload(client, pump, school, "base.zip", roster)["state"] == "done"


def grade_ids(school_id: str) -> list[str]:
    found = []
    for student in ("S-001", "S-002"):
        pupil = stable_id(school_id, "student", student)
        found += [g.grade_id for g in journal_store.student_days(pupil, "2026-09-07", "2026-09-07")
                  if isinstance(g, Grade)]
    return found


def dead_letters() -> list[dict]:
    """Every message on the uploads dead-letter queue, taken off it."""
    sqs = aws.client("sqs")
    url = aws.queue_url(settings.uploads_queue_name() + "-dlq")
    found = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages"):
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetObject")


def assert_failed_inside(status: dict) -> None:
    assert (status["state"], status["reason"]) == ("failed", "internal_error"), status
    assert status["detail"] == importer.INTERNAL_ERROR_DETAIL
    assert "Traceback" not in status["detail"] and "NaN" not in status["detail"]


def test_a_bug_while_planning_fails_the_upload_at_once_and_a_new_upload_goes_through(
        client, pump, school, monkeypatch, caplog):
    base(client, pump, school)
    dead_letters()

    def bug(*_args, **_kwargs):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr(importer, "_plan_files", bug)
    retried = pump.failed
    # When planning raises what no retry can mend
    with caplog.at_level(logging.ERROR, logger="chalicelib.events.uploads"):
        status = upload(client, pump, school, "grades.csv", GRADES.encode())
    # Then the upload ends failed with a safe sentence, on the first delivery, nothing dead-lettered
    assert_failed_inside(status)
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["errors"]) == (0, 0, 0, [])
    assert pump.failed == retried
    assert dead_letters() == []
    assert any(r.exc_info and "failed for good" in r.getMessage() for r in caplog.records)  # the traceback, logged
    assert grade_ids(school["id"]) == []
    # When the bug is gone the file goes through, and once more changes nothing
    monkeypatch.undo()
    again = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_changed"]) == ("done", 6, 0, 6)
    assert (upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"]) == 0


def test_a_bug_in_a_chunk_fails_the_upload_keeps_the_chunks_before_and_runs_none_after(
        client, pump, school, monkeypatch):
    base(client, pump, school)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    real_build, calls = import_rows.build, []

    def second_chunk_breaks(kind, rows, ctx):
        calls.append(kind)
        if len(calls) == 2:
            raise KeyError("lesson")
        return real_build(kind, rows, ctx)

    monkeypatch.setattr(import_rows, "build", second_chunk_breaks)
    retried = pump.failed
    # When the second of three chunks raises
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    # Then the upload is failed, the first chunk is counted and stored whole, the third never ran
    assert_failed_inside(status)
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_changed"]) == (6, 2, 0, 2)
    assert calls == ["grades", "grades"]
    assert pump.failed == retried
    assert len(grade_ids(school["id"])) == 2
    # and a chunk of it delivered late changes nothing
    from chalicelib.events import uploads as handler

    handler.run_chunk(status["upload_id"], 2)
    assert len(grade_ids(school["id"])) == 2
    # When uploaded again without the bug, the rest lands and the first two are not written twice
    monkeypatch.setattr(import_rows, "build", real_build)
    again = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert (again["state"], again["rows_done"], again["rows_changed"]) == ("done", 6, 4)
    assert len(grade_ids(school["id"])) == 6
    assert upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"] == 0


def test_a_throttled_plan_is_retried_and_goes_through(client, pump, school, monkeypatch):
    base(client, pump, school)
    real_plan, calls = importer.plan, []

    def throttled_twice(key):
        calls.append(key)
        if len(calls) <= 2:
            raise throttled()
        return real_plan(key)

    monkeypatch.setattr(importer, "plan", throttled_twice)
    retried = pump.failed
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert (status["state"], status["rows_done"], status["rows_changed"]) == ("done", 6, 6)
    assert (len(calls), pump.failed - retried) == (3, 2)
    assert upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"] == 0


def test_an_upload_throttled_on_every_delivery_ends_failed_on_the_last(client, pump, school, monkeypatch):
    base(client, pump, school)
    dead_letters()
    calls = []

    def always_throttled(key):
        calls.append(key)
        raise throttled()

    monkeypatch.setattr(importer, "plan", always_throttled)
    retried = pump.failed
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    assert_failed_inside(status)
    assert (len(calls), pump.failed - retried) == (5, 4)  # four retries, then the fifth delivery ends it
    assert dead_letters() == []
    monkeypatch.undo()
    assert upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"] == 6


def test_a_dead_lettered_upload_shows_failed_when_read(client, pump, school, monkeypatch):
    base(client, pump, school)
    dead_letters()

    def always_throttled(_key):
        raise throttled()

    def database_away(*_args, **_kwargs):
        raise UnavailableError()

    # Given a worker that can neither plan the file nor record that it failed (the database away throughout)
    monkeypatch.setattr(importer, "plan", always_throttled)
    monkeypatch.setattr(importer, "give_up", database_away)
    status = upload(client, pump, school, "grades.csv", GRADES.encode())
    # Then its S3 notification is on the dead-letter queue, and at first the upload still waits
    parked = dead_letters()
    assert [unquote(m) for m in parked] == [f"incoming/{school['id']}/{status['upload_id']}/upload.csv"]
    assert status["state"] == "awaiting_file"
    monkeypatch.undo()
    arrived = dt.datetime.now(dt.UTC)

    def read_at(later: dt.timedelta) -> dict:
        monkeypatch.setattr(clock, "now", lambda: arrived + later)
        return upload_domain.status(school["id"], status["upload_id"], 10, None, "ru")

    # While its planning may still come back from the queue, it waits (past its URL, within the hour)
    assert read_at(dt.timedelta(minutes=30))["state"] == "awaiting_file"
    # When read an hour after the file arrived, it is failed, not "expired: no file arrived"
    assert_failed_inside(read_at(dt.timedelta(hours=1, minutes=1)))
    listed = upload_domain.list_for(school["id"], 10, None, "ru")["items"]
    assert [(u["state"], u["reason"]) for u in listed if u["upload_id"] == status["upload_id"]] == [
        ("failed", "internal_error")]
    monkeypatch.undo()
    # and the school's next upload of the file goes through, then changes nothing
    assert upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"] == 6
    assert upload(client, pump, school, "grades.csv", GRADES.encode())["rows_changed"] == 0


def unquote(message: dict) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(message["Records"][0]["s3"]["object"]["key"])


@pytest.fixture(autouse=True)
def _quick_chunks(monkeypatch):
    """Each test sets its own chunk size, and leaves the module's as it found it."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", importer.CHUNK_ROWS)
