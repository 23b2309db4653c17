"""Schemathesis over every operation of GET /openapi.json, against the API served by `chalice local`:
no 5xx, and every response matches the document. Bounded here; `make fuzz` runs it longer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from ops.services import ROOT, free_port, stop, wait_for_port
from tests.journeys import login, post, school_with_admin, verified_account

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))


@pytest.fixture(scope="module")
def served(aws):
    """The API over real HTTP, as `make run` serves it, against the test's table and queues."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "chalice"), "local", "--stage", "test", "--host",
                             "127.0.0.1", "--port", str(port), "--no-autoreload"], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, "chalice local", proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def actors(app, aws):
    """A token for each kind of caller, all of school A."""
    from chalice.test import Client

    from ops.pump import Pump
    from tests.journeys import operator_token

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        school, admin = school_with_admin(client, pump)
        teacher_email = verified_account(client, pump, name="Учитель Фаззинга")
        post(client, f"/schools/{school}/teachers", {"email": teacher_email}, admin)
        credential = post(client, f"/schools/{school}/credentials", {"name": "АИС"}, admin).json_body["secret"]
        system = post(client, "/machine/token", {"credential": credential}).json_body["access_token"]
        tokens = {
            "account": login(client, verified_account(client, pump))["access_token"],
            "operator": operator_token(client),
            "school_admin": admin,
            "operator_or_school_admin": admin,
            "school_staff": login(client, teacher_email)["access_token"],
            "school_uploader": system,
        }
        return school, tokens


def test_every_operation_holds_to_the_document(served, actors):
    school, tokens = actors
    schema = schemathesis.openapi.from_url(f"{served}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        access = operation.definition.raw.get("x-access", "public")
        headers = {"Authorization": f"Bearer {tokens[access]}"} if access in tokens else {}
        try:
            _fuzz(operation, served, school, headers)()
        except BaseException as failure:  # collect every operation's failures, then report them all
            if isinstance(failure, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, served, school, headers):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        if "school_id" in (case.path_parameters or {}):
            case.path_parameters["school_id"] = school
        # Schema-valid data may still break a business rule (a weak password, a term that
        # overlaps another): the document can't express those, so that check is left out.
        case.call_and_validate(base_url=served, headers=headers, excluded_checks=[positive_data_acceptance])

    return run
