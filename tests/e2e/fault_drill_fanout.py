"""Fault drill, run in its own process by tests/e2e/test_faults.py: DynamoDB Local is stopped in the
middle of a school-wide news fan-out and brought back on the same data; every family must get
the news exactly once, by email and (where chosen) by SMS.

Prints one JSON line with what it found, for the test to judge.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ops import services  # noqa: E402
from ops.moto_server import read_mailbox  # noqa: E402

RESTARTED: list[Any] = []  # the database brought back after the outage

FAMILIES = 300
SMS_EVERY = 3


def main() -> None:
    """Run the drill and print the outcome."""
    from bench.fanout import ENVIRONMENT

    data = Path(tempfile.mkdtemp(prefix="fanout-drill-"))
    ddb_port, moto_port = services.free_port(), services.free_port()
    os.environ.update(services.aws_environment(ddb_port, moto_port))
    os.environ.update({**ENVIRONMENT, "DIARY_TABLE": "ediary-fanout-drill"})
    ddb = services.start_dynamodb(ddb_port, data)
    moto = services.start_moto(moto_port)
    try:
        print(json.dumps(drill(ddb_port, moto_port, data, ddb)))
    finally:  # every DynamoDB Local this drill started, the restarted one too: none outlives it
        for proc in [moto, ddb, *RESTARTED]:
            services.stop(proc)


def drill(ddb_port: int, moto_port: int, data: Path, ddb: object) -> dict[str, object]:
    """Publish, break the database mid fan-out, mend it, and count what every family got."""

    from app import app
    from bench.fanout import build_school
    from chalicelib.dal import alerts as store
    from chalicelib.domain import alerts
    from ops.provision import provision
    from ops.pump import Pump

    provision()
    school_id, emails, phones = build_school(FAMILIES, SMS_EVERY)
    pump = Pump(app, schedules=False)
    pump.drain(timeout=300)
    news = alerts.publish_news(school_id, "drill-admin", "Собрание", "Общешкольное собрание в 18:30.", [])
    for _ in range(3):  # the news reaches the queue and the first batches go out
        pump.poll_once()
    services.stop(ddb)  # type: ignore[arg-type]
    down_since = time.monotonic()
    while time.monotonic() - down_since < 3:
        pump.poll_once()
        time.sleep(0.2)
    failed_during_outage = pump.failed + pump.poll_errors
    RESTARTED.append(services.start_dynamodb(ddb_port, data))
    pump.drain(timeout=300)

    sent = read_mailbox(moto_port, timeout=10)
    per_address: Counter[str] = Counter()
    for message in sent["bulk"]:
        for destination in message.get("destinations", []):
            for address in destination.get("Destination", destination).get("ToAddresses", []):
                per_address[address] += 1
    per_phone = Counter(sms["phone_number"] for sms in sent["sms"])
    item = store.get_news(school_id, news["news_id"])
    assert item is not None
    return {"families": emails, "phones": phones, "failed_during_outage": failed_during_outage,
            "emailed_addresses": len(per_address), "emails_per_address": sorted(set(per_address.values())),
            "texted_phones": len(per_phone), "sms_per_phone": sorted(set(per_phone.values())),
            "state": item.state, "emails_sent": int(item.emails_sent), "sms_sent": int(item.sms_sent)}


if __name__ == "__main__":
    main()
