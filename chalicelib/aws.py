"""AWS clients, created lazily once per container so nothing touches the network at import.

Every client, boto3's and PynamoDB's alike, gives up on a dependency that does not answer well
inside API Gateway's 29 s: at most ATTEMPTS tries of CONNECT_TIMEOUT_S + READ_TIMEOUT_S each,
with botocore's standard backoff (under 1 s) between them, so one storage call that never gets
an answer ends within WORST_CALL_S and the request answers 503 instead of 504/500.
"""

from __future__ import annotations

from functools import cache
from typing import Any

CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 5
ATTEMPTS = 2  # in all, the first included: one retry, for a dropped connection or a throttled call
WORST_CALL_S = ATTEMPTS * (CONNECT_TIMEOUT_S + READ_TIMEOUT_S) + 1  # 15 s


@cache
def client_config() -> Any:
    """The botocore settings every client is built with (timeouts, bounded retries)."""
    from botocore.config import Config

    return Config(connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
                  retries={"total_max_attempts": ATTEMPTS, "mode": "standard"})


@cache
def client(service: str) -> Any:
    """A boto3 client for `service`; endpoints come from AWS_ENDPOINT_URL_* when set (local)."""
    import boto3

    return boto3.session.Session().client(service, config=client_config())


@cache
def path_style_s3() -> Any:
    """An S3 client whose pre-signed URLs name the bucket in the path, on the region's own endpoint
    (`https://s3.<region>.amazonaws.com/<bucket>/<key>`; locally moto's `http://127.0.0.1:<port>/<bucket>/<key>`):
    the cabinet's origin forwards `/<bucket>/incoming/*` to that endpoint, so the browser PUTs on its
    own origin and the signature (which covers the path and the endpoint's host) still holds."""
    import boto3
    from botocore.config import Config

    config = client_config().merge(Config(signature_version="s3v4", s3={
        "addressing_style": "path", "us_east_1_regional_endpoint": "regional"}))
    return boto3.session.Session().client("s3", config=config)


@cache
def queue_url(queue_name: str) -> str:
    """The URL of an SQS queue, looked up once per container."""
    return str(client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"])
