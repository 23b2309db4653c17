"""Read benchmark of the diary pages: each endpoint through chalice.test.Client against the bare
DynamoDB Queries for the same items, counting DynamoDB calls per request (botocore before-call).

Standalone: starts its own DynamoDB Local and moto (ops/services.py), loads a reference school
directly through the data layer (1 class × 30 students, 2 subjects, a term of lessons, grades and
marks), lets the stream build the aggregates, then measures. Last lines:
`diary_week_vs_raw_query=<p50 ratio>`, `max_ddb_calls_per_request=<n>`, `scans=<n>`.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops import services  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "100"))
WARM_ROUNDS = 20
STUDENTS, WEEKS = 30, int(os.environ.get("BENCH_WEEKS", "8"))
TERM_START = dt.date(2026, 9, 7)
CALLS: list[str] = []


def _count(model: Any = None, **_: Any) -> None:
    CALLS.append(getattr(model, "name", "?"))


def _hook_botocore() -> None:
    """Every DynamoDB client created from now on reports each call it makes."""
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.dynamodb", _count)
        return client

    botocore.session.Session.create_client = create_client


def load_school() -> dict[str, Any]:
    """A reference school written straight through the data layer (no alerts, no HTTP)."""
    from chalicelib.dal import journal as j
    from chalicelib.dal.models import (
        Account,
        AttendanceMark,
        DiaryItem,
        Grade,
        Guardianship,
        Homework,
        Lesson,
        RoleGrant,
        School,
        SchoolClass,
        Student,
        Subject,
        Term,
    )

    school, klass, teacher, parent = "bench-school", "bench-class", "bench-teacher", "bench-parent"
    spk = f"SCHOOL#{school}"
    items: list[DiaryItem] = [
        School(spk, "SCHOOL", school_id=school, name="Школа № 1", timezone="Europe/Moscow"),
        SchoolClass(spk, f"CLASS#{klass}", class_id=klass, school_id=school, name="5А", grade_level=5),
        Term(spk, "TERM#t1", term_id="t1", school_id=school, name="1 четверть", starts_on=TERM_START.isoformat(),
             ends_on=(TERM_START + dt.timedelta(weeks=WEEKS)).isoformat()),
        Account(f"ACCOUNT#{teacher}", "ACCOUNT", account_id=teacher, email="t@bench.example", name="Петрова А. С.",
                password_hash="x"),
        RoleGrant(f"ACCOUNT#{teacher}", f"ROLE#{school}#teacher", account_id=teacher, role="teacher",
                  school_id=school, name="Петрова А. С."),
    ]
    subjects = ["maths", "russian"]
    items += [Subject(spk, f"SUBJECT#{s}", subject_id=s, school_id=school, name=n)
              for s, n in zip(subjects, ["Математика", "Русский язык"], strict=True)]
    students = [f"bench-s{i:02d}" for i in range(STUDENTS)]
    for n, s in enumerate(students):
        items.append(Student(spk, f"STUDENT#{s}", student_id=s, school_id=school, class_id=klass,
                             last_name=f"Ученик{n:02d}", first_name="А", birth_date="2015-01-01"))
    link = Guardianship(j.student_pk(students[0]), f"ACCESS#{parent}", account_id=parent,
                        student_id=students[0], school_id=school, relation="mother")
    link.gsi1pk, link.gsi1sk = f"CHILDREN#{parent}", students[0]
    items.append(link)
    for week in range(WEEKS):
        for day, subject in [(0, "maths"), (1, "russian"), (2, "maths"), (3, "russian")]:
            date = (TERM_START + dt.timedelta(weeks=week, days=day)).isoformat()
            lesson_id = f"{date}T0830-{subject}"
            items.append(Lesson(j.class_pk(klass), j.lesson_sk(lesson_id), school_id=school, class_id=klass,
                                subject_id=subject, lesson_id=lesson_id, date=date, teacher_id=teacher,
                                starts_at="08:30", ends_at="09:15", room="214", topic="Тема урока"))
            hw = Homework(j.class_pk(klass), j.homework_sk(lesson_id), school_id=school, class_id=klass,
                          subject_id=subject, lesson_id=lesson_id, date=date, text="№ 1–5", due_date=date)
            hw.gsi1pk, hw.gsi1sk = f"HOMEWORK#{school}#{klass}", f"{date}#{lesson_id}"
            items.append(hw)
            for n, s in enumerate(students):
                grade_id = f"{date}-{subject}-{n:02d}"
                g = Grade(j.student_pk(s), j.grade_sk(grade_id), grade_id=grade_id, school_id=school, class_id=klass,
                          student_id=s, subject_id=subject, lesson_id=lesson_id, date=date,
                          value=2 + (n + week + day) % 4, weight=1 + day % 2, teacher_id=teacher)
                g.gsi1pk, g.gsi1sk = f"GRADES#{s}#{subject}", grade_id
                items.append(g)
                if (n + week) % 9 == 0:
                    m = AttendanceMark(j.student_pk(s), j.mark_sk(lesson_id), school_id=school, class_id=klass,
                                       student_id=s, subject_id=subject, lesson_id=lesson_id, date=date,
                                       mark="absent", excused=n % 2 == 0)
                    m.gsi1pk, m.gsi1sk = f"ATTENDANCE#{s}", lesson_id
                    items.append(m)
    with DiaryItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    return {"school": school, "class": klass, "child": students[0], "parent": parent, "items": len(items)}


def timed(call: Callable[[], Any]) -> tuple[float, int, int]:
    """Milliseconds of one call, DynamoDB calls made, of which Scans."""
    CALLS.clear()
    start = time.perf_counter()
    call()
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, len(CALLS), CALLS.count("Scan")


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    """Start the services, load, warm up, measure, print."""
    ddb_port, moto_port = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb_port, moto_port))
    os.environ.update({"DIARY_TABLE": "ediary-bench", "OUTBOX_QUEUE": "ediary-bench-outbox",
                       "APPLICATIONS_QUEUE": "ediary-bench-applications", "UPLOADS_QUEUE": "ediary-bench-uploads",
                       "ALERTS_QUEUE": "ediary-bench-alerts", "UPLOAD_BUCKET": "ediary-bench-uploads",
                       "SIGNING_SECRET": "bench-signing-secret-that-is-long-enough-0123456789", "STAGE": "bench",
                       "AUDIT_LOG_FILE": services.audit_log_file("bench")})
    _hook_botocore()
    ddb, moto = services.start_dynamodb(ddb_port, None), services.start_moto(moto_port)
    try:
        run()
    finally:
        services.stop(ddb)
        services.stop(moto)


def run() -> None:
    """The measurements, once the services are up."""
    from chalice.test import Client

    from app import app
    from chalicelib import aws, clock, settings
    from chalicelib.domain.children import hints_of
    from chalicelib.domain.tokens import issue_access_token
    from ops.provision import provision
    from ops.pump import Pump

    provision()
    started = time.perf_counter()
    school = load_school()
    Pump(app).drain(timeout=600)
    print(f"loaded {school['items']} items and their aggregates in {time.perf_counter() - started:.1f} s")
    # The school's "today": inside the term, so every page has data
    now = dt.datetime.combine(TERM_START + dt.timedelta(weeks=WEEKS // 2, days=2), dt.time(9), dt.UTC)
    clock.now = lambda: now  # the one clock: the school's "today" moves with it
    # the token a parent gets at login: it knows where the child is (domain/tokens.py)
    token, _ = issue_access_token(school["parent"], [], children=hints_of(school["parent"]))
    headers = {"Authorization": f"Bearer {token}"}
    child = school["child"]
    monday = (now.date() - dt.timedelta(days=now.date().weekday())).isoformat()
    sunday = (now.date() + dt.timedelta(days=6 - now.date().weekday())).isoformat()
    ddb = aws.client("dynamodb")

    def raw_week() -> None:
        for pk in (f"CLASS#{school['class']}", f"STUDENT#{child}"):
            ddb.query(TableName=settings.table_name(), KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
                      ExpressionAttributeValues={":pk": {"S": pk}, ":a": {"S": f"D#{monday}"},
                                                 ":b": {"S": f"D#{sunday}~"}})

    results: dict[str, list[tuple[float, int, int]]] = {}
    with Client(app, stage_name="test") as client:
        pages = {"week": f"/children/{child}/week", "grades": f"/children/{child}/grades",
                 "attendance": f"/children/{child}/attendance", "homework": f"/children/{child}/homework",
                 "statistics": f"/children/{child}/statistics"}

        def page(path: str) -> Callable[[], None]:
            def call() -> None:
                response = client.http.get(path, headers=headers)
                assert response.status_code == 200, response.body

            return call

        calls: dict[str, Callable[[], Any]] = {name: page(path) for name, path in pages.items()}
        calls["raw_week_queries"] = raw_week
        for _ in range(WARM_ROUNDS):  # first-use imports, connections, DynamoDB Local's JIT
            for call in calls.values():
                call()
        # Round-robin: every endpoint and the raw Queries meet the same moments of the machine
        # (a JVM pause, a busy neighbour), so the ratio compares like with like.
        for _ in range(RUNS):
            for name, call in calls.items():
                results.setdefault(name, []).append(timed(call))
    print(f"{'endpoint':<18} {'p50 ms':>8} {'p99 ms':>8} {'ddb calls':>10}")
    for name, samples in results.items():
        ms = [s[0] for s in samples]
        print(f"{name:<18} {statistics.median(ms):>8.2f} {pct(ms, 99):>8.2f} {max(s[1] for s in samples):>10}")
    week_p50 = statistics.median(s[0] for s in results["week"])
    raw_p50 = statistics.median(s[0] for s in results["raw_week_queries"])
    pages_only = [s for name, samples in results.items() if name != "raw_week_queries" for s in samples]
    print(f"diary_week_vs_raw_query={week_p50 / raw_p50:.2f}")
    print(f"max_ddb_calls_per_request={max(s[1] for s in pages_only)}")
    print(f"scans={sum(s[2] for samples in results.values() for s in samples)}")


if __name__ == "__main__":
    main()
