"""Stored machine credentials, uploads, their row errors, and the bulk writes of imported rows.

Key design (see models.py for the whole table):
- credential by id (token exchange):  GetItem  PK=CREDENTIAL#<id>, SK=CREDENTIAL
- a school's credentials:             Query    GSI1 GSI1PK=CREDENTIALS#<school>, GSI1SK=<created>#<id>
- upload by id:                       GetItem  PK=UPLOAD#<id>, SK=UPLOAD
- a school's uploads, newest first:   Query    GSI1 GSI1PK=UPLOADS#<school>, GSI1SK=<created>#<id>
- an upload's row errors, in order:   Query    PK=UPLOAD#<id>, SK begins_with ERROR#
- chunk applied marker:               PutItem  PK=UPLOAD#<id>, SK=CHUNK#<file>#<n> (condition: not exists)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.dal.models import DiaryItem, MachineCredential, Upload, UploadChunk, UploadRowError
from chalicelib.dal.store import Reading, connection, now_iso, storing
from chalicelib.errors import ConflictError


def save_credential(credential: MachineCredential) -> None:
    """A new credential."""
    credential.pk, credential.sk = f"CREDENTIAL#{credential.credential_id}", "CREDENTIAL"
    credential.created_at = now_iso()
    credential.gsi1pk = f"CREDENTIALS#{credential.school_id}"
    credential.gsi1sk = f"{credential.created_at}#{credential.credential_id}"
    with storing():
        credential.save(condition=MachineCredential.pk.does_not_exist())


def get_credential(credential_id: str) -> MachineCredential | None:
    """A credential by id."""
    with storing():
        try:
            return MachineCredential.get(f"CREDENTIAL#{credential_id}", "CREDENTIAL")
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
    with storing():
        upload.save(condition=Upload.pk.does_not_exist())


def get_upload(upload_id: str) -> Upload | None:
    """An upload by id."""
    with storing():
        try:
            return Upload.get(f"UPLOAD#{upload_id}", "UPLOAD")
        except Upload.DoesNotExist:
            return None


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
                         Upload.chunks_total.set(chunks_total)],
                condition=Upload.state == "awaiting_file",
            )
    except ConflictError:
        return False
    return True


def fail(upload: Upload, reason: str, detail: str) -> None:
    """The file is unusable; nothing of it was written."""
    with storing():
        upload.update(actions=[Upload.state.set("failed"), Upload.reason.set(reason),
                               Upload.detail.set(detail[:500]), Upload.finished_at.set(now_iso())])


def finish_chunk(upload_id: str, chunk: str, rows: int, rejected: int, changed: int,
                 errors: Sequence[UploadRowError]) -> bool:
    """Record a chunk's outcome once: its errors, the counters, and the marker, together.

    Returns False when the chunk had already been recorded (a redelivered message).
    """
    marker = UploadChunk(f"UPLOAD#{upload_id}", f"CHUNK#{chunk}", rows=rows)
    upload = Upload(f"UPLOAD#{upload_id}", "UPLOAD")
    try:
        with storing(conflict=ConflictError()):
            with TransactWrite(connection=connection()) as tx:
                tx.save(marker, condition=UploadChunk.pk.does_not_exist())
                tx.update(upload, actions=[Upload.rows_done.add(rows - rejected),
                                           Upload.rows_rejected.add(rejected), Upload.rows_changed.add(changed),
                                           Upload.chunks_done.add(1)])
    except ConflictError:
        return False
    put_all(errors)
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
