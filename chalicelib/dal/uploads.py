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

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.dal import keys
from chalicelib.dal.models import (
    DiaryItem,
    MachineCredential,
    Upload,
    UploadChunk,
    UploadErrorCount,
    UploadRowError,
)
from chalicelib.dal.store import Reading, connection, now_iso, paged, storing
from chalicelib.errors import ConflictError
from chalicelib.records import school as records
from chalicelib.records.paging import Page, PageCursor

UPLOAD_KEEP = timedelta(days=90)  # the school follows an upload for days; processed/ files go after 30


def _credential_record(item: MachineCredential) -> records.MachineCredential:
    return records.MachineCredential(item.credential_id, item.school_id, item.name, item.secret_hash,
                                     item.created_by, bool(item.revoked), item.created_at)


def save_credential(credential: records.MachineCredential) -> None:
    """A new credential."""
    credential.created_at = now_iso()
    item = MachineCredential(*keys.credential(credential.credential_id), credential_id=credential.credential_id,
                             school_id=credential.school_id, name=credential.name,
                             secret_hash=credential.secret_hash, created_by=credential.created_by,
                             revoked=credential.revoked, created_at=credential.created_at)
    item.gsi1pk = keys.credentials_of(credential.school_id)
    item.gsi1sk = f"{credential.created_at}#{credential.credential_id}"
    with storing():
        item.save(condition=MachineCredential.pk.does_not_exist())


def get_credential(credential_id: str, consistent: bool = False) -> records.MachineCredential | None:
    """A credential by id."""
    with storing():
        try:
            item = MachineCredential.get(*keys.credential(credential_id), consistent_read=consistent)
        except MachineCredential.DoesNotExist:
            return None
    return _credential_record(item)


def credentials_of(school_id: str) -> list[records.MachineCredential]:
    """A school's credentials (a handful)."""
    with storing():
        found = MachineCredential.gsi1.query(keys.credentials_of(school_id))
        return [_credential_record(i) for i in found if isinstance(i, MachineCredential)]


def revoke_credential(credential: records.MachineCredential) -> None:
    """The credential stops working for new tokens at once."""
    with storing():
        MachineCredential(*keys.credential(credential.credential_id)).update(
            actions=[MachineCredential.revoked.set(True)])
    credential.revoked = True


def upload_record(item: Upload) -> records.Upload:
    """A stored upload as the domain sees it (ops/resume_uploads.py scans them raw)."""
    return records.Upload(
        item.upload_id, item.school_id, item.filename, item.requested_by, item.state, item.reason, item.detail,
        int(item.rows_total or 0), int(item.rows_done or 0), int(item.rows_rejected or 0),
        int(item.rows_changed or 0), None if item.items_changed is None else int(item.items_changed),
        int(item.chunks_total or 0), int(item.chunks_done or 0), item.finished_at, item.progress_at,
        int(item.errors_listed or 0), item.created_at, item.expires_at, int(item.rows_warned or 0),
        tuple((str(code), str(name)) for code, name in json.loads(item.notices or "[]")))


def _stored(upload: records.Upload) -> Upload:
    """The upload's item by its key alone, for an update that names what it changes."""
    return Upload(*keys.upload(upload.upload_id))


def create_upload(upload: records.Upload) -> None:
    """An upload waiting for its file."""
    upload.created_at = now_iso()
    upload.expires_at = clock.now() + UPLOAD_KEEP
    item = Upload(*keys.upload(upload.upload_id), upload_id=upload.upload_id, school_id=upload.school_id,
                  filename=upload.filename, requested_by=upload.requested_by, created_at=upload.created_at,
                  expires_at=upload.expires_at)
    item.gsi1pk, item.gsi1sk = keys.uploads_of(upload.school_id), f"{upload.created_at}#{upload.upload_id}"
    with storing():
        item.save(condition=Upload.pk.does_not_exist())


def get_upload(upload_id: str, consistent: bool = False) -> Upload | None:
    """An upload's stored item by id (tests and tools; the domain reads `find_upload`)."""
    with storing():
        try:
            return Upload.get(*keys.upload(upload_id), consistent_read=consistent)
        except Upload.DoesNotExist:
            return None


def find_upload(upload_id: str, consistent: bool = False) -> records.Upload | None:
    """An upload by id."""
    item = get_upload(upload_id, consistent)
    return upload_record(item) if item else None


def expiry_of(upload: records.Upload) -> datetime:
    """When the upload and everything of it go (an upload made before it had one: from now)."""
    return upload.expires_at or clock.now() + UPLOAD_KEEP


def uploads_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[records.Upload]:
    """A page of a school's uploads, newest first."""
    def read(start: dict[str, Any] | None) -> Any:
        with storing():
            return Reading(Upload.gsi1.query(keys.uploads_of(school_id), scan_index_forward=False, limit=limit,
                                             last_evaluated_key=start))

    return paged(read, cursor, upload_record)


def start_processing(upload: records.Upload, rows_total: int, chunks_total: int) -> bool:
    """awaiting_file → processing; False when another delivery of the S3 event got there first."""
    try:
        with storing(conflict=ConflictError()):
            _stored(upload).update(
                actions=[Upload.state.set("processing"), Upload.rows_total.set(rows_total),
                         Upload.chunks_total.set(chunks_total), Upload.progress_at.set(now_iso())],
                condition=Upload.state == "awaiting_file",
            )
    except ConflictError:
        return False
    return True


def fail(upload: records.Upload, reason: str, detail: str, if_processing: bool = False,
         if_chunks_done: int | None = None, if_state: Sequence[str] = ()) -> bool:
    """The upload ends `failed` with a reason; `if_processing`: only if still processing, and
    `if_chunks_done`: only with that many chunks recorded (a stall seen before another chunk came);
    `if_state`: only in one of these states (an upload that ended meanwhile keeps its end).
    False when the condition did not hold."""
    when: Any = Upload.state.is_in(*if_state) if if_state else None
    if if_processing or if_chunks_done is not None:
        when = Upload.state == "processing"
    if if_chunks_done is not None:
        when &= Upload.chunks_done == if_chunks_done
    try:
        with storing(conflict=ConflictError()):
            _stored(upload).update(actions=[Upload.state.set("failed"), Upload.reason.set(reason),
                                            Upload.detail.set(detail[:500]), Upload.finished_at.set(now_iso())],
                                   condition=when)
    except ConflictError:
        return False
    return True


def expire(upload: records.Upload, detail: str) -> bool:
    """awaiting_file → expired: its file never came; False when the file got there first."""
    try:
        with storing(conflict=ConflictError()):
            _stored(upload).update(actions=[Upload.state.set("expired"), Upload.reason.set("url_expired"),
                                            Upload.detail.set(detail[:500]), Upload.finished_at.set(now_iso())],
                                   condition=Upload.state == "awaiting_file")
    except ConflictError:
        return False
    return True


def _row_error_item(error: records.RowError, expires: datetime) -> UploadRowError:
    other_file = None if error.own_file else error.file
    warning = error.severity == "warning"
    return UploadRowError(*keys.row_error(error.upload_id, error.order, error.line, error.column, other_file,
                                          warning, error.code),
                          file=error.file, line=error.line, column=error.column, code=error.code,
                          severity="warning" if warning else None,
                          value=None if error.value is None else error.value[:200], expires_at=expires)


def finish_chunk(upload: records.Upload, chunk: str, rows: int, rejected: Sequence[records.RowError],
                 listed: int, changed: int, items_changed: int = 0) -> bool:
    """Record a chunk's outcome once: the counters (by code too), the marker and the first `listed`
    of its row errors and warnings, together. Returns False when the chunk had already been
    recorded (a redelivered message). `rejected` holds both: a warned row counts as done, once
    however many warnings it has."""
    expires = expiry_of(upload)
    marker = UploadChunk(*keys.upload_chunk(upload.upload_id, chunk), rows=rows, expires_at=expires)
    refused = [e for e in rejected if e.severity != "warning"]  # one per refused row: its first refusal
    warned = len({(e.file, e.line) for e in rejected if e.severity == "warning"}
                 - {(e.file, e.line) for e in refused})
    counts = Counter((e.code, e.severity == "warning") for e in rejected)
    try:
        with storing(conflict=ConflictError()):
            with TransactWrite(connection=connection()) as tx:
                tx.save(marker, condition=UploadChunk.pk.does_not_exist())
                tx.update(_stored(upload), actions=[
                    Upload.rows_done.add(rows - len(refused)), Upload.rows_rejected.add(len(refused)),
                    Upload.rows_warned.add(warned),
                    Upload.rows_changed.add(changed), Upload.items_changed.add(items_changed),
                    Upload.chunks_done.add(1), Upload.errors_listed.add(listed),
                    Upload.progress_at.set(now_iso())])
                for (code, warning), n in sorted(counts.items()):  # a handful of codes a chunk
                    tx.update(UploadErrorCount(*keys.error_count(upload.upload_id, code, warning)), actions=[
                        UploadErrorCount.kind.set(UploadErrorCount), UploadErrorCount.code.set(code),
                        UploadErrorCount.rows.add(n), UploadErrorCount.expires_at.set(expires)])
    except ConflictError:
        return False
    put_all([_row_error_item(error, expires) for error in rejected[:listed]])
    return True


def mark_done(upload: records.Upload, notices: Sequence[tuple[str, str]] = ()) -> bool:
    """All chunks are in: the upload is done (once), with what its end noticed."""
    actions: list[Action] = [Upload.state.set("done"), Upload.finished_at.set(now_iso())]
    if notices:
        actions.append(Upload.notices.set(json.dumps([list(n) for n in notices], ensure_ascii=False)))
    try:
        with storing(conflict=ConflictError()):
            _stored(upload).update(
                actions=actions,
                condition=(Upload.state == "processing") & (Upload.chunks_done >= Upload.chunks_total))
    except ConflictError:
        return False
    return True


def _row_error_record(upload_id: str, item: UploadRowError) -> records.RowError:
    order, own_file = keys.row_error_order(item.sk, item.file)  # the key says where the entry came from
    return records.RowError(upload_id, order, item.file, int(item.line), item.column, item.code,
                            own_file=own_file, severity=item.severity or "rejected", value=item.value)


def row_errors_page(upload_id: str, limit: int, cursor: PageCursor | None,
                    severity: str | None = None) -> Page[records.RowError]:
    """A page of an upload's report: its refused rows, then its warnings (or one severity's), each
    by file and line."""
    partition, prefix = keys.row_errors(upload_id, severity)

    def read(start: dict[str, Any] | None) -> Any:
        with storing():
            return Reading(UploadRowError.query(partition, UploadRowError.sk.startswith(prefix), limit=limit,
                                                last_evaluated_key=start))

    return paged(read, cursor, lambda item: _row_error_record(upload_id, item))


def row_errors_all(upload_id: str, severity: str | None = None) -> list[records.RowError]:
    """Every entry an upload's report lists (at most the importer's REPORT_ERRORS), in its order."""
    partition, prefix = keys.row_errors(upload_id, severity)
    with storing():
        return [_row_error_record(upload_id, item)
                for item in UploadRowError.query(partition, UploadRowError.sk.startswith(prefix))]


def counts_by_code(upload_id: str) -> tuple[dict[str, int], dict[str, int]]:
    """Every rejected row of an upload counted by error code, and every warning by its code
    (a few items)."""
    with storing():
        found = UploadErrorCount.query(keys.upload_partition(upload_id),
                                       UploadErrorCount.sk.startswith(keys.ERROR_COUNTS))
        rejected: dict[str, int] = {}
        warned: dict[str, int] = {}
        for item in found:
            warning = item.sk.startswith(keys.ERROR_COUNTS + keys.WARNING_CODE)
            (warned if warning else rejected)[item.code] = int(item.rows)
        return rejected, warned


def rejected_by_code(upload_id: str) -> dict[str, int]:
    """Every rejected row of an upload, counted by error code (a few items)."""
    return counts_by_code(upload_id)[0]


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


REPLACE_PAIRS = 50  # TransactWriteItems takes 100 items: 50 (put, delete) pairs


def replace_all(pairs: Sequence[tuple[DiaryItem, DiaryItem]]) -> None:
    """Store each new item and remove the old one it replaces in one transaction (of up to 50
    pairs): a reader sees the old or the new, never both and never neither."""
    for start in range(0, len(pairs), REPLACE_PAIRS):
        with storing(), TransactWrite(connection=connection()) as tx:
            for new, old in pairs[start:start + REPLACE_PAIRS]:
                tx.save(new)
                tx.delete(old)


def _batch_write(items: Sequence[DiaryItem], delete: bool) -> None:
    if not items:
        return
    with storing(), DiaryItem.batch_write() as batch:
        for item in items:
            batch.delete(item) if delete else batch.save(item)
