"""moto's server as `make run` and the tests start it (`python -m ops.moto_server PORT`), on
127.0.0.1 only, with one mend: an object PUT keeps its bytes whatever Content-Type it claims.

moto reads a request through Flask, which parses a body sent as
`application/x-www-form-urlencoded` (what `curl --data-binary` sends by default) into form fields
instead of handing it over, so such a PUT to a pre-signed URL stored an empty object (a zip's body
even hung the parser). S3 itself stores the bytes as they come, whatever the header says; so here
a PUT that claims to be a form is passed on as `application/octet-stream`, before moto sees it."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

HOST = "127.0.0.1"
FORM = "application/x-www-form-urlencoded"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def raw_put_bodies(app: WsgiApp) -> WsgiApp:
    """A WSGI app that shows `app` every PUT body as bytes, never as a form. Only S3's object
    and part uploads PUT a body in the query or form protocol; moto's other services POST."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "PUT" and \
                str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower() == FORM:
            environ["CONTENT_TYPE"] = "application/octet-stream"
        return app(environ, start_response)

    return wrapped


def main(port: int) -> None:
    """Serve moto's every service on 127.0.0.1:port until TERM or Ctrl-C."""
    import os

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(port))  # moto builds its own URLs (queues, topics) from it
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    run_simple(HOST, port, raw_put_bodies(DomainDispatcherApplication(create_backend_app)), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main(int(sys.argv[1]))
