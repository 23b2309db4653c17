"""Domain errors: each carries a stable machine code; the API turns them into HTTP in one place."""

from __future__ import annotations

from typing import Any


class DiaryError(Exception):
    """Base of every error the service reports to a caller."""

    status = 400
    code = "bad_request"

    def __init__(self, field: str | None = None, code: str | None = None, **params: Any) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.field = field
        self.params = params


class ValidationFailedError(DiaryError):
    """The request does not match its declared model."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0] if errors else {}
        super().__init__(field=first.get("field"))
        self.errors = errors


class UnprocessableError(DiaryError):
    """Well-formed, but a value the request names cannot be taken (a choice outside those offered)."""

    status = 422
    code = "unprocessable"


class AuthenticationError(DiaryError):
    """No valid credentials or token."""

    status = 401
    code = "unauthenticated"


class ForbiddenError(DiaryError):
    """Authenticated, but this actor may not do this."""

    status = 403
    code = "forbidden"


class NotFoundError(DiaryError):
    """The thing does not exist (or the caller may not know it exists)."""

    status = 404
    code = "not_found"


class ConflictError(DiaryError):
    """The request contradicts the current state (duplicate, stale version)."""

    status = 409
    code = "conflict"


class TooManyAttemptsError(DiaryError):
    """Slowed down or locked out after repeated failures."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int, code: str | None = None) -> None:
        super().__init__(code=code, retry_after=retry_after)
        self.retry_after = retry_after


class UnavailableError(DiaryError):
    """A dependency (database, queue) is down; nothing was written."""

    status = 503
    code = "service_unavailable"
    retry_after = 5  # seconds (the Retry-After header): long enough for a restarted dependency

    def __init__(self, field: str | None = None, code: str | None = None, **params: Any) -> None:
        super().__init__(field, code, **{"retry_after": self.retry_after, **params})


class UnstorableValueError(DiaryError):
    """The database refused a value the caller sent (a key over its size, an item too large):
    the request's fault, not an outage; nothing was written."""

    status = 422
    code = "value_not_storable"
