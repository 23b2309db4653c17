"""Fault drill, run in its own process by tests/e2e/test_faults.py: DynamoDB Local is stopped in the
middle of an upload and brought back on the same data; every row must land exactly once.

Prints one JSON line with what it found, for the test to judge.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ops import services

RESTARTED: list[Any] = []  # the database brought back after the outage

STUDENTS = 40
GRADES_PER_STUDENT = 15


def main() -> None:
    """Run the drill and print the outcome."""
    data = Path(tempfile.mkdtemp(prefix="fault-drill-"))
    ddb_port, moto_port = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb_port, moto_port))
    os.environ.update({"DIARY_TABLE": "ediary-drill", "OUTBOX_QUEUE": "ediary-drill-outbox",
                       "APPLICATIONS_QUEUE": "ediary-drill-applications", "UPLOADS_QUEUE": "ediary-drill-uploads",
                       "UPLOAD_BUCKET": "ediary-drill-uploads",
                       "SIGNING_SECRET": "fault-drill-signing-secret-0123456789abcdef"})
    ddb = services.start_dynamodb(ddb_port, data)
    moto = services.start_moto(moto_port)
    try:
        print(json.dumps(drill(ddb_port, data, ddb)))
    finally:  # every DynamoDB Local this drill started, the restarted one too: none outlives it
        for proc in [moto, ddb, *RESTARTED]:
            services.stop(proc)


def drill(ddb_port: int, data: Path, ddb: object) -> dict[str, object]:
    """Upload, break the database mid-way, mend it, and count what landed."""
    import requests

    from app import app
    from chalicelib.dal import journal as journal_store
    from chalicelib.dal.models import Grade
    from chalicelib.domain import importer, schools
    from chalicelib.domain.import_rows import stable_id
    from chalicelib.domain.uploads import request_upload
    from ops.provision import provision
    from ops.pump import Pump

    provision()
    importer.CHUNK_ROWS = 60  # many chunks, so the outage falls in the middle
    school_id = str(schools.register_school("Школа учений", None, "Europe/Moscow")["school_id"])
    schools.add_class(school_id, "5А", 5)
    schools.add_subject(school_id, "Математика")
    students = "student_id,last_name,first_name,birth_date,class\n" + "".join(
        f"S{n},Ученик{n},Имя,2015-01-01,5А\n" for n in range(STUDENTS))
    grades = "grade_id,student_id,date,starts_at,subject,value\n" + "".join(
        f"G{n}-{k},S{n},2026-09-{1 + k:02d},08:30,Математика,{2 + (n + k) % 4}\n"
        for n in range(STUDENTS) for k in range(GRADES_PER_STUDENT))
    # Each grade on its lesson (a grade off the schedule is lesson_not_found)
    schedule = "date,starts_at,ends_at,class,subject\n" + "".join(
        f"2026-09-{1 + k:02d},08:30,09:15,5А,Математика\n" for k in range(GRADES_PER_STUDENT))
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("students.csv", students)
        archive.writestr("schedule.csv", schedule)
        archive.writestr("grades.csv", grades)
    ticket = request_upload(school_id, "drill.zip", "drill")
    requests.put(ticket["upload_url"], data=buffer.getvalue(), timeout=10).raise_for_status()

    pump = Pump(app, schedules=False)
    for _ in range(4):  # the plan and the first chunks go through
        pump.poll_once()
    services.stop(ddb)  # type: ignore[arg-type]
    down_since = time.monotonic()
    while time.monotonic() - down_since < 3:  # chunks fail while the database is away
        pump.poll_once()
        time.sleep(0.2)
    failed_during_outage = pump.failed
    RESTARTED.append(services.start_dynamodb(ddb_port, data))
    pump.drain(timeout=120)

    status = importer.store.get_upload(ticket["upload_id"])
    assert status is not None
    counts = []
    versions = set()
    for n in range(STUDENTS):
        items = [i for i in journal_store.student_days(stable_id(school_id, "student", f"S{n}"),
                                                       "2026-09-01", "2026-09-30") if isinstance(i, Grade)]
        counts.append(len(items))
        versions |= {int(i.version) for i in items}
    return {"state": status.state, "rows_total": int(status.rows_total), "rows_done": int(status.rows_done),
            "rows_rejected": int(status.rows_rejected), "grades_per_student": sorted(set(counts)),
            "versions": sorted(versions), "failed_during_outage": failed_during_outage,
            "expected_rows": STUDENTS + GRADES_PER_STUDENT + STUDENTS * GRADES_PER_STUDENT}


if __name__ == "__main__":
    main()
