"""The local event pump: delivers SQS messages and DynamoDB stream records to the app's
Chalice event handlers the way Lambda does — same event shape, batches, partial batch
failures, retries through the visibility timeout, then the queue's dead-letter queue.
SNS messages reach it through a queue subscribed to each topic (ops/provision.py), and go
to the topic's handler one record an invocation, as SNS invokes Lambda.

Where it is in each shard of a stream is kept on disk (`state_dir`, `.local/pump/` under
`make run`) after every batch handed over, as Lambda's event source mapping keeps it: a restart
goes on after the last record handled instead of from the oldest one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from chalice.app import Chalice, DynamoDBEventConfig, ScheduledEventConfig, SNSEventConfig, SQSEventConfig

from ops.provision import audit_dead_letter_queue_name, sns_mirror_queue_name

log = logging.getLogger("pump")

SCHEDULE_EVERY_SECONDS = 60  # locally a scheduled handler (e.g. releasing held alerts) runs each minute
MAX_RETRY_DELAY_SECONDS = 16  # locally a failed record comes back after 1, 2, 4… s, not 6× the timeout
AUDIT_FUNCTION = "audit_trail"  # chalicelib/events/audit.py
ASYNC_RETRIES = 2  # Lambda retries an asynchronous invocation twice, then sends it to its destination
AUDIT_BATCH_BYTES = 256 * 1024  # CloudWatch Logs hands a subscribed function at most this much at once
POSITIONS_FILE = "stream-positions.json"
# The saved place is gone: the records after it were trimmed (older than the stream keeps), the
# shard no longer exists, or the number belongs to another stream.
LOST_POSITION = frozenset({"TrimmedDataAccessException", "ResourceNotFoundException", "ValidationException"})


@dataclass
class LambdaContext:
    """Enough of Lambda's context object for the handlers."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512

    def get_remaining_time_in_millis(self) -> int:
        """Lambda's countdown; generous locally."""
        return 60_000


@dataclass
class StreamCursor:
    """Where the pump is in one shard of a table's stream."""

    shard_id: str
    iterator: str | None
    last_sequence: str | None = None  # the last record handed over successfully
    retry_at: str | None = None  # the first record of a batch that failed
    closed: bool = False


class StreamPositions:
    """The last record each stream handler got in each shard, kept in one small JSON file written
    atomically (a crash mid-write leaves the previous file); without a directory, in memory only.

    Shape: {handler: {"stream_arn": …, "shards": {shard id: {"after": sequence, "closed": bool}}}};
    a handler's places in another stream (the table was made again) are forgotten."""

    def __init__(self, state_dir: str | Path | None) -> None:
        self.path = Path(state_dir) / POSITIONS_FILE if state_dir is not None else None
        self._saved: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("%s is unreadable: streams start from their starting position", self.path)
            return {}
        return saved if isinstance(saved, dict) else {}

    def cursors(self, handler: str, stream_arn: str) -> dict[str, StreamCursor]:
        """The handler's saved places in this stream, as cursors to resume from."""
        saved = self._saved.get(handler)
        if not isinstance(saved, dict) or saved.get("stream_arn") != stream_arn:
            return {}
        shards = saved.get("shards")
        if not isinstance(shards, dict):
            return {}
        return {shard_id: StreamCursor(shard_id, None, last_sequence=place.get("after"),
                                       closed=bool(place.get("closed")))
                for shard_id, place in shards.items() if isinstance(place, dict)}

    def save(self, handler: str, stream_arn: str, cursors: dict[str, StreamCursor]) -> None:
        """Remember where the handler is in every shard it has read."""
        self._saved[handler] = {"stream_arn": stream_arn, "shards": {
            c.shard_id: {"after": c.last_sequence, "closed": c.closed}
            for c in cursors.values() if c.last_sequence or c.closed}}
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, prefix=".positions-",
                                         delete=False) as out:
            json.dump(self._saved, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(out.name, self.path)


class Pump:
    """Poll the queues and streams the app listens to and invoke its handlers."""

    def __init__(self, app: Chalice, region: str = "eu-central-1", schedules: bool = True,
                 state_dir: str | Path | None = None) -> None:
        self.app = app
        self.schedules = schedules  # tests that drive time themselves turn scheduled handlers off
        self.region = region
        self.sqs = boto3.client("sqs")
        self.streams = boto3.client("dynamodbstreams")
        self.ddb = boto3.client("dynamodb")
        self._queue_urls: dict[str, str] = {}
        self._cursors: dict[str, dict[str, StreamCursor]] = {}
        self._stream_of: dict[str, str] = {}  # handler → the stream its cursors are in
        self._positions = StreamPositions(state_dir)  # no directory (tests): kept in memory only
        self.delivered = 0
        self.failed = 0
        self.poll_errors = 0
        self._last_scheduled: dict[str, float] = {}
        self._audit_attempts = 0
        # Within one round the handlers of one table's stream share its description and shard list
        # (one describe_table and one describe_stream a round, not one per handler).
        self._round: dict[str, Any] | None = None

    # --- SQS ---------------------------------------------------------------------------

    def _queue_url(self, name: str) -> str:
        if name not in self._queue_urls:
            self._queue_urls[name] = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return self._queue_urls[name]

    def poll_queue(self, source: SQSEventConfig) -> int:
        """Receive one batch from a queue and hand it to the handler; returns the batch size."""
        assert source.queue
        url = self._queue_url(source.queue)
        messages = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10),
            AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return 0
        arn = f"arn:aws:sqs:{self.region}:123456789012:{source.queue}"
        event = {"Records": [self._sqs_record(m, arn) for m in messages]}
        failed = self._invoke_sqs(source, event)
        for message in messages:
            if message["MessageId"] in failed:
                receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                self.sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=min(2 ** (receives - 1), MAX_RETRY_DELAY_SECONDS),
                )
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        self.delivered += len(messages) - len(failed)
        self.failed += len(failed)
        return len(messages)

    def _invoke_sqs(self, source: SQSEventConfig, event: dict[str, Any]) -> set[str]:
        ids = {r["messageId"] for r in event["Records"]}
        try:
            result = self.app.handler_map[source.name](event, LambdaContext(source.name))
        except Exception:
            log.exception("%s raised: the whole batch will be retried", source.name)
            return ids
        if isinstance(result, dict) and "batchItemFailures" in result:
            reported = {f.get("itemIdentifier") for f in result["batchItemFailures"]}
            # Lambda fails the whole batch when an identifier is not in it.
            return ids if not reported <= ids else {str(r) for r in reported}
        return set()

    def _sqs_record(self, message: dict[str, Any], arn: str) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "awsRegion": self.region,
        }

    # --- SNS (through the topic's mirror queue) -------------------------------------------

    def poll_topic(self, source: SNSEventConfig) -> int:
        """Hand the messages published to a topic to its handler; a failure comes back later."""
        url = self._queue_url(sns_mirror_queue_name(source.topic))
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                            WaitTimeSeconds=0).get("Messages", [])
        for message in messages:
            try:
                self.app.handler_map[source.name](self._sns_event(message), LambdaContext(source.name))
            except Exception:
                log.exception("%s raised: the message will be retried", source.name)
                receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                   VisibilityTimeout=min(2 ** (receives - 1),
                                                                         MAX_RETRY_DELAY_SECONDS))
                self.failed += 1
                continue
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            self.delivered += 1
        return len(messages)

    def _sns_event(self, message: dict[str, Any]) -> dict[str, Any]:
        envelope = json.loads(message["Body"])
        return {"Records": [{
            "EventSource": "aws:sns", "EventVersion": "1.0",
            "EventSubscriptionArn": f"{envelope.get('TopicArn', '')}:{uuid.uuid4()}",
            "Sns": {"Type": envelope.get("Type", "Notification"), "MessageId": envelope.get("MessageId", ""),
                    "TopicArn": envelope.get("TopicArn", ""), "Subject": envelope.get("Subject"),
                    "Message": envelope.get("Message", ""), "Timestamp": envelope.get("Timestamp", ""),
                    "MessageAttributes": envelope.get("MessageAttributes", {})},
        }]}

    # --- DynamoDB streams --------------------------------------------------------------

    def poll_stream(self, source: DynamoDBEventConfig) -> int:
        """Read new records of the table's stream and hand them to the handler in batches.

        Like Lambda's default for streams, a batch that fails is retried (next round) and
        holds back the records after it in its shard: nothing is skipped or dropped.
        """
        table = source.stream_arn.split(":table/", 1)[-1].split("/", 1)[0]
        stream_arn = self._this_round(f"table:{table}", lambda: self.ddb.describe_table(
            TableName=table)["Table"].get("LatestStreamArn"))
        if not stream_arn:
            return 0
        cursors = self._stream_cursors(source.name, stream_arn)
        shards = self._this_round(f"shards:{stream_arn}", lambda: self.streams.describe_stream(
            StreamArn=stream_arn)["StreamDescription"]["Shards"])
        for gone in set(cursors) - {shard["ShardId"] for shard in shards}:
            del cursors[gone]  # trimmed away with all its records: nothing is left to read there
        total = 0
        for shard in shards:
            cursor = cursors.setdefault(shard["ShardId"], StreamCursor(shard["ShardId"], None))
            if cursor.iterator is None and cursor.closed:
                continue
            if cursor.iterator is None:
                cursor.iterator = self._iterator(stream_arn, source, cursor)
            try:
                page = self.streams.get_records(ShardIterator=cursor.iterator, Limit=source.batch_size)
            except Exception:
                cursor.iterator = None  # expired or the service restarted: resume from the sequence number
                raise
            records = page.get("Records", [])
            if records:
                for record in records:
                    record["eventSourceARN"] = stream_arn
                    record.setdefault("awsRegion", self.region)
                    created = record["dynamodb"].get("ApproximateCreationDateTime")
                    if hasattr(created, "timestamp"):  # boto3 parses it; Lambda sends epoch seconds
                        record["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
                if not self._invoke_stream(source, {"Records": records}):
                    cursor.iterator, cursor.retry_at = None, records[0]["dynamodb"]["SequenceNumber"]
                    continue
                cursor.last_sequence, cursor.retry_at = records[-1]["dynamodb"]["SequenceNumber"], None
                total += len(records)
            cursor.iterator = page.get("NextShardIterator")
            cursor.closed = cursor.iterator is None
            if records or cursor.closed:
                self._positions.save(source.name, stream_arn, cursors)
        return total

    def _this_round(self, key: str, read: Callable[[], Any]) -> Any:
        """What `read` gives, read once a round (every call when not inside poll_once)."""
        if self._round is None:
            return read()
        if key not in self._round:
            self._round[key] = read()
        return self._round[key]

    def _stream_cursors(self, handler: str, stream_arn: str) -> dict[str, StreamCursor]:
        """The handler's cursors in this stream: kept from an earlier round, or read back from disk."""
        if self._stream_of.get(handler) != stream_arn:
            self._cursors[handler] = self._positions.cursors(handler, stream_arn)
            self._stream_of[handler] = stream_arn
        return self._cursors[handler]

    def _iterator(self, stream_arn: str, source: DynamoDBEventConfig, cursor: StreamCursor) -> str:
        where: dict[str, str]
        if cursor.retry_at:
            where = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": cursor.retry_at}
        elif cursor.last_sequence:
            where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": cursor.last_sequence}
        else:
            start = source.starting_position
            where = {"ShardIteratorType": start if start in ("TRIM_HORIZON", "LATEST") else "TRIM_HORIZON"}
        try:
            return self._shard_iterator(stream_arn, cursor.shard_id, where)
        except ClientError as error:
            if "SequenceNumber" not in where or error.response.get("Error", {}).get("Code") not in LOST_POSITION:
                raise
        # The place is gone (the pump was stopped longer than the stream keeps records, or the data
        # was replaced): go on from the oldest record still there, as Lambda does. What was trimmed
        # is lost; alerts never tell of a change older than the reader's link (domain/alerts/expansion.py).
        log.warning("%s: the saved place in shard %s is gone; reading from its oldest record",
                    source.name, cursor.shard_id)
        cursor.retry_at = cursor.last_sequence = None
        return self._shard_iterator(stream_arn, cursor.shard_id, {"ShardIteratorType": "TRIM_HORIZON"})

    def _shard_iterator(self, stream_arn: str, shard_id: str, where: dict[str, str]) -> str:
        return str(self.streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard_id, **where)["ShardIterator"])

    def _invoke_stream(self, source: DynamoDBEventConfig, event: dict[str, Any]) -> bool:
        try:
            self.app.handler_map[source.name](event, LambdaContext(source.name))
        except Exception:
            log.exception("%s failed; the batch will be retried", source.name)
            self.failed += len(event["Records"])
            return False
        self.delivered += len(event["Records"])
        return True

    # --- schedules ------------------------------------------------------------------------

    def run_schedule(self, source: ScheduledEventConfig, force: bool = False) -> bool:
        """Call a scheduled handler when its (local) period has passed; True when it ran."""
        now = time.monotonic()
        if not force and now - self._last_scheduled.get(source.name, 0.0) < SCHEDULE_EVERY_SECONDS:
            return False
        self._last_scheduled[source.name] = now
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                 "source": "aws.events", "account": "123456789012", "region": self.region,
                 "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "resources": [f"arn:aws:events:{self.region}:123456789012:rule/{source.name}"], "detail": {}}
        self.app.handler_map[source.name](event, LambdaContext(source.name))
        return True

    # --- the API's audit log (a CloudWatch Logs subscription in AWS) -----------------------

    def _audit_log(self) -> str | None:
        """The local stand-in of the API's log group, when the app has the audit function."""
        path = os.environ.get("AUDIT_LOG_FILE")
        return path if path and AUDIT_FUNCTION in self.app.handler_map else None

    @staticmethod
    def _audit_offset(path: str) -> int:
        """How far the audit function has read, kept beside the log so a restart goes on from there
        (and the pumps of one machine share it)."""
        try:
            with open(path + ".offset", encoding="ascii") as saved:
                offset = int(saved.read() or 0)
        except (OSError, ValueError):
            return 0
        return offset if offset <= os.path.getsize(path) else 0  # the log was replaced: start over

    def poll_audit_log(self) -> int:
        """Hand the audit log's new lines to the audit function in the event CloudWatch Logs sends;
        an event that fails is retried twice (next rounds), then parked on the function's
        dead-letter queue the way Lambda's on-failure destination records it."""
        from chalicelib.dal.audit_log import subscription_event

        path = self._audit_log()
        if path is None or not os.path.exists(path):
            return 0
        offset = self._audit_offset(path)
        with open(path, "rb") as log_file:
            log_file.seek(offset)
            chunk = log_file.read(AUDIT_BATCH_BYTES)
        end = chunk.rfind(b"\n") + 1  # only whole lines: a request may be writing the next one
        if not end:
            return 0
        lines = [line for line in chunk[:end].decode("utf-8", "replace").splitlines() if line.strip()]
        event = subscription_event(lines, first_id=offset)
        try:
            if lines:
                self.app.handler_map[AUDIT_FUNCTION](event, LambdaContext(AUDIT_FUNCTION))
        except Exception as error:
            self._audit_attempts += 1
            log.exception("%s failed (attempt %d)", AUDIT_FUNCTION, self._audit_attempts)
            if self._audit_attempts <= ASYNC_RETRIES:
                return 0
            self.sqs.send_message(QueueUrl=self._queue_url(audit_dead_letter_queue_name()), MessageBody=json.dumps({
                "version": "1.0", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": self._audit_attempts,
                                   "functionArn": f"arn:aws:lambda:{self.region}:123456789012:function:"
                                                  f"{AUDIT_FUNCTION}:$LATEST"},
                "requestPayload": event, "responsePayload": {"errorMessage": repr(error)}}))
            self.failed += len(lines)
        else:
            self.delivered += len(lines)
        self._audit_attempts = 0
        with open(path + ".offset", "w", encoding="ascii") as saved:
            saved.write(str(offset + end))
        return len(lines)

    def _audit_pending(self) -> bool:
        path = self._audit_log()
        return bool(path and os.path.exists(path) and os.path.getsize(path) > self._audit_offset(path))

    # --- loop --------------------------------------------------------------------------

    def poll_once(self) -> int:
        """One round over every queue and stream; returns the records handed over."""
        self._round = {}
        try:
            return self._poll_round()
        finally:
            self._round = None

    def _poll_round(self) -> int:
        total = 0
        for source in self.app.event_sources:
            try:
                if isinstance(source, SQSEventConfig) and source.queue:
                    total += self.poll_queue(source)
                elif isinstance(source, DynamoDBEventConfig):
                    total += self.poll_stream(source)
                elif isinstance(source, SNSEventConfig):
                    total += self.poll_topic(source)
                elif isinstance(source, ScheduledEventConfig) and self.schedules:
                    self.run_schedule(source)
            except Exception as error:  # a service is away: keep pumping the others, retry next round
                log.warning("polling %s failed: %r", source.name, error)
                self.poll_errors += 1
        try:
            total += self.poll_audit_log()
        except Exception as error:
            log.warning("polling the audit log failed: %r", error)
            self.poll_errors += 1
        return total

    def drain(self, timeout: float = 30.0, settle_rounds: int = 3) -> int:
        """Poll until the queues are empty, nothing is in flight, and a round moved nothing (so
        retries of failed records happen too); for tests and seeding.

        A round that handed nothing over and saw no failure and no polling error ran no handler, so
        nothing the pump does can make more work: with nothing in flight, one such round ends the
        drain (each test's drains were a good part of the functional layer's time). A round that
        saw a failure is retried; `settle_rounds` rounds in a row that move nothing end it anyway
        (a handler failing for good, a service away), as before."""
        deadline = time.monotonic() + timeout
        moved, quiet = 0, 0
        while time.monotonic() < deadline:
            failed, errors = self.failed, self.poll_errors
            n = self.poll_once()
            moved += n
            if n:
                quiet = 0
                continue
            quiet += 1
            clean = self.failed == failed and self.poll_errors == errors
            if (clean or quiet >= settle_rounds) and not self._in_flight():
                break
            time.sleep(0.1)
        return moved

    def _in_flight(self) -> bool:
        """Messages waiting or invisible (being retried) on any queue the app listens to, or audit
        lines not yet stored."""
        if self._audit_pending():
            return True
        for source in self.app.event_sources:
            queue = source.queue if isinstance(source, SQSEventConfig) else \
                sns_mirror_queue_name(source.topic) if isinstance(source, SNSEventConfig) else None
            if queue:
                attributes = self.sqs.get_queue_attributes(
                    QueueUrl=self._queue_url(queue),
                    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
                )["Attributes"]
                if any(int(v) for v in attributes.values()):
                    return True
        return False

    def run_forever(self, idle_sleep: float = 0.5) -> None:
        """The `make run` loop."""
        while True:
            try:
                if not self.poll_once():
                    time.sleep(idle_sleep)
            except Exception:
                log.exception("pump round failed; retrying")
                time.sleep(2)
