"""The unit layer: domain rules with no I/O, so `make test-unit` runs in seconds without services.

A test here that asks for one of tests/conftest.py's service fixtures (DynamoDB Local and moto,
the app, its test client, the pump), even through another fixture, fails before anything starts,
and every test runs with outgoing connections refused: a rule that needs the database belongs in
tests/functional.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

SERVICE_FIXTURES = frozenset({"aws", "app", "client", "pump"})
_ELSEWHERE = "tests/unit needs no services: a test using {} belongs in tests/functional"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a unit test that would start the services, before any of its fixtures runs."""
    wanted = sorted(SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())))
    if wanted:
        pytest.fail(_ELSEWHERE.format(", ".join(f"`{name}`" for name in wanted)), pytrace=False)


@pytest.fixture(autouse=True)
def _no_connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A unit test that reaches for a socket (boto3 to DynamoDB Local, SES, anything) fails at once
    with the address it tried, instead of waiting on a service that is not there."""
    def refused(self: socket.socket, address: Any, *_: Any) -> NoReturn:
        raise AssertionError(_ELSEWHERE.format(f"a connection to {address!r}"))

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket.socket, "connect_ex", refused)
    yield
