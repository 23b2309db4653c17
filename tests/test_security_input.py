"""Bad input and a database that does not answer (issue 12, items 7, 9 and 10): every answer is a
fast, declared 4xx or 503 in the error envelope, never a hang or a 500."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.journeys import get, operator_token

# The test's own guard against a hang; far above the bound the clients keep (chalicelib/aws.py).
GUARD_S = 60


# --- item 7: a stalled database -------------------------------------------------------------


class Blackhole:
    """A TCP endpoint that accepts every connection and never answers: a stalled database."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._held.append(conn)  # read nothing, answer nothing

    def close(self) -> None:
        self._server.close()
        for conn in self._held:
            conn.close()


def _forget_database_clients() -> None:
    """Drop every cached DynamoDB client, so the next call builds one from the environment."""
    from chalicelib import aws
    from chalicelib.dal import store
    from chalicelib.dal.models import DiaryItem

    aws.client.cache_clear()
    aws.queue_url.cache_clear()
    store.connection.cache_clear()
    pending = [DiaryItem]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "_connection" in vars(model):
            model._connection = None


@pytest.fixture
def stalled_table(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table's endpoint accepts connections and never answers, for the test's duration."""
    hole = Blackhole()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", hole.url)
    _forget_database_clients()
    try:
        yield
    finally:
        monkeypatch.undo()
        _forget_database_clients()
        hole.close()


def _guarded(call: Any) -> Any:
    """Run `call`, failing the test if it has not ended within the guard (a hang stays behind in
    a daemon thread rather than holding the session)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=GUARD_S)
    assert not worker.is_alive(), f"still waiting after {GUARD_S} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.body
    assert response.json_body["error"]["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture(scope="module")
def operator(app: Any, aws: Any) -> str:
    from chalice.test import Client

    with Client(app, stage_name="test") as client:
        return operator_token(client)


def test_a_read_from_a_stalled_database_ends_in_a_fast_503(client, operator, stalled_table):
    # Given the table accepts connections and never answers / When an account reads itself
    response = _guarded(lambda: get(client, "/me", operator))
    # Then the request ends, within the bound, with 503 and Retry-After in the envelope
    _assert_unavailable(response)


def test_a_list_drained_from_a_stalled_database_ends_in_a_503(client, operator, stalled_table):
    # The page is read lazily, where the list is drained (store.page), not where the query is made
    response = _guarded(lambda: get(client, "/schools", operator))
    _assert_unavailable(response)


def test_a_batch_read_from_a_stalled_database_is_unavailable(stalled_table):
    from chalicelib.dal.store import get_many
    from chalicelib.errors import UnavailableError

    def read() -> Any:
        with pytest.raises(UnavailableError):
            get_many([("SCHOOL#x", "SCHOOL")])
        return True

    assert _guarded(read)


def test_a_queue_record_fails_alone_rather_than_hang_when_the_database_stalls(client, stalled_table):
    # Given an approved application's message / When its handler meets a stalled table
    event = client.events.generate_sqs_event(queue_name="applications",
                                             message_bodies=[json.dumps({"application_id": "0" * 32})])
    answer = _guarded(lambda: client.lambda_.invoke("process_applications", event))
    # Then the record is reported failed, so the queue retries it (and dead-letters it in the end)
    assert answer.payload == {"batchItemFailures": [{"itemIdentifier": "message-id"}]}
