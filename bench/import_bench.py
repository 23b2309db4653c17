"""Bulk import throughput: the real upload pipeline against plain BatchWriteItem of the same items.

Starts its own DynamoDB Local (in memory) and moto server, provisions them, registers the
generated school's teachers, then for (a) one class's year, (b) a whole school at `--scale` and
(c) the same school written as one OneRoster 1.2 zip (`generate_school.oneroster`: what OneRoster
carries of it, its 455,000 grades as results):

1. PUTs the generated zip to the pre-signed URL; S3 notifies the uploads queue and a separate
   worker process (the "Lambda", so its memory is the processing's alone, not the generator's)
   drains that queue through ops/pump.Pump into the app's handler until the upload is done;
2. reads back every item the upload wrote and writes the same items with PynamoDB's
   batch_write (BatchWriteItem, 25 a call) into a fresh partition of the same table.

Prints rows per second both ways and the worker's peak memory (ru_maxrss; (c) has a worker of
its own, so its peak is the OneRoster upload's alone), then `oneroster_vs_batchwrite=<ratio>`,
`oneroster_peak_mb=<MB>` and, last, `import_vs_batchwrite=<ratio>` for the whole school
(pipeline rows/s ÷ batch-write rows/s; targets ≥ 0.7 and peak < 256 MB for both formats).
A row of a OneRoster upload is a row of ours it translates into (a class, a student, a grade...),
as its report counts them.

    .venv/bin/python bench/import_bench.py               # the whole reference school, ~30 minutes
    .venv/bin/python bench/import_bench.py --scale 0.1   # a tenth of it, ~4 minutes
    .venv/bin/python bench/import_bench.py --only-oneroster   # (c) alone
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from generate_school import School, generate, oneroster  # noqa: E402

from ops import services  # noqa: E402

DEFAULT_SCALE = 1.0  # the whole school: its peak memory is what the 256 MB target is about
ONE_CLASS = 1 / 40
ENVIRONMENT = {
    "DIARY_TABLE": "ediary-bench",
    "OUTBOX_QUEUE": "ediary-bench-outbox",
    "APPLICATIONS_QUEUE": "ediary-bench-applications",
    "UPLOADS_QUEUE": "ediary-bench-uploads",
    "UPLOAD_BUCKET": "ediary-bench-uploads",
    "SIGNING_SECRET": "bench-signing-secret-that-is-long-enough-0123456789",
    "STAGE": "bench",
}


# --- the worker: the uploads queue's consumer, in its own process -------------------------


def worker(profile: bool) -> None:
    """Drain the uploads queue for each upload id read from stdin; report time and peak memory."""
    import cProfile
    import pstats

    from chalice.app import SQSEventConfig

    from app import app
    from chalicelib import settings
    from chalicelib.dal import uploads as upload_store
    from ops.pump import Pump

    pump = Pump(app)
    [source] = [s for s in app.event_sources
                if isinstance(s, SQSEventConfig) and s.queue == settings.uploads_queue_name()]
    print("ready", flush=True)
    for line in sys.stdin:
        upload_id = line.strip()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        while True:
            if pump.poll_queue(source):
                continue
            upload = upload_store.get_upload(upload_id)
            if upload is not None and upload.state in ("done", "failed"):
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(15)
            stats.sort_stats("cumulative").print_stats("chalicelib|pynamodb/models", 30)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}), flush=True)


class Worker:
    """The worker process, started before the upload so its start-up is not timed."""

    def __init__(self, profile: bool) -> None:
        flags = ["--worker", "--profile"] if profile else ["--worker"]
        self.proc = subprocess.Popen([sys.executable, __file__, *flags], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the worker did not start")

    def drain(self, upload_id: str) -> dict[str, float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(upload_id + "\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --- the run ------------------------------------------------------------------------------


def register(school: School, name: str) -> str:
    """A school with the generated teachers registered (verified accounts with the teacher role)."""
    from chalicelib.dal import accounts as account_store
    from chalicelib.domain import schools
    from chalicelib.records.accounts import AccountRecord

    school_id = str(schools.register_school(name, None, "Europe/Moscow")["school_id"])
    for email, full_name in school.teachers:
        if account_store.find_account_id(email) is None:
            account = AccountRecord(account_id=uuid.uuid4().hex, email=email, name=full_name,
                                    password_hash="bench: no login", verified=True)
            account_store.save_registration(account, None, replacing_id=None)
        schools.grant_staff(school_id, "teacher", email)
    return school_id


def written_items(school_id: str) -> list[Any]:
    """Everything an upload wrote for the school: its partition, its classes' and its students'."""
    from chalicelib.dal.models import DiaryItem, SchoolClass, Student
    from chalicelib.dal.store import storing

    with storing():
        own = [i for i in DiaryItem.query(f"SCHOOL#{school_id}") if i.sk != "SCHOOL"]
        items = list(own)
        for item in own:
            if isinstance(item, SchoolClass):
                items += DiaryItem.query(f"CLASS#{item.class_id}")
            elif isinstance(item, Student):
                items += DiaryItem.query(f"STUDENT#{item.student_id}")
    return items


def batch_write(items: list[Any], run: str) -> float:
    """Seconds to write the items with PynamoDB's batch_write into a fresh partition."""
    from chalicelib.dal.models import DiaryItem

    for item in items:
        item.pk = f"BENCH#{run}#{item.pk}"
    started = time.perf_counter()
    with DiaryItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    return time.perf_counter() - started


def warm_up() -> None:
    """DynamoDB Local is a JVM: the first thousands of requests run slower while it compiles,
    which would bias whichever side ran first. Write and read back throwaway items first."""
    from chalicelib.dal import uploads as upload_store
    from chalicelib.dal.models import Grade

    items = [Grade(f"WARMUP#{n % 50}", f"D#2026-09-01#G#{n:06d}", grade_id=str(n), school_id="warm-up",
                   date="2026-09-01", value=5) for n in range(8000)]
    upload_store.put_all(items)
    upload_store.get_many((i.pk, i.sk) for i in items)
    batch_write(items, "warm-up")


def scenario(worker_proc: Worker, label: str, scale: float, seed: int, school: School | None = None,
             filename: str = "year.zip") -> tuple[float, float]:
    """One upload through the pipeline and the same items batch-written; returns the ratio and
    the worker's peak memory (MB)."""
    import requests

    from chalicelib.dal import uploads as upload_store
    from chalicelib.domain import uploads

    school = school or generate(scale, seed)
    body = school.zipped()
    rows = sum(school.rows().values())
    school_id = register(school, f"Школа № 17 ({label})")
    ticket = uploads.request_upload(school_id, filename, "bench")
    started = time.perf_counter()
    put = requests.put(ticket["upload_url"], data=body, timeout=120)
    put.raise_for_status()
    report = worker_proc.drain(ticket["upload_id"])
    pipeline_seconds = time.perf_counter() - started
    upload = upload_store.get_upload(ticket["upload_id"])
    assert upload is not None
    if upload.state != "done" or int(upload.rows_rejected) or int(upload.rows_total) != rows:
        raise SystemExit(f"{label}: upload {upload.state} {upload.reason} total={upload.rows_total} "
                         f"rejected={upload.rows_rejected} (expected {rows} rows)")
    items = written_items(school_id)
    batch_seconds = batch_write(items, uuid.uuid4().hex[:8])
    pipeline_rate, batch_rate = rows / pipeline_seconds, rows / batch_seconds
    ratio = pipeline_rate / batch_rate
    print(f"{label}: scale={scale:g} rows={rows} items={len(items)} zip={len(body) / 1e6:.1f} MB")
    print(f"  pipeline   {pipeline_seconds:7.1f} s  {pipeline_rate:8.0f} rows/s  "
          f"(worker peak memory {report['peak_mb']:.0f} MB)")
    print(f"  batchwrite {batch_seconds:7.1f} s  {batch_rate:8.0f} rows/s  ratio={ratio:.2f}", flush=True)
    return ratio, report["peak_mb"]


def main() -> None:
    """Start the services, run both scenarios, print the ratio last."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                        help=f"share of the 40-class school for the whole-school run (default {DEFAULT_SCALE})")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="the worker prints a profile to stderr")
    parser.add_argument("--only-one-class", action="store_true", help="run only (a)")
    parser.add_argument("--only-oneroster", action="store_true", help="run only (c), the OneRoster zip")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.profile)
        return
    ddb_port, moto_port = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb_port, moto_port))
    os.environ.update(ENVIRONMENT)
    ddb = services.start_dynamodb(ddb_port, None)
    moto = services.start_moto(moto_port)
    workers: list[Worker] = []
    try:
        from ops.provision import provision

        provision()
        workers.append(Worker(args.profile))
        warm_up()
        ratio: float | None = None
        if not args.only_oneroster:
            scenario(workers[0], "(a) one class's year", ONE_CLASS, args.seed)
            if args.only_one_class:
                return
            ratio, _ = scenario(workers[0], "(b) one whole school", args.scale, args.seed)
        # A worker of its own: ru_maxrss is a process's peak over its life, and (b)'s would hide (c)'s.
        workers.append(Worker(args.profile))
        roster_ratio, peak_mb = scenario(workers[-1], "(c) one whole school as OneRoster 1.2", args.scale, args.seed,
                                         oneroster(args.scale, args.seed), "oneroster.zip")
        print(f"oneroster_vs_batchwrite={roster_ratio:.2f}")
        print(f"oneroster_peak_mb={peak_mb:.0f}")
        if ratio is not None:
            print(f"import_vs_batchwrite={ratio:.2f}")
    finally:
        for worker_proc in workers:
            worker_proc.stop()
        services.stop(moto)
        services.stop(ddb)


if __name__ == "__main__":
    main()
