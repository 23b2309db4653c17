"""Bulk import of school data: plan an uploaded file into chunks, then apply chunk after chunk.

Planning streams the file from S3 to local disk, checks every file's encoding (UTF-8 or
Windows-1251) and header from its first bytes, then walks each file row by row into a normalised
UTF-8 copy with the original line number in a first column, recording the byte range of every
chunk; a zip is read one member at a time. A OneRoster 1.2 zip is first translated into our kinds
(oneroster.py), its rows keeping their own file and line, so everything after planning is the same.
Each chunk is then a ranged read of that copy, so no invocation holds more than one chunk of rows,
whatever the size of the upload.

Every row lands on a key derived from what identifies it at the school (its own student id,
the class, date, time and subject of a lesson...), and a row equal to what is stored is not
written at all: uploading the same file again changes nothing and alerts no one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from chalicelib import clock
from chalicelib.dal import files, imported
from chalicelib.dal import uploads as store
from chalicelib.domain import import_format as fmt
from chalicelib.domain import import_rows, oneroster
from chalicelib.records.school import RowError, Upload

log = logging.getLogger(__name__)

CHUNK_ROWS = 2000
# A chunk takes at most the handler's 60 s, and its message comes back for ~30 min (5 receives,
# 6 min apart) before the dead-letter queue: an upload that went an hour without progress is dead.
STALLED_AFTER = dt.timedelta(hours=1)
# A PUT begun just before its URL lapsed may still be arriving (S3 checks the signature when a
# request starts), and S3's notification follows it: an upload waits this long past its URL.
ARRIVAL_GRACE = dt.timedelta(minutes=5)
REPORT_ERRORS = 1000  # row errors an upload's report lists; the rest are only counted
# What the school is told of a failure of ours (the traceback goes to the log, never to the school).
INTERNAL_ERROR_DETAIL = "the upload stopped on an error of ours; rows already taken are kept: upload the file again"
LINE = oneroster.LINE  # the source line, or "<file>:<line>" for a row translated from another format
ERROR = oneroster.ERROR  # "<column>:<code>" when the translation already refused the row
VALUE = oneroster.VALUE  # and the value it refused
WARNINGS = oneroster.WARNINGS  # what the translation noted about a row it took


def incoming_key(school_id: str, upload_id: str, filename: str) -> str:
    """Where a school system PUTs its file: a key of the server's making, whatever the person named
    the file (`Выгрузка (1).zip` is kept on the upload, for display and to tell a zip from a CSV)."""
    suffix = ".zip" if filename.lower().endswith(".zip") else ".csv"
    return f"incoming/{school_id}/{upload_id}/upload{suffix}"


def _plan_key(upload_id: str) -> str:
    return f"processed/{upload_id}/plan.json"


def _copy_key(upload_id: str, kind: str) -> str:
    return f"processed/{upload_id}/{kind}.csv"


@dataclass
class Chunk:
    """Rows `first`..`last` bytes of one normalised file."""

    kind: str
    number: int
    first: int
    last: int
    rows: int

    @property
    def name(self) -> str:
        """Unique within the upload."""
        return f"{fmt.ORDER.index(self.kind):02d}-{self.kind}#{self.number:05d}"


@dataclass
class Plan:
    """The chunks of an upload in processing order, and each file's header line."""

    upload_id: str
    school_id: str
    chunks: list[Chunk] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → our column → the source's


@dataclass
class Member:
    """One file of an upload as our kind (or a OneRoster translation into it, on local disk):
    a stream to (re)open with its candidate encodings."""

    kind: fmt.FileKind
    name: str
    open: fmt.Opener
    encodings: tuple[str, ...]


def _normalise(kind: fmt.FileKind, lines: Iterable[str], sink: IO[bytes]) -> tuple[str, list[tuple[int, int, int]]]:
    """Write a UTF-8 CSV with the source line first into `sink`, row by row; returns the header
    line and the chunks' byte ranges."""
    lines = iter(lines)
    first = next(lines, "")
    columns = fmt.check_header_line(kind, first)
    carried = LINE in columns  # a translated file already says where each row came from
    header = columns if carried else [LINE, *columns]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    position = 0

    def emit(values: list[str]) -> int:
        text.seek(0)
        text.truncate()
        writer.writerow(values)
        return sink.write(text.getvalue().encode("utf-8"))

    position += emit(header)
    header_line = text.getvalue()
    ranges: list[tuple[int, int, int]] = []
    start, count = position, 0
    for line, row in fmt.rows(itertools.chain([first], lines)):
        position += emit([str(line) if h == LINE and not carried else row.get(h, "") for h in header])
        count += 1
        if count == CHUNK_ROWS:
            ranges.append((start, position - 1, count))
            start, count = position, 0
    if count:
        ranges.append((start, position - 1, count))
    return header_line, ranges


def _normalise_member(member: Member, sink: IO[bytes]) -> tuple[str, list[tuple[int, int, int]]]:
    """Normalise one file; a file that stops being UTF-8 part-way is read again as Windows-1251."""
    for encoding in member.encodings:
        sink.seek(0)
        sink.truncate()
        try:
            with fmt.text_stream(member.open(), encoding) as lines:
                return _normalise(member.kind, lines, sink)
        except UnicodeDecodeError:
            continue
        except fmt.damaged_member_errors() as exc:
            raise fmt.FileRefusedError("broken_zip", member.name) from exc
    raise fmt.FileRefusedError("bad_encoding", member.name)


def upload_of(key: str) -> tuple[str, str] | None:
    """(school id, upload id) of an arrived file's key; None outside incoming/."""
    parts = key.split("/")
    if len(parts) < 4 or parts[0] != "incoming":
        return None
    return parts[1], parts[2]


def plan(key: str) -> Plan | None:
    """Turn an arrived file into chunks; None when there is nothing (more) to do for it."""
    found = upload_of(key)
    if found is None:
        log.warning("ignoring object outside incoming/: %s", key)
        return None
    school_id, upload_id = found
    upload = store.find_upload(upload_id)
    if upload is None or upload.school_id != school_id:
        log.warning("no upload %s for %s", upload_id, key)
        return None
    if upload.state != "awaiting_file":
        return None  # a repeated notification of a file already taken
    result = Plan(upload_id, school_id)
    # The upload and each normalised copy go through local disk (Lambda's /tmp), never whole
    # through memory: a year of a school is ~30 MB zipped and a few hundred MB as Python text.
    with tempfile.TemporaryDirectory(prefix="upload-") as scratch:
        try:
            if files.size(key) > fmt.MAX_UPLOAD_BYTES:
                raise fmt.FileRefusedError("too_large", upload.filename)
            path = os.path.join(scratch, "upload")
            with open(path, "wb") as target:
                files.download(key, target)
            _plan_files(path, upload.filename, result, scratch)
        except fmt.FileRefusedError as refused:
            store.fail(upload, refused.code, refused.detail)
            return None
    files.write(_plan_key(upload_id), json.dumps({
        "upload_id": upload_id, "school_id": school_id, "headers": result.headers,
        "chunks": [c.__dict__ for c in result.chunks], "columns": result.columns,
    }).encode())
    if not store.start_processing(upload, sum(c.rows for c in result.chunks), len(result.chunks)):
        return None
    if not result.chunks:
        store.mark_done(upload)
        return None
    return result


def _plan_files(path: str, filename: str, result: Plan, scratch: str) -> None:
    """Check every file of the upload, then normalise and store them one at a time, in order."""
    with fmt.opened(path, filename) as entries:
        members, result.columns = _members(entries, filename, scratch)
        for member in members:
            copy = os.path.join(scratch, f"{member.kind.name}.csv")
            with open(copy, "w+b") as sink:
                header, ranges = _normalise_member(member, sink)
                sink.seek(0)
                files.upload(_copy_key(result.upload_id, member.kind.name), sink)
            os.remove(copy)
            result.headers[member.kind.name] = header
            result.chunks += [Chunk(member.kind.name, n, a, b, rows) for n, (a, b, rows) in enumerate(ranges)]


def _members(entries: list[tuple[str, fmt.Opener]], filename: str,
             scratch: str) -> tuple[list[Member], dict[str, dict[str, str]]]:
    """Our kinds of an upload, headers checked, in processing order, and how their columns map
    back to the source's (OneRoster zips are translated first)."""
    if oneroster.is_oneroster([name for name, _ in entries]):
        return _translated(entries, filename, scratch)
    members = []
    for name, opener in entries:
        kind = fmt.kind_of(name)
        try:
            with opener() as raw:
                head = raw.read(fmt.HEAD_BYTES)
        except fmt.damaged_member_errors() as exc:
            raise fmt.FileRefusedError("broken_zip", name) from exc
        encodings = fmt.encodings_for(head, name)
        members.append(Member(kind, name, opener, encodings))
        fmt.check_header_line(kind, fmt.first_line(head, encodings[0]))
    return _ordered(members, filename), {}


def _translated(entries: list[tuple[str, fmt.Opener]], filename: str,
                scratch: str) -> tuple[list[Member], dict[str, dict[str, str]]]:
    # Translating OneRoster joins its files: oneroster.py streams them into a SQLite file in
    # scratch and writes each of our kinds there as a CSV, which is then planned like our own.
    translation = oneroster.translate_files(entries, scratch)
    if not translation.files:
        raise fmt.FileRefusedError("empty_file", filename)
    members = []
    for kind, path in translation.files.items():
        member = Member(fmt.KINDS[kind], f"{kind}.csv", fmt.file_opener(path), ("utf-8",))
        with open(path, encoding="utf-8") as text:
            fmt.check_header_line(member.kind, text.readline())
        members.append(member)
    return _ordered(members, filename), translation.columns


def _ordered(members: list[Member], filename: str) -> list[Member]:
    names = [m.kind.name for m in members]
    if len(set(names)) != len(names):
        raise fmt.FileRefusedError("duplicate_file", filename)
    return sorted(members, key=lambda m: fmt.PROCESSING.index(m.kind.name))


def load_plan(upload_id: str) -> Plan:
    """The plan written when the file arrived."""
    data = json.loads(files.read(_plan_key(upload_id)))
    return Plan(data["upload_id"], data["school_id"], [Chunk(**c) for c in data["chunks"]], data["headers"],
                data.get("columns", {}))


def apply_chunk(the_plan: Plan, index: int) -> bool:
    """Apply one chunk; True when this delivery recorded it (False: it had been already, or the
    upload is no longer processing: ended as stalled, or expired)."""
    upload = store.find_upload(the_plan.upload_id, consistent=True)
    if upload is None or upload.state != "processing":
        return False
    chunk = the_plan.chunks[index]
    kind = fmt.KINDS[chunk.kind]
    body = the_plan.headers[chunk.kind] + files.read(_copy_key(the_plan.upload_id, chunk.kind),
                                                     chunk.first, chunk.last).decode("utf-8")
    context = import_rows.Context(the_plan.school_id, the_plan.upload_id)
    columns = the_plan.columns.get(chunk.kind, {})
    errors: list[RowError] = []  # refused rows and warnings, in the rows' order
    parsed: list[tuple[int, dict[str, Any]]] = []
    where: list[tuple[str, int, bool]] = []  # by the row's place in the chunk: its source file and line,
    # and whether that is our own CSV (else a file the upload was translated from)
    raw: list[dict[str, str]] = []  # and the row as the file had it, for the offending value

    def note(n: int, column: str | None, code: str, severity: str, value: str | None = None) -> None:
        file, line, own = where[n]
        if value is None and column:
            value = raw[n].get(column)
        errors.append(_row_error(the_plan.upload_id, chunk.kind, file, line, columns.get(column or "", column),
                                 code, severity, value or None, own))

    for n, (_, row) in enumerate(fmt.rows(body)):
        source = row.pop(LINE)
        file, _, line = source.rpartition(":")
        where.append((file or f"{chunk.kind}.csv", int(line), not file))
        if file:  # translated (from OneRoster: "results.csv:12"), so dated, with no lesson of ours
            context.lessons_named = False
        preset, preset_value, noted = row.pop(ERROR, ""), row.pop(VALUE, ""), row.pop(WARNINGS, "")
        raw.append(row)
        if preset:
            column, _, code = preset.rpartition(":")
            # without a value of its own, the refusal shows the translated cell of its column (a score)
            preset_value = preset_value or next((row[ours] for ours, theirs in columns.items()
                                                 if theirs == column and row.get(ours)), "")
            errors.append(_row_error(the_plan.upload_id, chunk.kind, where[n][0], where[n][1], column, code,
                                     "rejected", preset_value or None, where[n][2]))
            continue
        for column, code, value in json.loads(noted) if noted else ():
            errors.append(_row_error(the_plan.upload_id, chunk.kind, where[n][0], where[n][1], column, code,
                                     "warning", value or None, where[n][2]))
        try:
            parsed.append((n, kind.read(row)))
        except fmt.RowError as bad:
            note(n, bad.column, bad.code, "rejected")
    items, refused = import_rows.build(kind.name, parsed, context)
    for n, refused_column, refused_code in refused:
        note(n, refused_column, refused_code, "rejected")
    for n, warned_column, warned_code, warned_value in context.warnings:
        note(n, warned_column, warned_code, "warning", warned_value)
    errors.sort(key=lambda e: (e.file, e.line))  # the report follows the school's files and lines
    rows_changed, items_changed = imported.write_changed(items, the_plan.upload_id)
    context.after_write()
    # Chunks run one after another, so what the report already lists is known here: it keeps the
    # first REPORT_ERRORS rows; every rejected row is still counted, by code, on the upload.
    listed = max(0, min(len(errors), REPORT_ERRORS - int(upload.errors_listed or 0)))
    return store.finish_chunk(upload, chunk.name, chunk.rows, errors, listed, rows_changed, items_changed)


def _row_error(upload_id: str, kind: str, file: str, line: int, column: str | None, code: str,
               severity: str = "rejected", value: str | None = None, own_file: bool = True) -> RowError:
    # A translated row's file may share our kind's name (OneRoster's classes.csv): it is still the
    # school's file, reported by its name and line, not by our processing order.
    return RowError(upload_id, fmt.ORDER.index(kind), file, line, column, code, own_file=own_file,
                    severity=severity, value=value)


def next_chunk_needed(the_plan: Plan, index: int) -> bool:
    """After a redelivered chunk: whether the chunk after it still has to be started."""
    if index + 1 >= len(the_plan.chunks):
        return False
    upload = store.find_upload(the_plan.upload_id)
    return upload is not None and upload.state == "processing" and int(upload.chunks_done) <= index + 1


def finish(upload_id: str) -> None:
    """Mark the upload done once every chunk is in, with what its end noticed about the classes."""
    upload = store.find_upload(upload_id)
    if upload is not None and int(upload.chunks_done) >= int(upload.chunks_total):
        store.mark_done(upload, _noticed(upload))


NOTICES_LISTED = 200  # a school has a few dozen classes


def notices(upload: Upload) -> list[tuple[str, str]]:
    """What the administrator should look at once the upload is in, nothing of it removed (only a
    `tobedeleted` row removes): classes it made that no one is in (`class_left_empty`), and, when it
    brought a classes file, the school's classes that file did not name (`class_not_in_upload`).
    One Query of the school's classes, and one of a single item per class the upload made."""
    named = _classes_named(upload.upload_id)
    if named is None:
        return []
    found: list[tuple[str, str]] = []
    since = upload.created_at or ""
    for census in imported.class_census(upload.school_id):
        if census.name.casefold() not in named:
            found.append(("class_not_in_upload", census.name))
        elif (census.created_at or "") >= since and not imported.has_students(upload.school_id, census.class_id):
            found.append(("class_left_empty", census.name))
    return sorted(found)[:NOTICES_LISTED]


def _noticed(upload: Upload) -> list[tuple[str, str]]:
    # Noticing is a courtesy: whatever goes wrong in it, the upload still ends done.
    try:
        return notices(upload)
    except Exception:  # logged; the upload must end
        log.exception("notices of upload %s", upload.upload_id)
        return []


def _classes_named(upload_id: str) -> set[str] | None:
    """The class names (case-folded) of the upload's classes, read chunk by chunk from their
    normalised copy; None when the upload had no classes file (a OneRoster zip without classes.csv
    names classes only after its students' grades: that is not a list of the school's classes)."""
    if not files.exists(_plan_key(upload_id)):
        return None
    the_plan = load_plan(upload_id)
    if "classes" not in the_plan.headers:
        return None
    named: set[str] = set()
    listed = False
    for chunk in (c for c in the_plan.chunks if c.kind == "classes"):
        body = the_plan.headers["classes"] + files.read(_copy_key(upload_id, "classes"), chunk.first,
                                                        chunk.last).decode("utf-8")
        for _, row in fmt.rows(body):
            named.add((row.get("name") or "").strip().casefold())
            listed = listed or (row.get(LINE) or "").rpartition(":")[0] in ("", "classes.csv")
    return named if listed else None


def _since(stamp: str | None, now: dt.datetime) -> dt.timedelta | None:
    try:
        return now - dt.datetime.fromisoformat(stamp or "")
    except ValueError:
        return None


def give_up(upload_id: str, school_id: str | None = None) -> bool:
    """End an upload `failed`, `internal_error` after a failure of ours that retrying will not mend
    (its cause is in the log, never in the detail); the chunks recorded so far stay as they are, each
    whole, and no further chunk runs. False when it had ended already (or is not this school's)."""
    upload = store.find_upload(upload_id, consistent=True)
    if upload is None or (school_id is not None and upload.school_id != school_id):
        return False
    return store.fail(upload, "internal_error", INTERNAL_ERROR_DETAIL, if_state=("awaiting_file", "processing"))


def settle(upload: Upload) -> Upload:
    """An upload as it stands, ended on read when it can no longer go on: one whose file never
    came before its URL lapsed (plus ARRIVAL_GRACE) ends `expired`; one whose file came but was never
    planned within STALLED_AFTER of arriving (its message dead-lettered: the worker died on it every
    time) ends `failed`, `internal_error`; one left processing with no progress for STALLED_AFTER
    ends `failed`, `stalled` (unless a chunk is recorded meanwhile).
    So none waits for ever, and no sweep (no Scan) is needed."""
    now = clock.now()
    if upload.state == "awaiting_file":
        waited = _since(upload.created_at, now)
        if waited is not None and waited < dt.timedelta(seconds=files.PUT_URL_SECONDS) + ARRIVAL_GRACE:
            return upload
        arrived = files.arrived_at(incoming_key(upload.school_id, upload.upload_id, upload.filename))
        if arrived is None:
            store.expire(upload, "no file arrived before its upload URL lapsed: ask for a new upload")
        elif now - arrived < STALLED_AFTER:
            return upload  # its planning may still be coming back from the queue
        else:
            store.fail(upload, "internal_error", INTERNAL_ERROR_DETAIL, if_state=("awaiting_file",))
    elif upload.state == "processing":
        last = upload.progress_at or upload.created_at or ""
        idle = _since(last, now)
        if idle is not None and idle < STALLED_AFTER:
            return upload
        store.fail(upload, "stalled", f"no progress since {last}", if_chunks_done=upload.chunks_done)
    else:
        return upload
    return store.find_upload(upload.upload_id, consistent=True) or upload


def resume(upload: Upload) -> int | None:
    """After a restart, an upload left processing: the chunk to start again (chunks are
    idempotent), or None when it was finished here or ended `failed`, `interrupted` (its plan
    is gone with the file, as with a restarted local S3)."""
    if upload.state != "processing":
        return None
    if int(upload.chunks_done) >= int(upload.chunks_total):
        store.mark_done(upload, _noticed(upload))
        return None
    if not files.exists(_plan_key(upload.upload_id)):
        store.fail(upload, "interrupted", "the file was lost in a restart: upload it again", if_processing=True)
        return None
    return int(upload.chunks_done)


def new_upload(school_id: str, filename: str, requested_by: str) -> Upload:
    """An upload waiting for its file."""
    upload = Upload(upload_id=uuid.uuid4().hex, school_id=school_id, filename=filename, requested_by=requested_by)
    store.create_upload(upload)
    return upload
