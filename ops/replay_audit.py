"""Replay the audit-log events parked on the audit function's dead-letter queue.

    python -m ops.replay_audit --function <AuditTrailFunction output of the stack>   # in AWS
    python -m ops.replay_audit --local                                              # make run's

Each parked message is Lambda's on-failure record; its `requestPayload` is the CloudWatch Logs
event the function could not store (dal/audit_log.py). In AWS the event is sent to the function
again (an asynchronous Invoke: its retries and its dead-letter queue apply again); with --local
this process hands it to the app's handler. A message is deleted only once handed over, so a
replay that stops half-way loses nothing, and storing an entry twice changes nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("replay_audit")


def _parked_event(body: str) -> dict[str, Any] | None:
    """The CloudWatch Logs event an on-failure record carries, or None."""
    try:
        record = json.loads(body)
    except ValueError:
        return None
    payload = record.get("requestPayload") if isinstance(record, dict) else None
    if isinstance(payload, dict) and isinstance(payload.get("awslogs"), dict) and "data" in payload["awslogs"]:
        return payload
    return None


def replay(hand_over: Callable[[dict[str, Any]], None], queue_name: str) -> tuple[int, int]:
    """Hand every parked event over; returns (replayed, left: messages that carry no event)."""
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    replayed = 0
    left: list[str] = []  # receipts of what is not an event: visible again once the replay is over
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=300).get("Messages", [])
        if not messages:
            for receipt in left:
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)
            return replayed, len(left)
        for message in messages:
            payload = _parked_event(message["Body"])
            if payload is None:
                log.warning("message %s carries no audit event: left on the queue", message["MessageId"])
                left.append(message["ReceiptHandle"])
                continue
            hand_over(payload)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            replayed += 1


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--function", help="the audit function's name (the stack's AuditTrailFunction output)")
    where.add_argument("--local", action="store_true", help="hand the events to this checkout's handler")
    parser.add_argument("--stage", help="default: STAGE, else local")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    from ops.provision import audit_dead_letter_queue_name

    hand_over: Callable[[dict[str, Any]], None]
    if args.local:
        import os

        from ops.run_local import local_environment

        os.environ.update(local_environment())
        from app import app

        def hand_over(event: dict[str, Any]) -> None:
            app.handler_map["audit_trail"](event, None)
    else:
        import boto3

        lambda_client = boto3.client("lambda")

        def hand_over(event: dict[str, Any]) -> None:
            lambda_client.invoke(FunctionName=args.function, InvocationType="Event", Payload=json.dumps(event))

    replayed, left = replay(hand_over, audit_dead_letter_queue_name(args.stage))
    print(f"replayed {replayed} parked audit events; {left} messages without one left on the queue")


if __name__ == "__main__":
    main()
