"""The upload bucket: pre-signed PUT URLs for school systems, and reading what they sent."""

from __future__ import annotations

from datetime import datetime
from typing import IO, cast

from chalicelib import aws, settings
from chalicelib.errors import UnavailableError

PUT_URL_SECONDS = 15 * 60


def _guard() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def put_url(key: str, max_bytes: int) -> str:
    """A URL the school system PUTs its file to, valid for 15 minutes."""
    try:
        return str(aws.client("s3").generate_presigned_url(
            "put_object", Params={"Bucket": settings.upload_bucket_name(), "Key": key},
            ExpiresIn=PUT_URL_SECONDS,
        ))
    except _guard() as exc:
        raise UnavailableError() from exc


def cabinet_put_path(key: str) -> str:
    """The same permission as put_url, for the cabinet's browser: a path and query on the cabinet's own
    origin (`/<bucket>/incoming/...?X-Amz-...`), which forwards it to S3 (the page's CSP lets it talk
    to its own origin only). Signed for the region's path-style endpoint, the host the forwarder sets."""
    from urllib.parse import urlsplit

    try:
        url = urlsplit(str(aws.path_style_s3().generate_presigned_url(
            "put_object", Params={"Bucket": settings.upload_bucket_name(), "Key": key},
            ExpiresIn=PUT_URL_SECONDS,
        )))
    except _guard() as exc:
        raise UnavailableError() from exc
    return f"{url.path}?{url.query}"


def size(key: str) -> int:
    """Bytes of a stored object."""
    head = aws.client("s3").head_object(Bucket=settings.upload_bucket_name(), Key=key)
    return int(head["ContentLength"])


def exists(key: str) -> bool:
    """Whether an object is stored (a restarted local S3 has lost everything)."""
    from botocore.exceptions import ClientError

    try:
        size(key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def arrived_at(key: str) -> datetime | None:
    """When an object was stored, or None when there is none."""
    from botocore.exceptions import ClientError

    try:
        head = aws.client("s3").head_object(Bucket=settings.upload_bucket_name(), Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise UnavailableError() from error
    except _guard() as error:
        raise UnavailableError() from error
    return cast(datetime, head["LastModified"])


def read(key: str, first: int | None = None, last: int | None = None) -> bytes:
    """An object, or the bytes first..last (inclusive) of it."""
    params = {"Bucket": settings.upload_bucket_name(), "Key": key}
    if first is not None and last is not None:
        params["Range"] = f"bytes={first}-{last}"
    return bytes(aws.client("s3").get_object(**params)["Body"].read())


def write(key: str, body: bytes) -> None:
    """Store an object (the normalised copy of an upload)."""
    aws.client("s3").put_object(Bucket=settings.upload_bucket_name(), Key=key, Body=body,
                                ContentType="text/csv; charset=utf-8")


def download(key: str, target: IO[bytes]) -> None:
    """Stream an object into a file a megabyte at a time (an upload may be 50 MB)."""
    body = aws.client("s3").get_object(Bucket=settings.upload_bucket_name(), Key=key)["Body"]
    for block in body.iter_chunks(1 << 20):
        target.write(block)


def upload(key: str, source: IO[bytes]) -> None:
    """Store an object from a file, streamed (a normalised copy is as large as the upload's CSV)."""
    # put_object streams a file body; the managed transfer would buffer up to ten 8 MB parts at once.
    aws.client("s3").put_object(Bucket=settings.upload_bucket_name(), Key=key, Body=source,
                                ContentType="text/csv; charset=utf-8")
