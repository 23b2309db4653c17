"""moto's server as `make run`, the tests and the benchmarks start it (`python -m ops.moto_server
PORT`), on 127.0.0.1 only, with two additions of ours in front of moto's own WSGI app:

1. An object PUT keeps its bytes whatever Content-Type it claims. moto reads a request through
   Flask, which parses a body sent as `application/x-www-form-urlencoded` (what `curl
   --data-binary` sends by default) into form fields instead of handing it over, so such a PUT to a
   pre-signed URL stored an empty object (a zip's body even hung the parser). S3 itself stores the
   bytes as they come; so a PUT that claims to be a form is passed on as `application/octet-stream`.

2. The local mailbox, read straight from moto's SES and SNS. moto's own `/moto-api/data.json`
   serialises every object every service ever tracked (each queued message, each stored file), so
   it grows with the session and costs seconds per read late in a test run or a long `make run`.
   The mailbox reads only what was sent, in the order it was sent:

       GET /_local/mailbox[?to=<address or phone>]
       {"emails": [{"destinations": {"ToAddresses": [...]}, "subject", "body", "text", "headers"}],
        "bulk": [{"destinations": [...], "template", "template_data"}],
        "sms": [{"phone_number", "message"}]}

   The field names are those of data.json, so a reader of either sees the same records.
"""

from __future__ import annotations

import email
import email.policy
import functools
import json
import signal
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

HOST = "127.0.0.1"
FORM = "application/x-www-form-urlencoded"
MAILBOX_PATH = "/_local/mailbox"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@functools.cache
def _raw_email(raw: str) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    """Subject, body (HTML first, as moto keeps a Simple message's HTML body when it has one), plain
    text and headers of a MIME message (what send_raw_email stores). Parsed once per message: every
    mailbox read went through every message sent so far, and a test worker's session sends thousands,
    so reads grew slower until they timed out (moto holds the messages anyway)."""
    # From bytes: the str parser leaves an 8bit utf-8 body as backslash escapes.
    parsed = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=email.policy.default)
    html = parsed.get_body(preferencelist=("html", "plain"))
    plain = parsed.get_body(preferencelist=("plain", "html"))
    body, text = (str(part.get_content()) if part is not None else "" for part in (html, plain))
    return str(parsed.get("Subject", "")), body, text, tuple((key, str(value)) for key, value in parsed.items())


def _emails(to: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Single emails and bulk (templated) sends, oldest first, from every account and region; with
    `to`, only the emails addressed to it (the others are not parsed)."""
    from moto.ses.models import ses_backends

    emails: list[dict[str, Any]] = []
    bulk: list[dict[str, Any]] = []
    for regions in list(ses_backends.values()):
        for backend in list(regions.values()):
            for message in list(backend.sent_messages):
                if hasattr(message, "raw_data"):
                    addressed = [address for address in (message.destinations or []) if address]
                    if to is not None and to not in addressed:
                        continue
                    subject, body, text, headers = _raw_email(message.raw_data)
                    emails.append({"destinations": {"ToAddresses": addressed}, "subject": subject,
                                   "body": body, "text": text, "headers": dict(headers)})
                elif hasattr(message, "body"):
                    emails.append({"destinations": message.destinations, "subject": message.subject,
                                   "body": message.body, "text": message.body, "headers": {}})
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
    emails, bulk = _emails(to)
    sms = _sms()
    if to is not None:
        emails = [m for m in emails if to in (m["destinations"].get("ToAddresses") or [])]
        bulk = [m for m in bulk if to in json.dumps(m["destinations"])]
        sms = [m for m in sms if m["phone_number"] == to]
    return {"emails": emails, "bulk": bulk, "sms": sms}


def with_local_mends(app: WsgiApp) -> WsgiApp:
    """moto's WSGI app, answering the mailbox path itself and showing it every PUT body as bytes,
    never as a form (only S3's object and part uploads PUT a body; moto's other services POST)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == MAILBOX_PATH:
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            body = json.dumps(mailbox(query["to"][0] if "to" in query else None), ensure_ascii=False).encode()
            start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("REQUEST_METHOD") == "PUT" and \
                str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower() == FORM:
            environ["CONTENT_TYPE"] = "application/octet-stream"
        return app(environ, start_response)

    return wsgi


def read_mailbox(port: int, to: str | None = None, timeout: float = 5) -> dict[str, list[dict[str, Any]]]:
    """The mailbox of the moto server on 127.0.0.1:port (raises OSError when nothing listens)."""
    query = "?" + urllib.parse.urlencode({"to": to}) if to is not None else ""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{MAILBOX_PATH}{query}", timeout=timeout) as response:
        result: dict[str, list[dict[str, Any]]] = json.load(response)
    return result


def main(port: int) -> None:
    """Serve moto's every service on 127.0.0.1:port until TERM or Ctrl-C."""
    import os

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(port))  # moto builds its own URLs (queues, topics) from it
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    run_simple(HOST, port, with_local_mends(DomainDispatcherApplication(create_backend_app)), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main(int(sys.argv[1]))
