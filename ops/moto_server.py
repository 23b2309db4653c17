"""moto's server, plus one page of our own: the local mailbox, read straight from moto's SES and SNS.

moto's own `/moto-api/data.json` serialises every object every service ever tracked (each queued
message, each stored file), so it grows with the session and costs seconds per read late in a test
run or a long `make run`. The mailbox page reads only what was sent, in the order it was sent:

    GET /_local/mailbox[?to=<address or phone>]
    {"emails": [{"destinations": {"ToAddresses": [...]}, "subject", "body", "headers"}],
     "bulk": [{"destinations": [...], "template", "template_data"}],
     "sms": [{"phone_number", "message"}]}

The field names are those of data.json, so a reader of either sees the same records.
Run: `python -m ops.moto_server -p PORT` (ops/services.py starts it).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

MAILBOX_PATH = "/_local/mailbox"


def _raw_email(raw: str) -> tuple[str, str, dict[str, str]]:
    """Subject, body and headers of a MIME message (what send_raw_email stores)."""
    # From bytes: the str parser leaves an 8bit utf-8 body as backslash escapes.
    parsed = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=email.policy.default)
    # HTML first, as moto keeps a Simple message's HTML body when it has one
    part = parsed.get_body(preferencelist=("html", "plain")) if parsed.is_multipart() else parsed
    body = part.get_content() if part is not None else ""
    return str(parsed.get("Subject", "")), str(body), {key: str(value) for key, value in parsed.items()}


def _emails() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Single emails and bulk (templated) sends, oldest first, from every account and region."""
    from moto.ses.models import ses_backends

    emails: list[dict[str, Any]] = []
    bulk: list[dict[str, Any]] = []
    for regions in list(ses_backends.values()):
        for backend in list(regions.values()):
            for message in list(backend.sent_messages):
                if hasattr(message, "raw_data"):
                    subject, body, headers = _raw_email(message.raw_data)
                    to = [address for address in (message.destinations or []) if address]
                    emails.append({"destinations": {"ToAddresses": to}, "subject": subject,
                                   "body": body, "headers": headers})
                elif hasattr(message, "body"):
                    emails.append({"destinations": message.destinations, "subject": message.subject,
                                   "body": message.body, "headers": {}})
                elif hasattr(message, "template_data"):
                    bulk.append({"destinations": message.destinations, "template": message.template,
                                 "template_data": message.template_data})
    return emails, bulk


def _sms() -> list[dict[str, str]]:
    from moto.sns.models import sns_backends

    return [{"phone_number": phone, "message": text}
            for regions in list(sns_backends.values()) for backend in list(regions.values())
            for phone, text in list(backend.sms_messages.values())]


def mailbox(to: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """What was sent, optionally only to one address or phone number."""
    emails, bulk = _emails()
    sms = _sms()
    if to is not None:
        emails = [m for m in emails if to in (m["destinations"].get("ToAddresses") or [])]
        bulk = [m for m in bulk if to in json.dumps(m["destinations"])]
        sms = [m for m in sms if m["phone_number"] == to]
    return {"emails": emails, "bulk": bulk, "sms": sms}


def with_mailbox(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """moto's WSGI application, answering the mailbox path itself."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != MAILBOX_PATH:
            return app(environ, start_response)
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        body = json.dumps(mailbox(query["to"][0] if "to" in query else None), ensure_ascii=False).encode()
        start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def read_mailbox(port: int, to: str | None = None, timeout: float = 5) -> dict[str, list[dict[str, Any]]]:
    """The mailbox of the moto server on 127.0.0.1:port (raises OSError when nothing listens)."""
    query = "?" + urllib.parse.urlencode({"to": to}) if to is not None else ""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{MAILBOX_PATH}{query}", timeout=timeout) as response:
        result: dict[str, list[dict[str, Any]]] = json.load(response)
    return result


def main(argv: list[str] | None = None) -> None:
    """Serve moto (as `python -m moto.server` does) with the mailbox page."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds its own URLs (SNS to SQS) from it
    run_simple(args.host, args.port, with_mailbox(DomainDispatcherApplication(create_backend_app)),
               threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
