"""School news fan-out: how many SES and SNS calls one school-wide news costs against the floor.

Starts its own DynamoDB Local (in memory) and moto server like the tests, provisions them, writes
one school with `--families` families straight through the data layer (a parent per child, every
`--sms-every`-th parent with a phone who chose news by SMS too), publishes one school-wide news,
and drains the event pump (stream → alerts queue → plan → batches). Counts every SES and SNS call
with a botocore before-call hook.

Floor: email ceil(N/50) bulk calls (SES v1 SendBulkTemplatedEmail takes 50 destinations), SMS one
Publish per opted-in phone. The last line is `fanout_calls_vs_floor=<all calls ÷ floor>` (target ≤ 1.1).

    .venv/bin/python bench/fanout.py --families 2000
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops import services  # noqa: E402

ENVIRONMENT = {
    "DIARY_TABLE": "ediary-fanout",
    "OUTBOX_QUEUE": "ediary-fanout-outbox",
    "APPLICATIONS_QUEUE": "ediary-fanout-applications",
    "UPLOADS_QUEUE": "ediary-fanout-uploads",
    "ALERTS_QUEUE": "ediary-fanout-alerts",
    "UPLOAD_BUCKET": "ediary-fanout-uploads",
    "SIGNING_SECRET": "bench-signing-secret-that-is-long-enough-0123456789",
    "STAGE": "bench",
}
CLASS_SIZE = 25
FIRST_NAMES = ("Анна", "Иван", "Мария", "Пётр", "Софья", "Михаил", "Дарья", "Артём")


def build_school(families: int, sms_every: int) -> tuple[str, int, int]:
    """One school, its classes, children, parents and links; returns (school id, emails, phones)."""
    from chalicelib.dal.models import Account, AlertPreferences, DiaryItem, Guardianship, School, SchoolClass, Student

    school_id = uuid.uuid4().hex
    items: list[DiaryItem] = [School(f"SCHOOL#{school_id}", "SCHOOL", school_id=school_id,
                                     name="ГБОУ Школа № 239", timezone="Europe/Moscow")]
    phones = 0
    for n in range(families):
        class_id = f"c{n // CLASS_SIZE:03d}"
        if n % CLASS_SIZE == 0:
            items.append(SchoolClass(f"SCHOOL#{school_id}", f"CLASS#{class_id}", class_id=class_id,
                                     school_id=school_id, name=f"{5 + n // 500}-{n // CLASS_SIZE}",
                                     grade_level=5))
        student_id, account_id = f"s{n:05d}", f"p{n:05d}"
        student = Student(f"SCHOOL#{school_id}", f"STUDENT#{student_id}", student_id=student_id,
                          school_id=school_id, class_id=class_id, last_name="Иванов",
                          first_name=FIRST_NAMES[n % len(FIRST_NAMES)], birth_date="2014-05-05")
        student.gsi1pk, student.gsi1sk = f"CLASS#{school_id}#{class_id}", f"Иванов#{student_id}"
        phone = f"+7916{n:07d}" if sms_every and n % sms_every == 0 else None
        account = Account(f"ACCOUNT#{account_id}", "ACCOUNT", account_id=account_id,
                          email=f"parent{n}@family.example.ru", name="Иванова Мария", phone=phone,
                          phone_verified=True if phone else None,  # only a confirmed number is texted
                          language="en" if n % 10 == 9 else "ru", password_hash="-", verified=True)
        link = Guardianship(f"STUDENT#{student_id}", f"ACCESS#{account_id}", account_id=account_id,
                            student_id=student_id, school_id=school_id, relation="mother")
        link.gsi1pk, link.gsi1sk = f"CHILDREN#{account_id}", student_id
        items += [student, account, link]
        if phone:
            phones += 1
            items.append(AlertPreferences(f"STUDENT#{student_id}", f"ALERTS#{account_id}", account_id=account_id,
                                          student_id=student_id, channels='{"news": "both"}'))
    with DiaryItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    return school_id, families, phones


def count_calls(calls: Counter[str]) -> None:
    """Count every SES and SNS operation the app's clients make."""
    from chalicelib import aws

    def seen(event_name: str, **_: Any) -> None:
        calls[event_name.removeprefix("before-call.")] += 1

    for service in ("ses", "sesv2", "sns"):
        aws.client(service).meta.events.register(f"before-call.{service}", seen)


def main() -> None:
    """Run the fan-out once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--sms-every", type=int, default=4, help="every n-th parent also wants news by SMS")
    args = parser.parse_args()

    ddb_port, moto_port = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb_port, moto_port))
    os.environ.update(ENVIRONMENT)
    ddb = services.start_dynamodb(ddb_port, None)
    moto = services.start_moto(moto_port)
    try:
        from ops.provision import provision

        provision()
        from app import app
        from chalicelib.dal import alerts as store
        from chalicelib.domain import alerts
        from ops.pump import Pump

        started = time.perf_counter()
        school_id, emails, phones = build_school(args.families, args.sms_every)
        print(f"school written: {args.families} families, {phones} with SMS, "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        pump = Pump(app)
        pump.drain(timeout=600)  # the setup's own stream records, before the clock starts
        calls: Counter[str] = Counter()
        count_calls(calls)

        started = time.perf_counter()
        news = alerts.publish_news(school_id, "bench-admin", "Родительское собрание 15 сентября",
                                   "Общешкольное собрание в актовом зале в 18:30.", [])
        pump.drain(timeout=900)
        elapsed = time.perf_counter() - started
        done = store.get_news(school_id, news["news_id"])
        assert done is not None
        floor = math.ceil(emails / 50) + phones
        total = sum(calls.values())
        sends = calls["ses.SendBulkTemplatedEmail"] + calls["sns.Publish"]
        print(f"news delivered in {elapsed:.1f} s: state={done.state} recipients={int(done.recipients)} "
              f"emails_sent={int(done.emails_sent)} sms_sent={int(done.sms_sent)} failed={int(done.failed)}")
        for name, n in sorted(calls.items()):
            print(f"  {name}: {n}")
        print(f"SES bulk calls {calls['ses.SendBulkTemplatedEmail']} (floor {math.ceil(emails / 50)}), "
              f"SNS publishes {calls['sns.Publish']} (floor {phones}); sends {sends}, all calls {total}, "
              f"floor {floor}")
        print(f"fanout_calls_vs_floor={total / floor:.3f}")
    finally:
        services.stop(ddb)
        services.stop(moto)


if __name__ == "__main__":
    main()
