"""Hostile uploads: zip bombs are refused by what they declare and by what they yield, a flood of
bad rows gives a capped report with an exact summary, and an upload's items expire with it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from chalicelib.domain import import_format as fmt
from tests.functional import test_uploads
from tests.functional.test_uploads import upload, zipped
from tests.journeys import get

school = test_uploads.school  # a school with a registered teacher and its system's token

GRADES_HEADER = "grade_id,student_id,date,starts_at,subject,value\n"


def deflated(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def nothing_written(client, school) -> bool:
    return get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"] == []


def test_a_member_packed_beyond_the_ratio_is_refused_before_it_is_read(client, pump, school):
    # Given 20 MB of one row over and over: a few KB zipped, far beyond any real export's 20:1
    body = deflated({"classes.csv": b"name,grade_level\n" + b"5A,5\n" * 5_000_000})
    assert len(body) < 100_000
    status = upload(client, pump, school, "bomb.zip", body)
    assert (status["state"], status["reason"]) == ("failed", "compression_too_high")
    assert "classes.csv" in status["detail"] and status["rows_total"] == 0
    assert nothing_written(client, school)


def test_a_member_larger_than_its_bound_is_refused(client, pump, school, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_MEMBER_BYTES", 64 * 1024)
    rows = "".join(f"{n}А,{n % 11 + 1}\n" for n in range(10_000)).encode()  # ~80 KB, ordinary ratio
    status = upload(client, pump, school, "big.zip", deflated({"classes.csv": b"name,grade_level\n" + rows}))
    assert (status["state"], status["reason"]) == ("failed", "member_too_large")
    assert nothing_written(client, school)


def test_too_many_files_or_too_much_in_all_is_refused(client, pump, school, monkeypatch):
    many = {f"dir{n}/classes.csv": b"name,grade_level\n5A,5\n" for n in range(fmt.MAX_FILES + 1)}
    status = upload(client, pump, school, "many.zip", deflated(many))
    assert (status["state"], status["reason"]) == ("failed", "too_many_files")
    monkeypatch.setattr(fmt, "MAX_UNPACKED_BYTES", 1000)
    two = {"classes.csv": b"name,grade_level\n" + b"5A,5\n" * 150, "subjects.csv": b"name\n" + b"Math\n" * 150}
    status = upload(client, pump, school, "two.zip", deflated(two))
    assert (status["state"], status["reason"]) == ("failed", "unpacked_too_large")
    assert nothing_written(client, school)


def test_the_reader_of_a_member_stops_at_its_bound_whatever_the_header_says():
    # A stream that yields more than its directory entry claimed (a lying header) is cut off at
    # the claim: the reader never hands over more than one buffer past it.
    class Endless(io.RawIOBase):
        given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b"x" * len(buffer)
            Endless.given += len(buffer)
            return len(buffer)

    bounded = io.BufferedReader(fmt.BoundedReader(Endless(), "users.csv", 100_000))
    with pytest.raises(fmt.FileRefusedError) as refused:
        for _ in fmt.text_stream(bounded, "utf-8"):
            pass
    assert refused.value.code == "member_too_large"
    assert Endless.given <= 100_000 + 1


def test_thousands_of_bad_rows_give_a_capped_report_and_an_exact_summary(client, pump, school):
    from chalicelib.domain.importer import REPORT_ERRORS

    # Given 2,500 rows no school could mean (two chunks), of two kinds of mistake
    rows = [f"G-{n},S-{n},2026-09-07,08:30,Математика,7\n" for n in range(1500)]
    rows += [f"G-{n},S-{n},31.02.2026,08:30,Математика,4\n" for n in range(1500, 2500)]
    status = upload(client, pump, school, "grades.zip", zipped({"grades.csv": GRADES_HEADER + "".join(rows)}))
    # Then every row is counted, by code, but only the first REPORT_ERRORS are listed
    assert status["state"] == "done"
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (2500, 0, 2500)
    assert status["rejected_by_code"] == {"out_of_range": 1500, "bad_date": 1000}
    assert status["errors_listed"] == REPORT_ERRORS == 1000
    listed, cursor = [], None
    while True:
        page = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}?limit=100"
                           + (f"&cursor={cursor}" if cursor else ""), school["system"]).json_body
        listed += page["errors"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(listed) == 1000
    assert [e["line"] for e in listed] == list(range(2, 1002))  # the first rows of the file, in order
    assert {e["code"] for e in listed} == {"out_of_range"}


def test_every_item_of_an_upload_expires_with_it(client, pump, school):
    from chalicelib.dal.models import DiaryItem, Upload, UploadChunk, UploadErrorCount, UploadRowError

    body = GRADES_HEADER + "G-1,S-1,2026-09-07,08:30,Математика,7\nG-2,S-2,2026-09-07,08:30,Математика,9\n"
    status = upload(client, pump, school, "grades.csv", body.encode())
    items = list(DiaryItem.query(f"UPLOAD#{status['upload_id']}"))
    kinds = {type(i) for i in items}
    assert kinds == {Upload, UploadChunk, UploadRowError, UploadErrorCount}
    assert len(items) == 5  # the upload, its chunk's marker, two row errors, their count
    [the_upload] = [i for i in items if isinstance(i, Upload)]
    assert the_upload.expires_at is not None
    left = the_upload.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=89) < left <= dt.timedelta(days=90)
    assert all(i.expires_at == the_upload.expires_at for i in items)


def test_an_event_at_the_calendars_end_is_a_row_error_and_the_upload_ends(client, pump, school):
    # Given a school's export with an event dated 9999-12-31 (a moved event is looked for a year
    # either side, which overflows there) and one dated 0001-01-01, beside two good events
    events = ("event_id,title,date,starts_at,ends_at,place,description,classes\n"
              "E-1,День знаний,2026-09-01,10:00,11:00,Актовый зал,,\n"
              "E-2,Конец света,9999-12-31,,,,,\n"
              "E-3,Начало времён,01.01.0001,,,,,\n"
              "E-4,Концерт,2026-10-01,12:00,13:00,,,\n")
    status = upload(client, pump, school, "events.csv", events.encode())
    # Then the upload ends, the two odd dates are row errors and the good rows are stored
    assert status["state"] == "done", status
    assert (status["rows_done"], status["rows_rejected"]) == (2, 2)
    assert [(e["line"], e["column"], e["code"]) for e in status["errors"]] == [
        (3, "date", "bad_date"), (4, "date", "bad_date")]
    stored = get(client, f"/schools/{school['id']}/events?from=2026-09-01&to=2026-10-31", school["admin"])
    assert sorted(e["title"] for e in stored.json_body["items"]) == ["День знаний", "Концерт"]
