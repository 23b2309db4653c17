"""Stored machine credentials, uploads, their row errors, and the bulk writes of imported rows.

Key design (see models.py for the whole table):
- credential by id (token exchange):  GetItem  PK=CREDENTIAL#<id>, SK=CREDENTIAL
- a school's credentials:             Query    GSI1 GSI1PK=CREDENTIALS#<school>, GSI1SK=<created>#<id>
- upload by id:                       GetItem  PK=UPLOAD#<id>, SK=UPLOAD
- a school's uploads, newest first:   Query    GSI1 GSI1PK=UPLOADS#<school>, GSI1SK=<created>#<id>
- an upload's row errors, in order:   Query    PK=UPLOAD#<id>, SK begins_with ERROR#
- chunk applied marker:               PutItem  PK=UPLOAD#<id>, SK=CHUNK#<file>#<n> (condition: not exists)
- an upload's rejected rows by code:  UpdateItem ADD PK=UPLOAD#<id>, SK=COUNT#<code>; Query SK begins_with COUNT#
Every item of an upload (the upload, its row errors, its chunk markers) carries the upload's
`expires_at`: DynamoDB's TTL removes the report with the upload, UPLOAD_KEEP after it was asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.dal.models import (
    DiaryItem,
    MachineCredential,
    Upload,
    UploadChunk,
    UploadErrorCount,
    UploadRowError,
)
from chalicelib.dal.store import Reading, connection, now_iso, storing
from chalicelib.errors import ConflictError

UPLOAD_KEEP = timedelta(days=90)  # the school follows an upload for days; processed/ files go after 30


def save_credential(credential: MachineCredential) -> None:
    """A new credential."""
    credential.pk, credential.sk = f"CREDENTIAL#{credential.credential_id}", "CREDENTIAL"
    credential.created_at = now_iso()
    credential.gsi1pk = f"CREDENTIALS#{credential.school_id}"
    credential.gsi1sk = f"{credential.created_at}#{credential.credential_id}"
    with storing():
        credential.save(condition=MachineCredential.pk.does_not_exist())


def get_credential(credential_id: str, consistent: bool = False) -> MachineCredential | None:
    """A credential by id."""
    with storing():
        try:
            return MachineCredential.get(f"CREDENTIAL#{credential_id}", "CREDENTIAL", consistent_read=consistent)
        except MachineCredential.DoesNotExist:
            return None


def credentials_of(school_id: str) -> list[MachineCredential]:
    """A school's credentials (a handful)."""
    with storing():
        return list(MachineCredential.gsi1.query(f"CREDENTIALS#{school_id}"))  # type: ignore[arg-type]


def revoke_credential(credential: MachineCredential) -> None:
    """The credential stops working for new tokens at once."""
    with storing():
        credential.update(actions=[MachineCredential.revoked.set(True)])


def create_upload(upload: Upload) -> None:
    """An upload waiting for its file."""
    upload.pk, upload.sk = f"UPLOAD#{upload.upload_id}", "UPLOAD"
    upload.created_at = now_iso()
    upload.gsi1pk, upload.gsi1sk = f"UPLOADS#{upload.school_id}", f"{upload.created_at}#{upload.upload_id}"
    upload.expires_at = clock.now() + UPLOAD_KEEP
    with storing():
        upload.save(condition=Upload.pk.does_not_exist())


def get_upload(upload_id: str, consistent: bool = False) -> Upload | None:
    """An upload by id."""
    with storing():
        try:
            return Upload.get(f"UPLOAD#{upload_id}", "UPLOAD", consistent_read=consistent)
        except Upload.DoesNotExist:
            return None


def expiry_of(upload: Upload) -> datetime:
    """When the upload and everything of it go (an upload made before it had one: from now)."""
    return upload.expires_at or clock.now() + UPLOAD_KEEP


def uploads_of(school_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a school's uploads, newest first."""
    with storing():
        return Reading(Upload.gsi1.query(f"UPLOADS#{school_id}", scan_index_forward=False, limit=limit,
                                         last_evaluated_key=start))


def start_processing(upload: Upload, rows_total: int, chunks_total: int) -> bool:
    """awaiting_file → processing; False when another delivery of the S3 event got there first."""
    try:
        with storing(conflict=ConflictError()):
            upload.update(
                actions=[Upload.state.set("processing"), Upload.rows_total.set(rows_total),
                         Upload.chunks_total.set(chunks_total), Upload.progress_at.set(now_iso())],
                condition=Upload.state == "awaiting_file",
            )
    except ConflictError:
        return False
    return True


def fail(upload: Upload, reason: str, detail: str, when: Any = None) -> bool:
    """The upload ends `failed` with a reason; `when`: only if still in that state (False if not)."""
    try:
        with storing(conflict=ConflictError()):
            upload.update(actions=[Upload.state.set("failed"), Upload.reason.set(reason),
                                   Upload.detail.set(detail[:500]), Upload.finished_at.set(now_iso())],
                          condition=when)
    except ConflictError:
        return False
    return True


def expire(upload: Upload, detail: str) -> bool:
    """awaiting_file → expired: its file never came; False when the file got there first."""
    try:
        with storing(conflict=ConflictError()):
            upload.update(actions=[Upload.state.set("expired"), Upload.reason.set("url_expired"),
                                   Upload.detail.set(detail[:500]), Upload.finished_at.set(now_iso())],
                          condition=Upload.state == "awaiting_file")
    except ConflictError:
        return False
    return True


def finish_chunk(upload: Upload, chunk: str, rows: int, rejected: Sequence[UploadRowError],
                 listed: int, changed: int, items_changed: int = 0) -> bool:
    """Record a chunk's outcome once: the counters (by code too), the marker and the first `listed`
    of its row errors, together. Returns False when the chunk had already been recorded (a
    redelivered message)."""
    expires = expiry_of(upload)
    marker = UploadChunk(upload.pk, f"CHUNK#{chunk}", rows=rows, expires_at=expires)
    counts = Counter(e.code for e in rejected)
    try:
        with storing(conflict=ConflictError()):
            with TransactWrite(connection=connection()) as tx:
                tx.save(marker, condition=UploadChunk.pk.does_not_exist())
                tx.update(upload, actions=[
                    Upload.rows_done.add(rows - len(rejected)), Upload.rows_rejected.add(len(rejected)),
                    Upload.rows_changed.add(changed), Upload.items_changed.add(items_changed),
                    Upload.chunks_done.add(1), Upload.errors_listed.add(listed),
                    Upload.progress_at.set(now_iso())])
                for code, n in sorted(counts.items()):  # a handful of codes a chunk
                    tx.update(UploadErrorCount(upload.pk, f"COUNT#{code}"), actions=[
                        UploadErrorCount.kind.set(UploadErrorCount), UploadErrorCount.code.set(code),
                        UploadErrorCount.rows.add(n), UploadErrorCount.expires_at.set(expires)])
    except ConflictError:
        return False
    kept = list(rejected[:listed])
    for error in kept:
        error.expires_at = expires
    put_all(kept)
    return True


def mark_done(upload: Upload) -> bool:
    """All chunks are in: the upload is done (once)."""
    try:
        with storing(conflict=ConflictError()):
            upload.update(actions=[Upload.state.set("done"), Upload.finished_at.set(now_iso())],
                          condition=(Upload.state == "processing") & (Upload.chunks_done >= Upload.chunks_total))
    except ConflictError:
        return False
    return True


def row_errors(upload_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of an upload's row errors, by file and line."""
    with storing():
        return Reading(UploadRowError.query(f"UPLOAD#{upload_id}", UploadRowError.sk.startswith("ERROR#"), limit=limit,
                                            last_evaluated_key=start))


def rejected_by_code(upload_id: str) -> dict[str, int]:
    """Every rejected row of an upload, counted by error code (a few items)."""
    with storing():
        found = UploadErrorCount.query(f"UPLOAD#{upload_id}", UploadErrorCount.sk.startswith("COUNT#"))
        return {item.code: int(item.rows) for item in found}


# --- bulk writes of imported rows ----------------------------------------------------


GET_PAGE = 100  # BatchGetItem's limit
GET_THREADS = 4


def get_many(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], DiaryItem]:
    """The stored items among these keys (BatchGetItem, 100 keys a call, a few calls at once).

    A chunk checks a few thousand keys before writing: waiting for twenty round trips one
    after another was a fifth of an import's time, so the pages are fetched concurrently.
    """
    unique = list(dict.fromkeys(keys))
    pages = [unique[i:i + GET_PAGE] for i in range(0, len(unique), GET_PAGE)]

    def fetch(page: list[tuple[str, str]]) -> list[DiaryItem]:
        with storing():
            return list(DiaryItem.batch_get(page))

    if len(pages) <= 1:
        results = [fetch(page) for page in pages]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(GET_THREADS, len(pages))) as pool:
            results = list(pool.map(fetch, pages))
    return {(item.pk, item.sk): item for page in results for item in page}


def put_all(items: Sequence[DiaryItem]) -> None:
    """Write items in batches of 25 (BatchWriteItem; unprocessed items are retried)."""
    _batch_write(items, delete=False)


def delete_all(items: Sequence[DiaryItem]) -> None:
    """Remove items in batches of 25 (BatchWriteItem; unprocessed items are retried)."""
    _batch_write(items, delete=True)


def _batch_write(items: Sequence[DiaryItem], delete: bool) -> None:
    if not items:
        return
    with storing(), DiaryItem.batch_write() as batch:
        for item in items:
            batch.delete(item) if delete else batch.save(item)
