"""SES and SNS failures become one of two domain errors: worth retrying, or never going to work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException",
    "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError",
    "InternalServerError", "RequestTimeout", "RequestTimeoutException", "LimitExceededException",
})


class SendError(Exception):
    """A send failed; `code` is what the service said."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class TransientSendError(SendError):
    """Throttled, unavailable or unreachable: the same send may work in a moment."""


class PermanentSendError(SendError):
    """Rejected (bad address, unverified sender, invalid parameter): retrying cannot help."""


@contextmanager
def sending() -> Iterator[None]:
    """Classify any SES/SNS failure inside the block."""
    from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in TRANSIENT_CODES or status >= 500:
            raise TransientSendError(code, str(error.get("Message", ""))) from exc
        raise PermanentSendError(code, str(error.get("Message", ""))) from exc
    except (ConnectionError, HTTPClientError) as exc:
        raise TransientSendError("ConnectionError", str(exc)) from exc
    except BotoCoreError as exc:
        raise TransientSendError(type(exc).__name__, str(exc)) from exc
