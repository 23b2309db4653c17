"""Uploads queue handler: S3 says a file arrived → plan it; then one chunk after another."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import unquote_plus

from chalice.app import Blueprint

from chalicelib import aws, settings
from chalicelib.dal.store import transient
from chalicelib.events.batch import PermanentError, last_delivery, process_batch, receive_count

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
                key = unquote_plus(s3_record["s3"]["object"]["key"])
                ending(record, upload_of(key), partial(arrived, key))
        return
    if "upload_id" in message and "index" in message:
        upload_id, index = str(message["upload_id"]), int(message["index"])
        ending(record, (None, upload_id), partial(run_chunk, upload_id, index))
        return
    raise PermanentError(f"unknown uploads message: {sorted(message)}")


def upload_of(key: str) -> tuple[str | None, str] | None:
    """(school id, upload id) an arrived file's key names."""
    from chalicelib.domain import importer

    return importer.upload_of(key)


def ending(record: Any, upload: tuple[str | None, str] | None, step: Callable[[], None]) -> None:
    """Run a step of an upload so that the upload ends whatever happens: an AWS failure that may
    pass (throttling, a database briefly away) goes back to the queue for its retries, but on the
    message's last delivery, and for any other failure at once, the upload ends `failed`,
    `internal_error` and the message is taken (redelivering a bug only repeats it)."""
    from chalicelib.domain import importer

    try:
        step()
    except Exception as exc:
        if transient(exc) and not last_delivery(record):
            raise  # process_batch logs it; the queue delivers it again
        log.exception("upload %s failed for good (delivery %d)", upload and upload[1], receive_count(record))
        if upload is not None:
            importer.give_up(upload[1], upload[0])


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
