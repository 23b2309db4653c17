"""Openings of a child's diary reach the audit trail through the API's log (dal/audit_log.py):
the line a read prints, the subscription event that carries it, the function that stores it,
replays, lines that are not audit entries, broken events and the dead-letter queue."""

from __future__ import annotations

import base64
import gzip
import json
import os

import boto3
import pytest

from tests.journeys import get, linked_parent


def _trail(client, student_id, parent):
    return get(client, f"/children/{student_id}/audit?limit=50", parent).json_body["items"]


def _log_lines() -> list[str]:
    with open(os.environ["AUDIT_LOG_FILE"], encoding="utf-8") as log_file:
        return log_file.read().splitlines()


def _entry_line(student_id: str, actor: str, part: str, stamp: str) -> str:
    return json.dumps({"audit_entry": {"PK": f"STUDENT#{student_id}", "SK": f"AUDIT#{stamp}#0000abcd",
                                       "student_id": student_id, "actor_id": actor, "action": "opened",
                                       "part": part, "created_at": stamp}})


def test_a_read_prints_its_entry_and_the_trail_stores_it_from_the_log(client, pump):
    _, _, student_id, _, parent = linked_parent(client, pump)
    pump.drain()
    me = get(client, "/me", parent).json_body["account_id"]
    before = len(_trail(client, student_id, parent))
    assert get(client, f"/children/{student_id}/homework", parent).status_code == 200
    printed = [json.loads(line)["audit_entry"] for line in _log_lines()[-1:]]
    assert [(e["student_id"], e["actor_id"], e["action"], e["part"]) for e in printed] == [
        (student_id, me, "opened", "homework")]
    assert len(_trail(client, student_id, parent)) == before  # not on the request: the log carries it
    pump.drain()
    newest = _trail(client, student_id, parent)[0]
    assert (newest["action"], newest["part"], newest["actor_account_id"]) == ("opened", "homework", me)
    assert newest["at"] == printed[0]["created_at"]


def test_the_audit_function_stores_each_entry_once_and_leaves_what_is_not_one(client, pump, app):
    from chalicelib.dal.audit_log import subscription_event

    _, _, student_id, _, parent = linked_parent(client, pump)
    pump.drain()
    before = len(_trail(client, student_id, parent))
    good = [_entry_line(student_id, "acc-1", "grades", "2026-09-01T08:00:00.000001+00:00"),
            _entry_line(student_id, "acc-2", "homework", "2026-09-01T08:00:00.000002+00:00")]
    forged = json.loads(good[0])
    forged["audit_entry"]["PK"] = "STUDENT#somebody-else"  # a line whose partition is not its child's
    granted = json.loads(good[1])
    granted["audit_entry"]["action"] = "guardian_linked"  # only openings travel through the log
    noise = ["START RequestId: 1 Version: $LATEST", "{\"audit_entry\": {\"PK\": 1}}", json.dumps(forged),
             json.dumps(granted), "[1, 2]"]
    event = subscription_event([*good, good[0], *noise])
    assert app.handler_map["audit_trail"](event, None) == {"stored": 2, "rejected": 5}
    assert app.handler_map["audit_trail"](event, None) == {"stored": 2, "rejected": 5}  # delivered again
    trail = _trail(client, student_id, parent)
    assert len(trail) == before + 2
    assert [(e["actor_account_id"], e["part"]) for e in trail[-2:]] == [("acc-2", "homework"), ("acc-1", "grades")]


def test_a_control_message_stores_nothing_and_a_broken_event_is_refused(app):
    control = {"messageType": "CONTROL_MESSAGE", "logEvents": [{"id": "1", "message": "CWL CONTROL MESSAGE"}]}
    encoded = base64.b64encode(gzip.compress(json.dumps(control).encode())).decode()
    assert app.handler_map["audit_trail"]({"awslogs": {"data": encoded}}, None) == {"stored": 0, "rejected": 0}
    for broken in ({}, {"awslogs": {"data": "not base64!"}}, {"awslogs": {"data": base64.b64encode(b"x").decode()}},
                   {"awslogs": {"data": base64.b64encode(gzip.compress(b"[]")).decode()}}):
        with pytest.raises(ValueError, match="subscription event"):
            app.handler_map["audit_trail"](broken, None)


def test_an_event_that_keeps_failing_is_parked_after_two_retries_then_replayed(client, pump, app, monkeypatch):
    from chalicelib.dal import audit_log
    from ops.provision import audit_dead_letter_queue_name
    from ops.replay_audit import replay

    pump.drain()
    sqs = boto3.client("sqs")
    dlq = sqs.get_queue_url(QueueName=audit_dead_letter_queue_name())["QueueUrl"]
    calls = []

    def failing(messages):
        calls.append(list(messages))
        raise RuntimeError("the table is away")

    monkeypatch.setattr(audit_log, "store", failing)
    with open(os.environ["AUDIT_LOG_FILE"], "a", encoding="utf-8") as log_file:
        log_file.write(_entry_line("stu-x", "acc-9", "week", "2026-09-02T08:00:00.000001+00:00") + "\n")
    assert [pump.poll_audit_log() for _ in range(3)] == [0, 0, 1]  # two retries, then parked
    assert len(calls) == 3 and not pump._audit_pending()
    parked = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert len(parked) == 1
    record = json.loads(parked[0]["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert audit_log.subscription_messages(record["requestPayload"]) == calls[0]  # the event, kept whole
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=parked[0]["ReceiptHandle"], VisibilityTimeout=0)
    # Once the table is back, ops/replay_audit.py hands the parked event to the function again;
    # a message that carries no event is left where it is
    monkeypatch.undo()
    sqs.send_message(QueueUrl=dlq, MessageBody="not an on-failure record")
    replayed = replay(lambda event: app.handler_map["audit_trail"](event, None), audit_dead_letter_queue_name())
    assert replayed == (1, 1)
    from chalicelib.dal.models import DiaryItem

    [stored] = list(DiaryItem.query("STUDENT#stu-x", DiaryItem.sk.startswith("AUDIT#")))
    assert (stored.actor_id, stored.part) == ("acc-9", "week")
    leftover = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in leftover] == ["not an on-failure record"]
    sqs.purge_queue(QueueUrl=dlq)
