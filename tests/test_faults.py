"""Faults: the database goes away in the middle of an upload and comes back; nothing is lost,
nothing is written twice."""

from __future__ import annotations

import json
import subprocess
import sys

from ops.services import ROOT


def test_an_upload_survives_the_database_going_away_mid_way():
    # The drill runs in its own process with its own DynamoDB Local (on disk) and moto,
    # so stopping the database there leaves this session's services alone.
    done = subprocess.run([sys.executable, "tests/fault_drill.py"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={k: v for k, v in __import__("os").environ.items()
                                            if not k.startswith("AWS_ENDPOINT_URL")})
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["failed_during_outage"] > 0  # the outage really hit the processing
    assert outcome["state"] == "done"
    assert outcome["rows_total"] == outcome["rows_done"] == outcome["expected_rows"]
    assert outcome["rows_rejected"] == 0
    assert outcome["grades_per_student"] == [15]  # every grade landed, none twice
    assert outcome["versions"] == [1]  # and none was rewritten
