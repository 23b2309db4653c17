"""Shared plumbing of the data layer: SDK errors become domain errors here, and pages get cursors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib import aws, settings
from chalicelib.clock import epoch as epoch  # re-exported: the data layer reads the clock here
from chalicelib.clock import iso_of_epoch as iso_of_epoch
from chalicelib.clock import now_iso as now_iso
from chalicelib.errors import ConflictError, DiaryError, UnavailableError, UnstorableValueError
from chalicelib.records.paging import Page
from chalicelib.records.paging import PageCursor as PageCursor  # re-exported: the API builds cursors

log = logging.getLogger(__name__)

CONDITION_FAILED = "ConditionalCheckFailedException"
VALIDATION_FAILED = "ValidationException"


@lru_cache(maxsize=1)
def connection() -> Connection:
    """The low-level connection transactions need (created lazily, once per container), with the
    same timeouts and retries as the models (chalicelib/aws.py)."""
    return Connection(region=settings.region(), connect_timeout_seconds=aws.CONNECT_TIMEOUT_S,
                      read_timeout_seconds=aws.READ_TIMEOUT_S, max_retry_attempts=aws.ATTEMPTS - 1)


def _error_code(cause: BaseException | None) -> str | None:
    # Only a ClientError carries DynamoDB's answer; a timeout's `response` is None or absent.
    response = getattr(cause, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    return str(error.get("Code")) if isinstance(error, dict) and error.get("Code") else None


def condition_failed(error: Exception) -> bool:
    """Whether a write was refused by its condition (as opposed to failing)."""
    if isinstance(error, TransactWriteError):
        reasons = error.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    cause = error.cause if isinstance(error, PynamoDBException) else error
    return _error_code(cause) == CONDITION_FAILED


def _refused_value(error: Exception) -> bool:
    """Whether DynamoDB refused what was sent (a key over its size, an item over 400 KB): the
    request's fault, which retrying cannot mend, unlike an outage."""
    if isinstance(error, TransactWriteError):
        return any(r is not None and r.code == "ValidationError" for r in error.cancellation_reasons or [])
    cause = error.cause if isinstance(error, PynamoDBException) else error
    return _error_code(cause) == VALIDATION_FAILED


@contextmanager
def storing(conflict: DiaryError | None = None) -> Iterator[None]:
    """Turn PynamoDB/botocore failures into domain errors; a failed condition becomes `conflict`,
    a refused value 422, and a database that does not answer (timeouts, no connection) 503."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (PynamoDBException, ClientError) as error:
        if condition_failed(error):
            raise (conflict or ConflictError()) from error
        if _refused_value(error):
            log.warning("storage refused a value: %r", error)
            raise UnstorableValueError() from error
        log.warning("storage failed: %r (cause %r)", error, getattr(error, "cause", None))
        raise UnavailableError() from error
    except BotoCoreError as error:
        log.warning("storage unreachable: %r", error)
        raise UnavailableError() from error


def transient(error: BaseException) -> bool:
    """Whether a failure may pass when tried again: the database, S3 or a queue unreachable, slow
    or throttling; not a refused value, a failed condition or a bug of ours."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, UnavailableError):
        return True
    if isinstance(error, PynamoDBException | ClientError):
        return not condition_failed(error) and not _refused_value(error)
    return isinstance(error, BotoCoreError)


CURSOR_NONCE = 12  # bytes, AES-GCM's standard nonce


@lru_cache(maxsize=1)
def _cursor_cipher() -> Any:
    # Its own key, derived from the signing secret under a label, so a cursor and a token never
    # share key material; imported here because only list pages need it (cold start).
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = hmac.new(settings.get_settings().signing_secret.encode(), b"ediary page cursor v1", hashlib.sha256)
    return AESGCM(key.digest())


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    """The cursor for the next page (None at the end): the key encrypted and authenticated with
    AES-GCM, the list and caller it belongs to as associated data; nothing of the key is readable."""
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    nonce = secrets.token_bytes(CURSOR_NONCE)
    sealed = _cursor_cipher().encrypt(nonce, raw, scope.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decode_cursor(cursor: PageCursor | None) -> dict[str, Any] | None:
    """The key a cursor stands for (None: the first page); a forged, altered or foreign one (another
    list, another caller) is refused with 400 invalid_cursor."""
    if cursor is None or not cursor.text:
        return None
    from cryptography.exceptions import InvalidTag

    try:
        blob = base64.urlsafe_b64decode(cursor.text + "=" * (-len(cursor.text) % 4))
        raw = _cursor_cipher().decrypt(blob[:CURSOR_NONCE], blob[CURSOR_NONCE:], cursor.scope.encode())
        key = json.loads(raw)
        if not isinstance(key, dict):
            raise ValueError("not a key")
        return key
    except (ValueError, TypeError, InvalidTag) as exc:
        raise DiaryError(field="cursor", code="invalid_cursor") from exc


def page(results: Any, cursor: PageCursor | None = None) -> tuple[list[Any], str | None]:
    """Drain one page of a PynamoDB result iterator and the cursor after it, bound as `cursor` was
    (without one, a first page read for the service's own use: no cursor is handed out)."""
    items = list(results)
    return items, encode_cursor(results.last_evaluated_key, cursor.scope) if cursor else None


Found = dict[tuple[str, str], dict[str, Any]]  # items read together, raw, by (PK, SK)


def get_many(keys: list[tuple[str, str]], consistent: bool = False,
             attributes: tuple[str, ...] = ()) -> Found:
    """Known items in one BatchGetItem (more only for what DynamoDB leaves unprocessed), raw, by key;
    `attributes`: only these (besides the keys), when the rest is none of the caller's business."""
    table = settings.table_name()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = list(dict.fromkeys(keys))
    projection: dict[str, Any] = {}
    if attributes:
        names = {f"#p{i}": name for i, name in enumerate(("PK", "SK", *attributes))}
        projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {table: {"Keys": [{"PK": {"S": pk}, "SK": {"S": sk}}
                                                    for pk, sk in wanted[start:start + 100]],
                                           "ConsistentRead": consistent, **projection}}
        with storing():
            while request:
                answer = aws.client("dynamodb").batch_get_item(RequestItems=request)
                for raw in answer.get("Responses", {}).get(table, []):
                    found[(raw["PK"]["S"], raw["SK"]["S"])] = raw
                request = answer.get("UnprocessedKeys") or {}
    return found


class Reading:
    """A lazy query or scan whose every page is read inside storing(): a database that stops
    answering half-way through a list is a 503 like any other read, wherever the list is drained."""

    def __init__(self, results: Any) -> None:
        self._results = results

    def __iter__(self) -> Iterator[Any]:
        items = iter(self._results)
        while True:
            with storing():
                item = next(items, _END)
            if item is _END:
                return
            yield item

    @property
    def last_evaluated_key(self) -> dict[str, Any] | None:
        """Where the page ended (None at the end), as PynamoDB's iterator says."""
        key: dict[str, Any] | None = self._results.last_evaluated_key  # untyped in PynamoDB
        return key


_END = object()


T = TypeVar("T")


def paged(read: Callable[[dict[str, Any] | None], Any], cursor: PageCursor | None,
          convert: Callable[[Any], T]) -> Page[T]:
    """One page of a list as records, for a domain that never sees a stored key: `read(start)`
    runs the query from the key the cursor stands for; the next cursor is bound as `cursor` was."""
    results = read(decode_cursor(cursor))
    items, next_cursor = page(results, cursor)
    return Page([convert(item) for item in items], next_cursor)

