"""Issue 14, item 11: any name a person gives a file is taken (`Выгрузка (1).zip`, spaces, brackets,
Cyrillic), kept for display, and the stored key is the server's; a copy of `grades.csv` is still
grades."""

from __future__ import annotations

import pytest

from chalicelib import aws, settings
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, upload, zipped
from tests.journeys import get, post

school = test_uploads.school  # a school with a registered teacher and its system's token


def stored_keys(school_id: str, upload_id: str) -> list[str]:
    found = aws.client("s3").list_objects_v2(Bucket=settings.upload_bucket_name(),
                                             Prefix=f"incoming/{school_id}/{upload_id}/")
    return [o["Key"] for o in found.get("Contents", [])]


def test_a_zip_named_as_a_browser_saves_it_goes_through_end_to_end(client, pump, school):
    body = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students (1).csv": STUDENTS})
    # When the school's person uploads «Выгрузка (1).zip» (a second download of the same file)
    status = upload(client, pump, school, "Выгрузка (1).zip", body)
    # Then it is taken whole, shown under its own name, stored under the server's key
    assert (status["state"], status["rows_total"], status["rows_done"], status["rows_rejected"]) == ("done", 7, 7, 0)
    assert status["errors"] == []
    assert status["filename"] == "Выгрузка (1).zip"
    assert stored_keys(school["id"], status["upload_id"]) == [
        f"incoming/{school['id']}/{status['upload_id']}/upload.zip"]
    listed = get(client, f"/schools/{school['id']}/uploads", school["system"]).json_body["items"]
    assert [u["filename"] for u in listed if u["upload_id"] == status["upload_id"]] == ["Выгрузка (1).zip"]
    classes = get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"]
    roster = [s["last_name"] for c in classes for s in get(
        client, f"/schools/{school['id']}/students?class_id={c['class_id']}", school["admin"]).json_body["items"]]
    assert sorted(roster) == ["Алексеева", "Иванов", "Соколов"]  # "students (1).csv" read as students.csv
    # When the same file comes again under another copy's name / Then nothing changes
    again = upload(client, pump, school, "Выгрузка (2) [школа №17].ZIP", body)
    assert (again["state"], again["rows_done"], again["rows_changed"]) == ("done", 7, 0)


def test_a_copy_of_a_csv_is_still_its_kind(client, pump, school):
    assert upload(client, pump, school, "classes - Копия.csv", CLASSES.encode())["state"] == "done"
    status = upload(client, pump, school, "subjects (2).csv", SUBJECTS.encode())
    assert (status["state"], status["rows_done"], status["filename"]) == ("done", 2, "subjects (2).csv")
    assert stored_keys(school["id"], status["upload_id"]) == [
        f"incoming/{school['id']}/{status['upload_id']}/upload.csv"]
    again = upload(client, pump, school, "subjects (3).csv", SUBJECTS.encode())
    assert (again["rows_done"], again["rows_changed"]) == (2, 0)


def test_a_zip_holding_a_file_and_its_copy_is_a_duplicate(client, pump, school):
    body = zipped({"classes.csv": CLASSES, "classes (1).csv": CLASSES})
    status = upload(client, pump, school, "year.zip", body)
    assert (status["state"], status["reason"], status["rows_done"]) == ("failed", "duplicate_file", 0)


@pytest.mark.parametrize(("name", "status", "code"), [
    ("../../grades.csv", 400, "bad_filename"), ("incoming\\x.zip", 400, "bad_filename"),
    ("year.rar", 400, "bad_filename"), ("Выгрузка (1).csv", 400, "unknown_file"),
    ("year\u202egpj.zip", 422, "validation_failed"),  # the request's schema refuses it before the domain
])
def test_names_that_could_mislead_are_refused(client, pump, school, name, status, code):
    refused = post(client, f"/schools/{school['id']}/uploads", {"filename": name}, school["system"])
    assert (refused.status_code, refused.json_body["error"]["code"]) == (status, code)
    assert get(client, f"/schools/{school['id']}/uploads", school["system"]).json_body["items"] == []
