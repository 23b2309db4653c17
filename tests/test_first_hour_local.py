"""Issue 17, the local system: the README's upload command works as written, an upload whose file
never comes ends `expired`, every local service listens on loopback only, `make run` stops
cleanly on TERM and Ctrl-C, `make mailbox` finds the running system or says it is down, and the
demo school lies in no future, gives every class a week and alerts no one."""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
from pathlib import Path

import pytest

from ops.services import ROOT
from tests import test_uploads
from tests.journeys import get, post
from tests.test_uploads import CLASSES, zipped

school = test_uploads.school  # a school with a registered teacher and its system's token


# --- uploading with the README's command ------------------------------------------------------


def _readme_put(path: Path, url: str) -> list[str]:
    """The README's upload command, word for word, with this file and URL put in."""
    readme = (ROOT / "README.md").read_text()
    [line] = [line for line in readme.splitlines() if line.startswith("curl") and "-X PUT" in line]
    words = shlex.split(line.split("#")[0])
    return [f"@{path}" if w.startswith("@") else url if w == "<upload_url>" else w for w in words]


def _ask(client, school, filename: str) -> dict:
    ticket = post(client, f"/schools/{school['id']}/uploads", {"filename": filename}, school["system"])
    assert ticket.status_code == 201, ticket.body
    return dict(ticket.json_body)


def _status(client, school, upload_id: str) -> dict:
    found = get(client, f"/schools/{school['id']}/uploads/{upload_id}", school["system"])
    assert found.status_code == 200
    return dict(found.json_body)


@pytest.mark.parametrize("filename", ["classes.csv", "year.zip"])
def test_the_readme_curl_command_uploads_the_file_whole(client, pump, school, tmp_path, filename):
    from chalicelib import aws, settings

    body = CLASSES.encode() if filename.endswith(".csv") else zipped({"classes.csv": CLASSES})
    path = tmp_path / filename
    path.write_bytes(body)
    ticket = _ask(client, school, filename)
    # When the school's IT person copies the README's command (curl's default form content type)
    sent = subprocess.run(_readme_put(path, ticket["upload_url"]), capture_output=True, timeout=30)
    assert sent.returncode == 0, sent.stderr
    # Then the bucket holds the file byte for byte, and the upload is processed
    key = f"incoming/{school['id']}/{ticket['upload_id']}/{filename}"
    stored = aws.client("s3").get_object(Bucket=settings.upload_bucket_name(), Key=key)["Body"].read()
    assert stored == body
    pump.drain(timeout=60)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["rows_total"], status["rows_done"]) == ("done", 2, 2), status


def test_an_upload_whose_file_never_comes_ends_expired_once_its_url_lapsed(client, school, monkeypatch):
    from chalicelib.dal import files
    from chalicelib.domain import importer

    ticket = _ask(client, school, "grades.csv")
    asked = dt.datetime.now(dt.UTC)
    # While its URL is good (and a little after: a PUT begun in time may still be arriving) it waits
    monkeypatch.setattr(importer, "clock", lambda: asked + dt.timedelta(seconds=files.PUT_URL_SECONDS))
    assert _status(client, school, ticket["upload_id"])["state"] == "awaiting_file"
    # Once the URL has lapsed and nothing came, reading it ends it
    lapsed = asked + dt.timedelta(seconds=files.PUT_URL_SECONDS) + importer.ARRIVAL_GRACE + dt.timedelta(seconds=5)
    monkeypatch.setattr(importer, "clock", lambda: lapsed)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["reason"]) == ("expired", "url_expired") and status["finished_at"]
    listed = get(client, f"/schools/{school['id']}/uploads", school["system"]).json_body["items"]
    assert [u["state"] for u in listed if u["upload_id"] == ticket["upload_id"]] == ["expired"]


def test_a_file_that_comes_after_the_upload_expired_changes_nothing(client, pump, school, monkeypatch):
    import requests

    from chalicelib.dal import files
    from chalicelib.domain import importer

    ticket = _ask(client, school, "classes.csv")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=files.PUT_URL_SECONDS) + importer.ARRIVAL_GRACE * 2
    monkeypatch.setattr(importer, "clock", lambda: later)
    assert _status(client, school, ticket["upload_id"])["state"] == "expired"
    assert requests.put(ticket["upload_url"], data=CLASSES.encode(), timeout=10).status_code == 200
    pump.drain(timeout=60)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["rows_done"]) == ("expired", 0)

