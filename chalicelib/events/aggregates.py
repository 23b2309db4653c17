"""The table's stream → term aggregates and the school directory (domain/aggregates.py).

Locally the pump finds the stream by the table name inside the ARN; in AWS the ARN comes from
the deployed table (DIARY_TABLE_STREAM_ARN).
"""

from __future__ import annotations

import os
from typing import Any

from chalice.app import Blueprint

from chalicelib import settings

aggregates = Blueprint(__name__)


def stream_arn() -> str:
    """The table's stream; the placeholder only needs the right table name for the local pump."""
    default = f"arn:aws:dynamodb:{settings.region()}:000000000000:table/{settings.table_name()}/stream/local"
    return os.environ.get("DIARY_TABLE_STREAM_ARN", default)


@aggregates.on_dynamodb_record(stream_arn=stream_arn(), batch_size=100, starting_position="TRIM_HORIZON")
def update_aggregates(event: Any) -> None:
    """A failure raises: Lambda retries the batch, and records already applied are skipped."""
    from boto3.dynamodb.types import TypeDeserializer

    from chalicelib.domain.aggregates import Change, apply

    des = TypeDeserializer()

    def plain(image: dict[str, Any] | None) -> dict[str, Any] | None:
        return {k: des.deserialize(v) for k, v in image.items()} if image else None

    apply(Change(r.event_id, plain(r.old_image), plain(r.new_image)) for r in event)
