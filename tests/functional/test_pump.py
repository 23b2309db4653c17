"""The local event pump drives handlers the way Lambda does: batches, partial failures, retries, DLQ."""

from __future__ import annotations

import json
import uuid

import boto3
from chalice import Chalice

from chalicelib.events.batch import process_batch
from ops.pump import Pump


def _queue_with_dlq(name: str, max_receives: int) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=name, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receives})})["QueueUrl"]
    return url, dlq


def _bodies(url: str) -> list[str]:
    sqs = boto3.client("sqs")
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            return sorted(found)
        found += [m["Body"] for m in batch]


def test_failed_records_are_retried_then_dead_lettered_and_good_ones_handled_once(aws):
    # Given a handler that fails every record whose body says "poison"
    name = f"pump-{uuid.uuid4().hex[:8]}"
    url, dlq = _queue_with_dlq(name, max_receives=2)
    app = Chalice(app_name="pump-test")
    handled: list[str] = []
    seen_batches: list[int] = []

    def handle(record) -> None:
        if record.body.startswith("poison"):
            raise ValueError("cannot process")
        handled.append(record.body)

    @app.on_sqs_message(queue=name, batch_size=10)
    def consume(event):
        seen_batches.append(len(list(event)))
        return process_batch(event, handle)

    sqs = boto3.client("sqs")
    for body in ["good-1", "poison-1", "good-2", "good-3", "poison-2"]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    # When the pump drains the queue
    Pump(app).drain(timeout=20)
    # Then good records were handled exactly once, in batches, and the poison ones are in the DLQ
    assert sorted(handled) == ["good-1", "good-2", "good-3"]
    assert seen_batches[0] == 5
    assert _bodies(dlq) == ["poison-1", "poison-2"]
    assert _bodies(url) == []


def test_a_handler_that_raises_fails_the_whole_batch(aws):
    name = f"pump-{uuid.uuid4().hex[:8]}"
    url, dlq = _queue_with_dlq(name, max_receives=1)
    app = Chalice(app_name="pump-test")
    calls = []

    @app.on_sqs_message(queue=name, batch_size=10)
    def consume(event):
        calls.append(1)
        raise RuntimeError("crash before any record")

    boto3.client("sqs").send_message(QueueUrl=url, MessageBody="a")
    Pump(app).drain(timeout=20)
    assert len(calls) == 1
    assert _bodies(dlq) == ["a"]


def test_stream_records_reach_the_handler_with_lambdas_shape(aws):
    # Given a handler on the table's stream
    app = Chalice(app_name="stream-test")
    received: list[dict] = []

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:eu-central-1:123456789012:table/ediary-test/stream/x",
                            starting_position="LATEST")
    def changes(event):
        received.extend({"name": r.event_name, "keys": r.keys, "new": r.new_image} for r in event)

    pump = Pump(app)
    pump.poll_once()  # positions the shard iterators at the stream's end
    # When an item is written
    from chalicelib.dal.models import School

    school_id = uuid.uuid4().hex
    School(f"SCHOOL#{school_id}", "SCHOOL", school_id=school_id, name="Школа потока").save()
    pump.drain(timeout=10)
    # Then the handler got an INSERT carrying the new image
    mine = [r for r in received if r["keys"]["PK"] == {"S": f"SCHOOL#{school_id}"}]
    assert [r["name"] for r in mine] == ["INSERT"]
    assert mine[0]["new"]["name"] == {"S": "Школа потока"}


def test_scheduled_handlers_run_with_the_events_shape(aws):
    from chalice import Rate

    app = Chalice(app_name="schedule-test")
    seen = []

    @app.schedule(Rate(15, unit=Rate.MINUTES))
    def every_quarter(event):
        seen.append(event.to_dict()["detail-type"])

    pump = Pump(app)
    pump.poll_once()
    pump.poll_once()  # within the local period: not again
    assert seen == ["Scheduled Event"]
