"""Uploads as school systems and administrators see them: ask for one, follow its progress."""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.dal import files
from chalicelib.dal import uploads as store
from chalicelib.domain import import_format as fmt
from chalicelib.domain import importer
from chalicelib.domain.import_messages import describe
from chalicelib.errors import DiaryError, NotFoundError
from chalicelib.records.paging import PageCursor
from chalicelib.records.school import Upload
from chalicelib.text import refused_character

MAX_NAME = 100  # characters of the name a person gave the file, kept for display only
SUFFIXES = (".zip", ".csv")


def display_name(filename: str) -> str:
    """The file's name as its person gave it (`Выгрузка (1).zip`), trimmed; refused when it could
    mislead or break a screen: empty or too long, a path (/ or \\), control or invisible characters,
    or neither .zip nor .csv. The stored key is the server's own (importer.incoming_key)."""
    name = filename.strip()
    if (not name or len(name) > MAX_NAME or "/" in name or "\\" in name or refused_character(name) is not None
            or not name.lower().endswith(SUFFIXES) or name.lower() in SUFFIXES):
        raise DiaryError(field="filename", code="bad_filename")
    return name


def request_upload(school_id: str, filename: str, requested_by: str) -> dict[str, Any]:
    """An upload id and the pre-signed URL to PUT the file to."""
    name = display_name(filename)
    if name.lower().endswith(".csv"):
        try:
            fmt.kind_of(name)  # a single CSV is named after its kind (a copy's "grades (2).csv" too)
        except fmt.FileRefusedError as exc:
            raise DiaryError(field="filename", code="unknown_file") from exc
    upload = importer.new_upload(school_id, name, requested_by)
    key = importer.incoming_key(school_id, upload.upload_id, name)
    url = files.put_url(key, fmt.MAX_UPLOAD_BYTES)
    return {"upload_id": upload.upload_id, "upload_url": url, "cabinet_path": files.cabinet_put_path(key),
            "method": "PUT", "expires_in": files.PUT_URL_SECONDS,
            "max_bytes": fmt.MAX_UPLOAD_BYTES}


def view(item: Upload, lang: str) -> dict[str, Any]:
    """State and progress of an upload; why it failed, in the reader's language."""
    return {
        "upload_id": item.upload_id, "filename": item.filename, "state": item.state, "reason": item.reason,
        "reason_message": describe(item.reason, None, item.detail, lang) if item.reason else None,
        "detail": item.detail, "created_at": item.created_at, "finished_at": item.finished_at,
        "rows_total": int(item.rows_total), "rows_done": int(item.rows_done),
        "rows_rejected": int(item.rows_rejected), "rows_changed": int(item.rows_changed),
        "items_changed": int(item.items_changed or 0),
        "errors_listed": int(item.errors_listed or 0), "rows_warned": int(item.rows_warned or 0),
    }


def status(school_id: str, upload_id: str, limit: int, cursor: PageCursor | None, lang: str,
           severity: str | None = None) -> dict[str, Any]:
    """An upload's state, progress and (a page of) its report: the refused rows, then the rows
    taken with a warning (or one of the two), each in words in the reader's language; and, once
    it is done, what its end noticed about the school's classes."""
    item = store.find_upload(upload_id)
    if item is None or item.school_id != school_id:
        raise NotFoundError(code="upload_not_found")
    item = importer.settle(item)
    errors = store.row_errors_page(upload_id, limit, cursor, severity)
    report = [{"file": e.file, "line": e.line, "column": e.column, "code": e.code, "severity": e.severity,
               "value": e.value, "message": describe(e.code, e.column, e.value, lang)} for e in errors.items]
    rejected, warned = store.counts_by_code(upload_id)
    notices = [{"kind": code, "class_name": name, "message": describe(code, None, name, lang)}
               for code, name in item.notices]
    return view(item, lang) | {"errors": report, "next_cursor": errors.next_cursor,
                               "rejected_by_code": rejected, "warned_by_code": warned, "notices": notices}


REPORT_COLUMNS = ("file", "line", "column", "value", "code", "severity", "message")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def report_csv(school_id: str, upload_id: str, lang: str, severity: str | None = None) -> str:
    """The report's entries as CSV for a spreadsheet (UTF-8 with BOM, so Excel reads Cyrillic):
    file, line, column, value, code, severity and the message in the reader's language."""
    item = store.find_upload(upload_id)
    if item is None or item.school_id != school_id:
        raise NotFoundError(code="upload_not_found")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for e in store.row_errors_all(upload_id, severity):
        cells = [e.file, e.line, e.column, e.value, e.code, e.severity, describe(e.code, e.column, e.value, lang)]
        writer.writerow([_cell(c) for c in cells])
    return out.getvalue()


def _cell(value: object) -> str:
    # A school's own value (or a message quoting it) opened in a spreadsheet must stay text.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def list_for(school_id: str, limit: int, cursor: PageCursor | None, lang: str) -> dict[str, Any]:
    """The school's uploads, newest first."""
    found = store.uploads_page(school_id, limit, cursor)
    return {"items": [view(importer.settle(i), lang) for i in found.items], "next_cursor": found.next_cursor}
