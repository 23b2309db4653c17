"""Faults: the database goes away in the middle of an upload and comes back; nothing is lost,
nothing is written twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ops.services import ROOT


def _drill(script: str) -> dict:
    # Each drill runs in its own process with its own DynamoDB Local (on disk) and moto,
    # so stopping the database there leaves this session's services alone.
    done = subprocess.run([sys.executable, script], cwd=ROOT, capture_output=True, text=True, timeout=420,
                          env={k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")})
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_an_upload_survives_the_database_going_away_mid_way():
    outcome = _drill("tests/e2e/fault_drill.py")
    assert outcome["failed_during_outage"] > 0  # the outage really hit the processing
    assert outcome["state"] == "done"
    assert outcome["rows_total"] == outcome["rows_done"] == outcome["expected_rows"]
    assert outcome["rows_rejected"] == 0
    assert outcome["grades_per_student"] == [15]  # every grade landed, none twice
    assert outcome["versions"] == [1]  # and none was rewritten


def test_a_news_fan_out_survives_the_database_going_away_mid_way():
    outcome = _drill("tests/e2e/fault_drill_fanout.py")
    assert outcome["failed_during_outage"] > 0  # the outage really hit the fan-out
    assert outcome["state"] == "done"
    # Every family got the news once by email, and once by SMS where they chose it
    assert (outcome["emailed_addresses"], outcome["emails_per_address"]) == (outcome["families"], [1])
    assert (outcome["texted_phones"], outcome["sms_per_phone"]) == (outcome["phones"], [1])
    assert (outcome["emails_sent"], outcome["sms_sent"]) == (outcome["families"], outcome["phones"])
