"""The openings of a child's diary reach the audit trail through the API's log, not through a
write on the request.

A family's read is the service's hottest path; writing its audit entry beside it doubled the
DynamoDB calls of the week (a read and a write). Instead the API prints the entry as one JSON
line; CloudWatch Logs keeps it, a subscription filter (FILTER_PATTERN) hands the lines to
`events/audit.py`, which stores them in batches. The entry's key is made when the line is
printed, so the trail keeps the order things happened in, and storing a line twice changes
nothing. The trail lags a read by seconds; a failed delivery is retried, then parked on the
audit function's dead-letter queue (ops/package.py).

Locally AUDIT_LOG_FILE stands in for the log group: lines are appended there and the pump
(ops/pump.py) hands them to the same handler in the same event shape.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

from chalicelib.dal.models import AuditEntry, DiaryItem
from chalicelib.dal.store import storing

log = logging.getLogger(__name__)

MARK, OPENED = "audit_entry", "opened"
# CloudWatch Logs' JSON filter syntax: only the audit lines go to the audit function.
FILTER_PATTERN = '{ $.audit_entry.action = "' + OPENED + '" }'
FIELDS = ("student_id", "actor_id", "action", "part", "subject", "created_at", "actor_name", "actor_role")
REQUIRED = ("PK", "SK", "student_id", "actor_id", "action", "created_at")


def line_of(entry: AuditEntry) -> str:
    """The log line carrying one entry."""
    values = {"PK": entry.pk, "SK": entry.sk, **{f: getattr(entry, f) for f in FIELDS}}
    return json.dumps({MARK: {k: v for k, v in values.items() if v is not None}}, ensure_ascii=False)


def emit(entry: AuditEntry) -> None:
    """Hand an entry to the log: standard output in Lambda, the local stand-in file otherwise."""
    line = line_of(entry)
    local = os.environ.get("AUDIT_LOG_FILE")
    if local:
        # One write() of a short line to a file opened for appending: lines of concurrent
        # requests do not interleave.
        with open(local, "a", encoding="utf-8") as sink:
            sink.write(line + "\n")
    else:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def entry_of(message: str) -> AuditEntry | None:
    """The entry a log message carries, or None when it is not a well-formed audit line."""
    try:
        fields = json.loads(message).get(MARK)
    except (ValueError, AttributeError):
        return None
    if not isinstance(fields, dict) or any(not isinstance(fields.get(f), str) or not fields[f] for f in REQUIRED):
        return None
    # Only openings travel this way; anything else claiming to be an entry is not trusted.
    if not (fields["PK"] == f"STUDENT#{fields['student_id']}" and fields["SK"].startswith("AUDIT#")
            and fields["action"] == OPENED):
        return None
    extra = {f: fields[f] for f in FIELDS if isinstance(fields.get(f), str)}
    created_at = extra.pop("created_at")
    entry = AuditEntry(fields["PK"], fields["SK"], **extra)
    entry.created_at = created_at
    return entry


def store(messages: Iterable[str]) -> tuple[int, int]:
    """Store the entries among log messages in batches; returns (stored, rejected). A message
    that is not an audit line is logged and left: retrying cannot make it one."""
    stored = rejected = 0
    entries: dict[tuple[str, str], AuditEntry] = {}
    for message in messages:
        entry = entry_of(message)
        if entry is None:
            rejected += 1
            log.warning("not an audit line, left in the log: %.200s", message)
            continue
        entries[(entry.pk, entry.sk)] = entry  # one line delivered twice in a batch is one item
    with storing(), DiaryItem.batch_write() as batch:
        for entry in entries.values():
            batch.save(entry)
            stored += 1
    return stored, rejected


def subscription_messages(event: dict[str, Any]) -> list[str]:
    """The messages of a CloudWatch Logs subscription event (base64 of gzip of JSON). Raises
    ValueError for anything else: such an event is kept on the dead-letter queue, not dropped."""
    import base64
    import binascii
    import gzip

    try:
        data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"], validate=True)))
    except (KeyError, TypeError, binascii.Error, OSError, EOFError, ValueError) as error:
        raise ValueError(f"not a CloudWatch Logs subscription event: {error!r}") from error
    if not isinstance(data, dict):
        raise ValueError("not a CloudWatch Logs subscription event")
    if data.get("messageType") == "CONTROL_MESSAGE":  # CloudWatch's check that the function is there
        return []
    events = data.get("logEvents")
    if not isinstance(events, list):
        raise ValueError("a subscription event without logEvents")
    return [e["message"] for e in events if isinstance(e, dict) and isinstance(e.get("message"), str)]


def subscription_event(messages: list[str], log_group: str = "/aws/lambda/ediary-local-api",
                       first_id: int = 0) -> dict[str, Any]:
    """The event CloudWatch Logs sends a subscribed function (for the local pump and tests)."""
    import base64
    import gzip
    import time

    now = int(time.time() * 1000)
    data = {"messageType": "DATA_MESSAGE", "owner": "000000000000", "logGroup": log_group,
            "logStream": "local", "subscriptionFilters": ["audit-trail"],
            "logEvents": [{"id": str(first_id + n), "timestamp": now, "message": m} for n, m in enumerate(messages)]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}
