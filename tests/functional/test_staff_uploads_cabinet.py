"""An administrator uploads from the cabinet: the API's `cabinet_path` is a pre-signed PUT on the
cabinet's own origin, which ops/web_server.py forwards to the upload bucket (CloudFront does in AWS),
and the file goes through the S3 notification, the queue and the pump exactly as a school system's."""

from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from ops import services, web_server
from tests.functional.test_uploads import CLASSES, STUDENTS, SUBJECTS, zipped
from tests.journeys import get, post, school_with_admin

BUCKET = os.environ["UPLOAD_BUCKET"]
BAD_STUDENTS = STUDENTS + "S-004,Петров,,,2015-01-01,5А\nS-005,Орлов,Иван,,2015-01-01,9Я\n"


def serve(s3_url: str) -> tuple[ThreadingHTTPServer, int]:
    port = services.free_port()
    server = web_server.serve(port, services.free_port(), s3=(s3_url, BUCKET))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


@pytest.fixture
def cabinet(aws) -> Iterator[int]:
    """The cabinet's server in front of the test session's moto S3."""
    server, port = serve(os.environ["AWS_ENDPOINT_URL"])
    yield port
    server.shutdown()


def put_via_cabinet(port: int, path: str, body: bytes, **headers: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("PUT", path, body=body, headers={"Content-Type": "application/zip", **headers})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def report(client, school_id: str, upload_id: str, admin: str) -> dict[str, Any]:
    status = get(client, f"/schools/{school_id}/uploads/{upload_id}?limit=100", admin)
    assert status.status_code == 200
    return dict(status.json_body)


def test_an_administrator_uploads_through_the_cabinet_as_a_system_does_directly(client, pump, cabinet):
    school_id, admin = school_with_admin(client, pump)
    body = zipped({"classes.csv": CLASSES, "subjects.csv": SUBJECTS, "students.csv": BAD_STUDENTS})
    outcomes = []
    for via_cabinet in (True, False):
        ticket = post(client, f"/schools/{school_id}/uploads", {"filename": "Выгрузка (1).zip"}, admin)
        assert ticket.status_code == 201, ticket.body  # an administrator may upload (SCHOOL_UPLOADER)
        upload_id, path = ticket.json_body["upload_id"], ticket.json_body["cabinet_path"]
        assert path.startswith(f"/{BUCKET}/incoming/{school_id}/{upload_id}/") and "X-Amz-Signature=" in path
        if via_cabinet:
            assert put_via_cabinet(cabinet, path, body, Cookie="ediary_session=x", Authorization="Bearer x") == 200
        else:
            assert requests.put(ticket.json_body["upload_url"], data=body, timeout=10).status_code == 200
        pump.drain(timeout=60)
        outcomes.append(report(client, school_id, upload_id, admin))
    browser, direct = outcomes
    assert browser["state"] == "done" and browser["rows_rejected"] == 2
    assert browser["rows_total"] == direct["rows_total"] and browser["rows_done"] == direct["rows_done"]
    assert browser["rows_rejected"] == direct["rows_rejected"]
    assert ([(e["file"], e["line"], e["column"], e["code"]) for e in browser["errors"]]
            == [(e["file"], e["line"], e["column"], e["code"]) for e in direct["errors"]])
    csv = get(client, f"/schools/{school_id}/uploads/{browser['upload_id']}/report.csv?severity=rejected", admin)
    assert csv.status_code == 200 and csv.body.decode("utf-8-sig").count("\r\n") == 3  # the head and two rows


def test_the_cabinet_forwards_only_the_upload_put_with_its_query_and_none_of_the_session():
    seen: list[dict[str, Any]] = []

    class FakeS3(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers["Content-Length"])
            seen.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    fake = ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    s3_url = f"http://127.0.0.1:{fake.server_address[1]}"
    server, port = serve(s3_url)
    try:
        path = f"/{BUCKET}/incoming/s-1/u-1/upload.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab"
        assert put_via_cabinet(port, path, b"PK\x03\x04zip", Cookie="ediary_session=secret",
                               Authorization="Bearer secret") == 200
        [put] = seen
        assert put["path"] == path and put["body"] == b"PK\x03\x04zip"
        names = {k.lower(): v for k, v in put["headers"].items()}
        assert names["host"] == urlsplit(s3_url).netloc  # the host the signature covers
        assert "cookie" not in names and "authorization" not in names
        assert names["content-type"] == "application/zip"
        # nothing else of the bucket is reachable through the cabinet
        assert put_via_cabinet(port, f"/{BUCKET}/normalised/x.csv?X-Amz-Signature=ab", b"x") == 405
        assert put_via_cabinet(port, "/other-bucket/incoming/x?X-Amz-Signature=ab", b"x") == 405
        assert requests.get(f"http://127.0.0.1:{port}{path}", timeout=10).status_code == 404
        assert len(seen) == 1
    finally:
        server.shutdown()
        fake.shutdown()
