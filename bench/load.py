"""Bounded load on the local system, loopback only: 50 parents read their children's diaries
while a teacher posts grades and the school's system uploads a file.

Starts its own DynamoDB Local (in memory), moto and `chalice local` on free ports, seeds a
school, runs for DURATION seconds, prints requests per second, p50/p99 and errors per kind
of request, and as its last line `errors=<n>` (target 0).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import local_gateway, services

PARENTS = int(os.environ.get("LOAD_PARENTS", "50"))
DURATION = float(os.environ.get("LOAD_SECONDS", "30"))
PASSWORD = "Load-test-2026"


def _environment() -> tuple[int, int]:
    ddb, moto = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb, moto))
    os.environ.update({"DIARY_TABLE": "ediary-load", "OUTBOX_QUEUE": "ediary-load-outbox",
                       "APPLICATIONS_QUEUE": "ediary-load-applications", "UPLOADS_QUEUE": "ediary-load-uploads",
                       "UPLOAD_BUCKET": "ediary-load-uploads", "ALERTS_QUEUE": "ediary-load-alerts",
                       "SIGNING_SECRET": "load-test-signing-secret-0123456789abcdef", "STAGE": "load",
                       "AUDIT_LOG_FILE": services.audit_log_file("load")})
    return ddb, moto


@dataclass
class Seed:
    """What the load needs to know about the seeded school."""

    school_id: str
    class_id: str
    teacher_email: str
    lessons: list[str]
    family: list[tuple[str, str]]
    credential: str


def _seed() -> Seed:
    """A school, a class of PARENTS children each with a parent, a teacher, a week of lessons."""
    import datetime as dt

    from chalicelib.dal.models import Guardianship
    from chalicelib.domain import accounts, credentials, journal, schools
    from chalicelib.domain.tokens import Caller

    school_id = str(schools.register_school("Нагрузочная школа", None, "Europe/Moscow")["school_id"])
    class_id = str(schools.add_class(school_id, "5А", 5)["class_id"])
    subject_id = str(schools.add_subject(school_id, "Математика")["subject_id"])
    teacher_email = "teacher@load.example.org"
    teacher_id = accounts.create_verified_account(teacher_email, PASSWORD, "Петрова Анна Сергеевна")
    schools.grant_staff(school_id, "teacher", teacher_email)
    schools.assign_teaching(school_id, teacher_id, class_id, subject_id)
    admin = Caller("load-admin", frozenset({f"admin:{school_id}"}))
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    schools.add_term(school_id, "Текущая четверть", monday - dt.timedelta(days=30), monday + dt.timedelta(days=60))
    lessons = []
    for day in range(5):
        for hour in (8, 9, 10):
            lesson = journal.schedule_lesson(admin, school_id, class_id, {
                "date": monday + dt.timedelta(days=day), "starts_at": f"{hour:02d}:30", "ends_at": f"{hour:02d}:59",
                "subject_id": subject_id, "teacher_id": teacher_id, "room": "214"})
            lessons.append(lesson["lesson_id"])
    family = []
    for n in range(PARENTS):
        student = schools.add_student(school_id, {"class_id": class_id, "last_name": f"Ученик{n:02d}",
                                                  "first_name": "Тест", "birth_date": dt.date(2015, 1, 1)})
        email = f"parent{n:02d}@load.example.org"
        parent_id = accounts.create_verified_account(email, PASSWORD, f"Родитель {n:02d}")
        link = Guardianship(f"STUDENT#{student['student_id']}", f"ACCESS#{parent_id}", account_id=parent_id,
                            student_id=student["student_id"], school_id=school_id, relation="mother")
        link.gsi1pk, link.gsi1sk = f"CHILDREN#{parent_id}", student["student_id"]
        link.save()
        family.append((email, student["student_id"]))
    secret = credentials.issue(school_id, "Нагрузка", "load")["secret"]
    return Seed(school_id, class_id, teacher_email, lessons, family, secret)


class Recorder:
    """Latencies and failures by kind of request, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.elapsed = 0.0

    def call(self, kind: str, session: Any, method: str, url: str, **kwargs: Any) -> Any:
        import requests

        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, **kwargs)
            failed = response.status_code >= 500 or response.status_code in (401, 403, 404)
        except requests.RequestException as exc:
            response, failed = None, True
            self.samples.append(f"{kind}: {exc!r}")
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
            if failed:
                self.errors[kind] += 1
                if response is not None and len(self.samples) < 10:
                    self.samples.append(f"{kind}: {response.status_code} {response.text[:200]}")
        return response


def _login(api: str, email: str, rec: Recorder) -> Any:
    import requests

    session = requests.Session()
    token = rec.call("login", session, "POST", f"{api}/auth/login", json={"email": email, "password": PASSWORD})
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return session


def _parent(api: str, session: Any, student_id: str, stop: threading.Event, rec: Recorder) -> None:
    views = ["week", "grades", "homework", "week", "attendance"]
    n = 0
    while not stop.is_set():
        view = views[n % len(views)]
        rec.call(f"diary {view}", session, "GET", f"{api}/children/{student_id}/{view}")
        n += 1


def _teacher(api: str, seed: Seed, stop: threading.Event, rec: Recorder) -> None:
    import requests

    session = requests.Session()
    token = rec.call("login", session, "POST", f"{api}/auth/login",
                     json={"email": seed.teacher_email, "password": PASSWORD})
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    lessons, family = seed.lessons, seed.family
    n = 0
    while not stop.is_set():
        lesson = lessons[n % len(lessons)]
        student = family[n % len(family)][1]
        rec.call("teacher posts grade", session, "POST",
                 f"{api}/schools/{seed.school_id}/classes/{seed.class_id}/lessons/{lesson}/grades",
                 json={"student_id": student, "value": 2 + n % 4, "weight": 1, "work_kind": "classwork"})
        n += 1
        stop.wait(0.2)


def _uploader(api: str, seed: Seed, rec: Recorder) -> None:
    import requests

    session = requests.Session()
    token = rec.call("machine token", session, "POST", f"{api}/machine/token", json={"credential": seed.credential})
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    rows = "student_id,last_name,first_name,birth_date,class\n" + "".join(
        f"U{n:04d},Загруженный{n:04d},Ученик,2015-02-02,5А\n" for n in range(2000))
    ticket = rec.call("request upload", session, "POST", f"{api}/schools/{seed.school_id}/uploads",
                      json={"filename": "students.csv"}).json()
    rec.call("put file", requests.Session(), "PUT", ticket["upload_url"], data=rows.encode())


def main() -> None:
    """Start, seed, load, report."""
    ddb_port, moto_port = _environment()
    started = [services.start_dynamodb(ddb_port, None), services.start_moto(moto_port)]
    try:
        from ops.provision import provision

        provision()
        seed = _seed()
        port = services.free_port()
        api_proc = subprocess.Popen(
            local_gateway.command("load", port), cwd=services.ROOT, env=os.environ.copy(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        started.append(api_proc)
        services.wait_for_port(port, "chalice local", proc=api_proc)
        api = f"http://127.0.0.1:{port}"
        report(run(api, seed), seed)
    finally:
        for proc in reversed(started):
            services.stop(proc)


def run(api: str, seed: Seed) -> Recorder:
    """The load itself, bounded by DURATION."""
    from app import app
    from ops.pump import Pump

    rec, stop = Recorder(), threading.Event()
    pump = Pump(app)
    # Logins first, one after another: argon2 is meant to be slow, and a login storm is not the
    # load this measures (50 parents reading while the school writes).
    sessions = [(_login(api, email, rec), student) for email, student in seed.family]
    threads = [threading.Thread(target=_parent, args=(api, session, student, stop, rec))
               for session, student in sessions]
    threads.append(threading.Thread(target=_teacher, args=(api, seed, stop, rec)))
    threads.append(threading.Thread(target=_uploader, args=(api, seed, rec)))
    for thread in threads:
        thread.start()
    began = time.monotonic()
    while time.monotonic() - began < DURATION:
        if not pump.poll_once():
            time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    rec.elapsed = time.monotonic() - began
    pump.drain(timeout=60)
    return rec


def report(rec: Recorder, seed: Seed) -> None:
    """Print the figures."""
    total = sum(len(v) for v in rec.latency.values())
    print(f"{PARENTS} parents, 1 teacher posting grades, 1 upload of 2,000 rows; {rec.elapsed:.0f} s "
          f"on 127.0.0.1 through chalice local")
    print(f"{'request':<24}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind, values in sorted(rec.latency.items()):
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"{kind:<24}{len(values):>7}{statistics.median(values) * 1000:>9.1f}{p99 * 1000:>9.1f}"
              f"{rec.errors.get(kind, 0):>8}")
    print(f"requests per second: {total / rec.elapsed:.1f}")
    for sample in rec.samples:
        print("  e.g.", sample)
    # Every diary read answered leaves an audit entry, stored off the request from the API's log.
    reads = sum(len(v) - rec.errors.get(k, 0) for k, v in rec.latency.items() if k.startswith("diary "))
    print(f"audit entries stored: {_audit_entries(seed)} for {reads} diary reads answered")
    print(f"errors={sum(rec.errors.values())}")


def _audit_entries(seed: Seed) -> int:
    """Openings in the children's audit trails (one COUNT Query per child)."""
    from chalicelib import aws, settings

    ddb, total = aws.client("dynamodb"), 0
    for _, student in seed.family:
        pages = ddb.get_paginator("query").paginate(
            TableName=settings.table_name(), Select="COUNT",
            KeyConditionExpression="PK = :pk AND begins_with(SK, :audit)",
            ExpressionAttributeValues={":pk": {"S": f"STUDENT#{student}"}, ":audit": {"S": "AUDIT#"}})
        total += sum(page["Count"] for page in pages)
    return total


if __name__ == "__main__":
    main()
