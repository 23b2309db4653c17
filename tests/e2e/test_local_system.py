"""`make run` end to end: the whole local system starts, serves the demo logins, keeps its data
across a restart, loads the demo school only once, and stops every process on Ctrl-C."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from ops.moto_server import read_mailbox
from ops.services import ROOT, free_port
from tests.functional.test_first_hour_errors import answers_in_the_envelope_over_http


def _start(state: Path, ports: dict[str, int]) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update({"LOCAL_STATE_DIR": str(state), "PORT": str(ports["api"]),
                "DYNAMODB_PORT": str(ports["ddb"]), "MOTO_PORT": str(ports["moto"]), "WEB_PORT": str(free_port())})
    proc = subprocess.Popen([sys.executable, "-m", "ops.run_local"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 300  # a start on a busy 2-core machine
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError("make run did not come up:\n" + "".join(lines))


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)


def _port_closed(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
    except requests.ConnectionError:
        return True
    return False


def test_make_run_serves_the_demo_school_and_survives_a_restart(tmp_path):
    ports = {"api": free_port(), "ddb": free_port(), "moto": free_port()}
    api = f"http://127.0.0.1:{ports['api']}"
    proc, banner = _start(tmp_path, ports)
    try:
        assert "parent@demo.ediary.example" in banner and "Demo-Parent-2026" in banner
        school_id = banner.split("Demo school id:")[1].split()[0]
        assert requests.get(f"{api}/health", timeout=5).json()["status"] == "ok"
        answers_in_the_envelope_over_http(api)  # what chalice local answers itself, too (issue 17, item 7)
        login = requests.post(f"{api}/auth/login", timeout=90,  # argon2 and a cold API on a busy machine
                              json={"email": "admin@demo.ediary.example", "password": "Demo-Admin-2026"})
        assert login.status_code == 200
        token = login.json()["access_token"]
        classes = requests.get(f"{api}/schools/{school_id}/classes", timeout=5,
                               headers={"Authorization": f"Bearer {token}"}).json()["items"]
        assert sorted(c["name"] for c in classes) == ["5А", "5Б", "9А"]
        # The demo parent sees their child's week: lessons with topics, homework and grades
        parent = requests.post(f"{api}/auth/login", timeout=10, json={
            "email": "parent@demo.ediary.example", "password": "Demo-Parent-2026"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {parent}"}
        [child] = requests.get(f"{api}/children", timeout=10, headers=auth).json()["items"]
        assert (child["last_name"], child["class_name"]) == ("Иванов", "5А")
        week = requests.get(f"{api}/children/{child['student_id']}/week", timeout=10, headers=auth).json()
        lessons = [lesson for day in week["days"] for lesson in day["lessons"]]
        maths = [lesson for lesson in lessons if lesson["subject_name"] == "Математика"]
        from ops.seed_demo import school_days

        assert len(maths) == len(school_days(dt.date.today()))  # the week so far, nothing ahead of today
        assert all(lesson["topic"] and lesson["grades"] for lesson in maths)
        # A registration's code arrives through the queue, the pump and SES
        email = "newcomer@demo.ediary.example"
        assert requests.post(f"{api}/auth/register", timeout=10, json={
            "email": email, "name": "Новиков Олег"}).status_code == 202
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if read_mailbox(ports["moto"], email)["emails"]:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the verification email was not sent")
    finally:
        _stop(proc)
    assert all(_port_closed(p) for p in ports.values())

    # A second start finds the same data and does not load the demo school again
    proc, banner = _start(tmp_path, ports)
    try:
        assert banner.split("Demo school id:")[1].split()[0] == school_id
        operator = requests.post(f"{api}/auth/login", timeout=10, json={
            "email": "operator@demo.ediary.example", "password": "Demo-Operator-2026"}).json()["access_token"]
        schools = requests.get(f"{api}/schools", timeout=5, headers={"Authorization": f"Bearer {operator}"})
        assert [s["school_id"] for s in schools.json()["items"]] == [school_id]
    finally:
        _stop(proc)
