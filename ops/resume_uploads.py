"""Uploads left `processing` by a restart (of `make run`, or a worker that died): each goes on
from its next chunk, or ends `failed` (`interrupted`) when its file is gone. `make run` runs it at
start; against AWS: `python -m ops.resume_uploads` (reads nothing but the table and the bucket)."""

from __future__ import annotations


def resume_all() -> tuple[int, int]:
    """Re-queue or end every upload left processing; returns (resumed, ended)."""
    from chalicelib.dal import uploads as store
    from chalicelib.domain import importer
    from chalicelib.events.uploads import enqueue_chunk

    resumed = ended = 0
    for upload in store.processing_uploads():
        index = importer.resume(upload)
        if index is None:
            ended += 1
        else:
            enqueue_chunk(upload.upload_id, index)
            resumed += 1
    return resumed, ended


if __name__ == "__main__":
    resumed, ended = resume_all()
    print(f"resumed={resumed} ended={ended}")
