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

from ops.services import ROOT, free_port
from tests.functional import test_uploads
from tests.functional.test_uploads import CLASSES, zipped
from tests.journeys import get, post

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
    key = f"incoming/{school['id']}/{ticket['upload_id']}/upload.{filename.rsplit('.', 1)[-1]}"  # the server's name
    stored = aws.client("s3").get_object(Bucket=settings.upload_bucket_name(), Key=key)["Body"].read()
    assert stored == body
    pump.drain(timeout=60)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["rows_total"], status["rows_done"]) == ("done", 2, 2), status


def test_an_upload_whose_file_never_comes_ends_expired_once_its_url_lapsed(client, school, monkeypatch):
    from chalicelib import clock
    from chalicelib.dal import files
    from chalicelib.domain import importer

    ticket = _ask(client, school, "grades.csv")
    asked = dt.datetime.now(dt.UTC)
    # While its URL is good (and a little after: a PUT begun in time may still be arriving) it waits
    monkeypatch.setattr(clock, "now", lambda: asked + dt.timedelta(seconds=files.PUT_URL_SECONDS))
    assert _status(client, school, ticket["upload_id"])["state"] == "awaiting_file"
    # Once the URL has lapsed and nothing came, reading it ends it
    lapsed = asked + dt.timedelta(seconds=files.PUT_URL_SECONDS) + importer.ARRIVAL_GRACE + dt.timedelta(seconds=5)
    monkeypatch.setattr(clock, "now", lambda: lapsed)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["reason"]) == ("expired", "url_expired") and status["finished_at"]
    listed = get(client, f"/schools/{school['id']}/uploads", school["system"]).json_body["items"]
    assert [u["state"] for u in listed if u["upload_id"] == ticket["upload_id"]] == ["expired"]


def test_a_file_that_comes_after_the_upload_expired_changes_nothing(client, pump, school, monkeypatch):
    import requests

    from chalicelib import clock
    from chalicelib.dal import files
    from chalicelib.domain import importer

    ticket = _ask(client, school, "classes.csv")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=files.PUT_URL_SECONDS) + importer.ARRIVAL_GRACE * 2
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _status(client, school, ticket["upload_id"])["state"] == "expired"
    assert requests.put(ticket["upload_url"], data=CLASSES.encode(), timeout=10).status_code == 200
    pump.drain(timeout=60)
    status = _status(client, school, ticket["upload_id"])
    assert (status["state"], status["rows_done"]) == ("expired", 0)



# --- `make run`: loopback only, a clean stop, the mailbox -------------------------------------


def _run_local(state: Path, ports: dict[str, int]) -> tuple[subprocess.Popen, Path]:
    """`python -m ops.run_local` in its own session (as `make run` in a terminal), up to its banner;
    its stderr goes to a file the test reads after the stop."""
    import os
    import signal
    import sys
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update({"LOCAL_STATE_DIR": str(state), "PORT": str(ports["api"]),
                "DYNAMODB_PORT": str(ports["ddb"]), "MOTO_PORT": str(ports["moto"]), "WEB_PORT": str(free_port())})
    errors = state / "stderr.txt"
    with open(errors, "w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "ops.run_local"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=stderr, text=True, start_new_session=True)
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            return proc, errors
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("make run did not come up:\n" + "".join(lines) + errors.read_text())


def _listening(pids: list[int]) -> dict[int, str]:
    """port → local address of every TCP socket these processes listen on (/proc/net/tcp{,6})."""
    import os

    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            words = row.split()
            local, state, inode = words[1], words[3], words[9]
            if state == "0A" and inode in inodes:  # LISTEN
                address, port = local.split(":")
                found[int(port, 16)] = address
    return found


LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def _mailbox(env_update: dict[str, str]) -> subprocess.CompletedProcess:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("MOTO_PORT", "LOCAL_STATE_DIR")} | env_update
    return subprocess.run([sys.executable, "-m", "ops.mailbox"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_make_run_listens_on_loopback_only_stops_cleanly_and_its_mailbox_finds_it(tmp_path):
    import os
    import signal
    import time

    import requests

    from ops.services import free_port
    from tests.e2e.test_security_local_system import _processes_on, _wait_until_gone

    ports = {"api": free_port(), "ddb": free_port(), "moto": free_port()}
    for signum in (signal.SIGTERM, signal.SIGINT):
        proc, errors = _run_local(tmp_path, ports)
        try:
            if signum == signal.SIGTERM:
                # Every service listens, and only on 127.0.0.1
                listening = _listening([proc.pid, *_processes_on(ports)])
                assert set(ports.values()) <= set(listening), listening
                assert {port: a for port, a in listening.items() if a not in LOOPBACK} == {}
                # The mailbox finds the running system with no port given (make run recorded it)
                email = "mailbox@demo.ediary.example"
                assert requests.post(f"http://127.0.0.1:{ports['api']}/auth/register", timeout=30, json={
                    "email": email, "name": "Новиков Олег"}).status_code == 202
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    shown = _mailbox({"LOCAL_STATE_DIR": str(tmp_path)})
                    assert shown.returncode == 0, shown.stderr
                    if f"email to {email}" in shown.stdout:
                        break
                    time.sleep(0.5)
                else:
                    raise AssertionError("the mailbox did not show the verification email")
                assert f"email to {email}" in _mailbox({"MOTO_PORT": str(ports["moto"])}).stdout
        finally:
            # When TERM (kill) or Ctrl-C (INT) reaches the runner
            os.kill(proc.pid, signum)
            returncode = proc.wait(timeout=120)
        # Then it exits 0, says nothing went wrong, and leaves no process behind
        assert returncode == 0, errors.read_text()
        assert "Traceback" not in errors.read_text() and "RuntimeError" not in errors.read_text()
        assert _wait_until_gone(ports) == []

    # With the system down the mailbox says so in one line, and fails
    down = _mailbox({"MOTO_PORT": str(ports["moto"])})
    assert down.returncode == 1 and "not running" in down.stderr and len(down.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "running.json").exists()  # a stopped system is not looked for


# --- the demo school -------------------------------------------------------------------------


def _sms_to(phone: str) -> list:
    from tests.conftest import sent_sms

    return sent_sms(phone)


def test_the_demo_school_lies_in_no_future_gives_every_class_a_week_and_alerts_no_one(aws, pump):
    from chalicelib.dal import accounts as account_store
    from chalicelib.dal import children as child_store
    from chalicelib.dal import journal as journal_store
    from chalicelib.domain import journal, schools
    from chalicelib.domain.tokens import Caller
    from ops.seed_demo import PARENT, PARENT_PHONE, TEACHER, TIMETABLE, school_days, seed
    from tests.conftest import sent_emails

    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    # Given the demo seeded on this week's Monday, then started again today (the mending)
    school_id = seed(today=monday)
    assert seed(today=today) == school_id
    pump.drain(timeout=120)
    # Then every class has its lessons on each school day so far, and none later
    classes = {c["name"]: c["class_id"] for c in schools.list_classes(school_id, 100, None)["items"]}
    assert set(TIMETABLE) <= set(classes)
    for name in TIMETABLE:
        lessons = journal.class_lessons(school_id, classes[name], monday, monday + dt.timedelta(days=6))
        assert {lesson["date"] for lesson in lessons} == {d.isoformat() for d in school_days(today)}, name
        assert len(lessons) == 2 * len(school_days(today)) and any(lesson["topic"] for lesson in lessons)
        for lesson in lessons:
            homework = lesson["homework"]
            assert homework is None or homework["due_date"] <= today.isoformat(), lesson
    [link] = child_store.children_of(account_store.find_account_id(PARENT.email), 10, None)
    grades = journal_store.student_days(link.student_id, monday.isoformat(), "9999-12-31")
    assert grades and max(item.date for item in grades) <= today.isoformat()
    # and the seeding told no one: no email, no SMS to the demo parent
    assert sent_emails(PARENT.email) == [] and _sms_to(PARENT_PHONE) == []
    # while a grade the teacher posts now reaches the parent as ever
    teacher = Caller(account_store.find_account_id(TEACHER.email), frozenset({f"teacher:{school_id}"}))
    maths = next(lesson for lesson in journal.class_lessons(school_id, classes["5А"], monday, today)
                 if lesson["topic"])
    journal.post_grade(teacher, school_id, classes["5А"], maths["lesson_id"], {
        "student_id": link.student_id, "value": 4, "weight": 1, "work_kind": "oral", "remark": None})
    pump.drain(timeout=60)
    assert len(sent_emails(PARENT.email)) == 1
