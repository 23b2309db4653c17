"""Uploads left `processing` by a restart (of `make run`, or a worker that died): each goes on
from its next chunk, or ends `failed` (`interrupted`) when its file is gone. `make run` runs it at
start; against AWS: `python -m ops.resume_uploads` (reads nothing but the table and the bucket)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.dal.models import Upload


def processing_uploads() -> list[Upload]:
    """Every upload left `processing`. A Scan, so it lives here in ops, run once at a restart,
    and never in the service, where no request path may scan."""
    from chalicelib.dal.models import Upload
    from chalicelib.dal.store import storing

    with storing():
        return list(Upload.scan(Upload.state == "processing"))


def resume_all() -> tuple[int, int]:
    """Re-queue or end every upload left processing; returns (resumed, ended)."""
    from chalicelib.dal.uploads import upload_record
    from chalicelib.domain import importer
    from chalicelib.events.uploads import enqueue_chunk

    resumed = ended = 0
    for upload in processing_uploads():
        index = importer.resume(upload_record(upload))
        if index is None:
            ended += 1
        else:
            enqueue_chunk(upload.upload_id, index)
            resumed += 1
    return resumed, ended


if __name__ == "__main__":
    resumed, ended = resume_all()
    print(f"resumed={resumed} ended={ended}")
