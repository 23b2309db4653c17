"""The local system under faults: DynamoDB Local killed under `make run` comes back while the API
answers 503 and the pump goes on; a group TERM leaves no process behind; a restart finds the demo
class among hundreds; an upload a restart or a dead worker left `processing` goes on or ends."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ops.moto_server import read_mailbox
from ops.services import ROOT, free_port
from tests.functional import test_uploads
from tests.functional.test_uploads import zipped
from tests.journeys import get

school = test_uploads.school  # a school with a registered teacher and its system's token


# --- the runner, end to end ---------------------------------------------------------------


def _start(state: Path, ports: dict[str, int], until: str = "Ctrl-C stops everything") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update({"LOCAL_STATE_DIR": str(state), "PORT": str(ports["api"]),
                "DYNAMODB_PORT": str(ports["ddb"]), "MOTO_PORT": str(ports["moto"]), "WEB_PORT": str(free_port())})
    # Its own process group, as `make run` in a terminal: a group signal reaches the runner alone.
    proc = subprocess.Popen([sys.executable, "-m", "ops.run_local"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if until in line:
            return proc
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("make run did not come up:\n" + "".join(lines))


def _processes_on(ports: dict[str, int]) -> list[int]:
    """Pids of the processes started for these ports (DynamoDB Local, moto, chalice local)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(str(p).encode() in words for p in ports.values()):
            found.append(int(entry.name))
    return found


def _dynamodb_pid(ports: dict[str, int]) -> int:
    for pid in _processes_on(ports):
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"-port" in words and words[words.index(b"-port") + 1] == str(ports["ddb"]).encode():
            return pid
    raise AssertionError("DynamoDB Local is not running")


def _wait_until_gone(ports: dict[str, int], timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _processes_on(ports):
        time.sleep(0.2)
    return _processes_on(ports)


def _login(api: str) -> requests.Response:
    return requests.post(f"{api}/auth/login", timeout=90,
                         json={"email": "admin@demo.ediary.example", "password": "Demo-Admin-2026"})


def test_dynamodb_local_killed_comes_back_and_a_group_term_stops_everything(tmp_path):
    ports = {"api": free_port(), "ddb": free_port(), "moto": free_port()}
    api = f"http://127.0.0.1:{ports['api']}"
    proc = _start(tmp_path, ports)
    try:
        assert _login(api).status_code == 200
        # Given DynamoDB Local killed while the runner is held still (so the outage is seen for sure)
        os.kill(proc.pid, signal.SIGSTOP)
        os.kill(_dynamodb_pid(ports), signal.SIGKILL)
        # Then the API still answers, 503 rather than 500 or a hang
        assert requests.get(f"{api}/health", timeout=90).status_code == 503
        down = _login(api)
        assert down.status_code == 503 and down.json()["error"]["code"] == "service_unavailable"
        # When the runner goes on, DynamoDB Local is started again on its data and the API answers again
        os.kill(proc.pid, signal.SIGCONT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and requests.get(f"{api}/health", timeout=90).status_code != 200:
            time.sleep(0.1)
        assert _login(api).status_code == 200  # the demo accounts are still there
        # and the pump goes on: a registration's code is mailed through the queue after the outage
        email = "after-outage@demo.ediary.example"
        assert requests.post(f"{api}/auth/register", timeout=30, json={
            "email": email, "name": "Новиков Олег"}).status_code == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if read_mailbox(ports["moto"], email)["emails"]:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the verification email was not sent after DynamoDB Local came back")
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        # When the whole group is told to stop (kill -TERM -<pgid>)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    # Then nothing it started is left running
    assert _wait_until_gone(ports) == []


def test_a_group_term_during_start_leaves_nothing_behind(tmp_path):
    ports = {"api": free_port(), "ddb": free_port(), "moto": free_port()}
    proc = _start(tmp_path, ports, until="Starting DynamoDB Local")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _processes_on(ports):
        time.sleep(0.05)
    assert _processes_on(ports), "DynamoDB Local was not being started"
    os.killpg(proc.pid, signal.SIGTERM)  # while it waits for DynamoDB Local's port
    proc.wait(timeout=60)
    assert _wait_until_gone(ports) == []


def test_a_runner_killed_outright_takes_its_services_with_it(tmp_path):
    ports = {"api": free_port(), "ddb": free_port(), "moto": free_port()}
    proc = _start(tmp_path, ports, until="Starting DynamoDB Local")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_processes_on(ports)) < 2:  # DynamoDB Local and moto
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)  # no handler runs: the kernel tells the children
    proc.wait(timeout=10)
    assert _wait_until_gone(ports) == []


# --- the demo school's restart --------------------------------------------------------------


def test_a_restart_finds_the_demo_class_among_more_than_a_page_of_classes(aws):
    from chalicelib.dal.models import SchoolClass
    from chalicelib.dal.schools import school_pk
    from ops.seed_demo import seed

    school_id = seed()
    # 101 classes whose ids sort before any other: 5А is not on the first page of 100
    for n in range(101):
        class_id = f"{n:032d}"
        SchoolClass(school_pk(school_id), f"CLASS#{class_id}", class_id=class_id, school_id=school_id,
                    name=f"Кружок {n}", grade_level=5).save()
    try:
        assert seed() == school_id  # a restart
    finally:
        for n in range(101):
            SchoolClass(school_pk(school_id), f"CLASS#{n:032d}").delete()


# --- uploads a restart or a dead worker left processing ---------------------------------------


STUDENTS = "student_id,last_name,first_name,birth_date,class\n" + "".join(
    f"S-{n:03d},Ученик{n:03d},Тест,2015-01-01,5А\n" for n in range(7))


def _left_processing(client, pump, school, monkeypatch) -> str:
    """An upload whose chain of chunks stopped after the first (its worker died)."""
    from chalicelib.domain import importer
    from chalicelib.events import uploads as handler

    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    real = handler.enqueue_chunk
    monkeypatch.setattr(handler, "enqueue_chunk", lambda upload_id, index: real(upload_id, index) if index == 0
                        else None)
    status = test_uploads.upload(client, pump, school, "roster.zip",
                                 zipped({"classes.csv": "name,grade_level\n5А,5\n", "students.csv": STUDENTS}))
    assert (status["state"], status["rows_done"]) == ("processing", 1)
    monkeypatch.setattr(handler, "enqueue_chunk", real)
    return str(status["upload_id"])


def _status(client, school, upload_id: str) -> dict:
    found = get(client, f"/schools/{school['id']}/uploads/{upload_id}", school["system"])
    assert found.status_code == 200
    return dict(found.json_body)


def test_an_upload_left_processing_goes_on_from_its_next_chunk_at_a_restart(client, pump, school, monkeypatch):
    from ops.resume_uploads import resume_all

    upload_id = _left_processing(client, pump, school, monkeypatch)
    resumed, _ = resume_all()
    assert resumed >= 1
    pump.drain(timeout=60)
    assert {k: _status(client, school, upload_id)[k] for k in ("state", "rows_total", "rows_done")} == {
        "state": "done", "rows_total": 8, "rows_done": 8}


def test_an_upload_whose_file_a_restart_lost_ends_failed(client, pump, school, monkeypatch):
    from chalicelib import aws, settings
    from ops.resume_uploads import resume_all

    upload_id = _left_processing(client, pump, school, monkeypatch)
    aws.client("s3").delete_object(Bucket=settings.upload_bucket_name(), Key=f"processed/{upload_id}/plan.json")
    resume_all()
    status = _status(client, school, upload_id)
    assert (status["state"], status["reason"]) == ("failed", "interrupted")


@pytest.mark.parametrize("hours", [0.5, 2])
def test_an_upload_without_progress_for_an_hour_is_ended_when_read(client, pump, school, monkeypatch, hours):
    from chalicelib.dal import uploads as store
    from chalicelib.dal.models import Upload

    upload_id = _left_processing(client, pump, school, monkeypatch)
    upload = store.get_upload(upload_id)
    assert upload is not None
    then = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
    upload.update(actions=[Upload.progress_at.set(then)])
    status = _status(client, school, upload_id)
    listed = get(client, f"/schools/{school['id']}/uploads", school["system"]).json_body["items"]
    if hours < 1:
        assert status["state"] == "processing"  # slow is not dead
    else:
        assert (status["state"], status["reason"]) == ("failed", "stalled")
        assert [u["state"] for u in listed if u["upload_id"] == upload_id] == ["failed"]
        # a chunk of it still on the queue changes nothing now
        from chalicelib.events import uploads as handler

        handler.run_chunk(upload_id, 1)
        assert _status(client, school, upload_id)["rows_done"] == 1
