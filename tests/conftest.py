"""Test session: DynamoDB Local (in memory, free port) and moto's server, started once."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops import local_gateway, services  # noqa: E402
from ops.moto_server import read_mailbox  # noqa: E402

# The cabinet in a real browser (tests/e2e/browser.py): the running local system, Chromium, a fresh page.
from tests.e2e.browser import browser, cabinet, page  # noqa: E402, F401

local_gateway.install()  # the test client's gateway answers as `chalice local`'s does (ops/local_gateway.py)

_DDB_PORT, _MOTO_PORT = services.free_port(), services.free_port()
os.environ.update(services.aws_environment(_DDB_PORT, _MOTO_PORT))
os.environ.update({
    "DIARY_TABLE": "ediary-test",
    "OUTBOX_QUEUE": "ediary-test-outbox",
    "APPLICATIONS_QUEUE": "ediary-test-applications",
    "ALERTS_QUEUE": "ediary-test-alerts",
    "SES_FEEDBACK_TOPIC": "ediary-test-ses-feedback",
    "UPLOADS_QUEUE": "ediary-test-uploads",
    "UPLOAD_BUCKET": "ediary-test-uploads",
    "SIGNING_SECRET": "test-signing-secret-that-is-long-enough-0123456789",
    "STAGE": "test",
    "VALIDATE_RESPONSES": "1",  # every answer is checked against its model (chalicelib/api/answers.py)
    "AUDIT_LOG_FILE": services.audit_log_file("test"),
    # argon2id at its floor cost in this process (the test stage alone may; domain/secrets.py):
    # logins and registrations were a good part of the functional layer's time. The production cost
    # is checked by tests/unit/test_speed_password_cost.py; the local system e2e tests start keeps it.
    "PASSWORD_HASHING": "test-only-fast",
})


@pytest.fixture(scope="session")
def aws() -> Iterator[dict[str, int]]:
    """The local AWS stand-ins, provisioned."""
    ddb = services.start_dynamodb(_DDB_PORT, None)
    moto = services.start_moto(_MOTO_PORT)
    try:
        from ops.provision import provision

        provision()
        yield {"dynamodb": _DDB_PORT, "moto": _MOTO_PORT}
    finally:
        services.stop(ddb)
        services.stop(moto)


@pytest.fixture(scope="session")
def app(aws: dict[str, int]) -> Any:
    """The Chalice app, imported once the environment points at the local services."""
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """Chalice's test client: the same local gateway and authorizer as `chalice local`."""
    from chalice.test import Client

    with Client(app, stage_name="test") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def pump(app: Any) -> Any:
    """Delivers queue messages to the app's handlers as Lambda would."""
    from ops.pump import Pump

    return Pump(app, schedules=False)  # tests call scheduled work with the clock they choose


def sent_emails(to: str) -> list[dict[str, Any]]:
    """Emails moto's SES accepted for an address, oldest first (ops/moto_server.py's mailbox)."""
    return read_mailbox(_MOTO_PORT, to)["emails"]


def sent_sms(phone: str) -> list[str]:
    """SMS texts moto's SNS accepted for a number, oldest first."""
    return [m["message"] for m in read_mailbox(_MOTO_PORT, phone)["sms"]]


def sent_bulk(to: str) -> list[dict[str, Any]]:
    """Bulk (templated) sends moto's SES accepted that include an address."""
    return read_mailbox(_MOTO_PORT, to)["bulk"]


def unique_email(prefix: str = "parent") -> str:
    """An address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.ru"


@pytest.fixture(autouse=True)
def _fresh_client_throttle(request: pytest.FixtureRequest) -> None:
    """Every test request comes from 127.0.0.1: forget that client's failed logins, mail sent and
    codes typed between tests."""
    if "client" in request.fixturenames:
        from chalicelib.domain.accounts import forget_client

        forget_client("127.0.0.1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end files first (a stable sort: each file's own order is kept): they are the
    longest (a `make run` or two each, the fault drills, the fuzzing), and with a file per worker at
    a time (`--dist loadfile`) the longest files handed out last were the run's tail, one worker busy
    with them while the other idled. Files are independent, so the order changes no outcome."""
    items.sort(key=lambda item: 0 if "e2e" in item.path.parts else 1)
