"""Uploads queue handler: S3 says a file arrived → plan it; then one chunk after another."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote_plus

from chalice.app import Blueprint

from chalicelib import aws, settings
from chalicelib.events.batch import PermanentError, process_batch

uploads = Blueprint(__name__)
log = logging.getLogger(__name__)


@uploads.on_sqs_message(queue=settings.uploads_queue_name(), batch_size=1)
def process_uploads(event: Any) -> dict[str, Any]:
    """A chunk is heavy: one message per invocation keeps each well inside Lambda's limits."""
    return process_batch(event, handle)


def handle(record: Any) -> None:
    """An S3 notification or a chunk of a planned upload."""
    try:
        message = json.loads(record.body)
    except ValueError as exc:
        raise PermanentError("not JSON") from exc
    if message.get("Event") == "s3:TestEvent":
        return  # S3 sends this when the notification is configured
    if "Records" in message:
        for s3_record in message["Records"]:
            if str(s3_record.get("eventName", "")).startswith("ObjectCreated"):
                arrived(unquote_plus(s3_record["s3"]["object"]["key"]))
        return
    if "upload_id" in message and "index" in message:
        run_chunk(str(message["upload_id"]), int(message["index"]))
        return
    raise PermanentError(f"unknown uploads message: {sorted(message)}")


def arrived(key: str) -> None:
    """Plan a new file and start its first chunk."""
    from chalicelib.domain import importer

    plan = importer.plan(key)
    if plan is not None:
        enqueue_chunk(plan.upload_id, 0)


def run_chunk(upload_id: str, index: int) -> None:
    """Apply a chunk, then start the next one or finish the upload."""
    from chalicelib.domain import importer

    plan = importer.load_plan(upload_id)
    recorded = importer.apply_chunk(plan, index)
    if index + 1 < len(plan.chunks):
        if recorded or importer.next_chunk_needed(plan, index):
            enqueue_chunk(upload_id, index + 1)
    else:
        importer.finish(upload_id)


def enqueue_chunk(upload_id: str, index: int) -> None:
    """Chunks run one after another, so rows always find what earlier files brought."""
    aws.client("sqs").send_message(QueueUrl=aws.queue_url(settings.uploads_queue_name()),
                                   MessageBody=json.dumps({"upload_id": upload_id, "index": index}))
