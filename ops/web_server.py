"""The cabinet on one local port, as CloudFront serves it in AWS: the static files of the served
copy `build/web/` (the minified `web/`, ops/build_web.py, built first by `ops.run_local` and by
this module's own command), and `/api/*` forwarded to `chalice local` (the prefix removed, as API
Gateway's stage path is), with the same security headers as the distribution's response-headers
policy (ops/package.py); and, when given the local S3 and the upload bucket, a browser's PUT of a
pre-signed `/<bucket>/incoming/...?X-Amz-...` forwarded to that S3 as it is, the Host set to the
S3's own (the signature covers it), as the distribution's behaviour for that path does in AWS: the
cabinet's CSP lets a page talk to its own origin only.

    python -m ops.web_server PORT API_PORT [S3_URL BUCKET]
"""

from __future__ import annotations

import contextlib
import http.client
import mimetypes
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from ops import build_web

WEB_ROOT = build_web.TARGET  # what is uploaded to the bucket too: the browser tests test what is served

# One policy for the local system and the distribution: no inline script, no eval, nothing from
# another host. ops/package.py builds the CloudFront response-headers policy from this too.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# What is passed on to the API and back (hop-by-hop headers stay here).
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
        "proxy-authenticate", "host", "content-length"}
_MAX_BODY = 12 * 1024 * 1024
_MAX_UPLOAD = 50 * 1024 * 1024 + 1  # a larger file reaches S3 and is refused by the upload's own check
# What a browser's PUT to the upload bucket keeps: no cookie, no Authorization, nothing else of the viewer's.
_TO_S3 = {"content-type", "content-md5"}


def make_handler(api_port: int, web_root: Path = WEB_ROOT, s3: tuple[str, str] | None = None,
                 ) -> type[BaseHTTPRequestHandler]:
    """A request handler serving `web_root`, forwarding /api/* to 127.0.0.1:api_port and, with
    s3 = (its URL, the upload bucket), a pre-signed PUT of /<bucket>/incoming/* to that S3."""
    s3_host = urlsplit(s3[0]).netloc if s3 else ""
    upload_prefix = f"/{s3[1]}/incoming/" if s3 else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ediary-cabinet"

        def log_message(self, format: str, *args: object) -> None:
            sys.stderr.write("cabinet: " + (format % args) + "\n")

        def _security_headers(self) -> None:
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else None
            path = self.path[len("/api"):] or "/"
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            connection = http.client.HTTPConnection("127.0.0.1", api_port, timeout=120)
            try:
                connection.request(self.command, path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
            except OSError:
                self.send_response(502)
                payload = b'{"error": {"code": "service_unavailable", "message": "API is not answering"}}'
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self._security_headers()
                self.end_headers()
                self.wfile.write(payload)
                return
            finally:
                connection.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in _HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self._security_headers()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _to_upload_bucket(self) -> None:
            # S3 checks the signature (method, path, query, Host); nothing of the viewer's session goes along.
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_UPLOAD:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() in _TO_S3}
            headers["Host"] = s3_host
            connection = http.client.HTTPConnection(s3_host, timeout=120)
            try:
                connection.request("PUT", self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
            except OSError:
                self.send_error(502)
                return
            finally:
                connection.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() in ("content-type", "etag"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self._security_headers()
            self.end_headers()
            self.wfile.write(data)

        def _static(self) -> None:
            if web_root == build_web.TARGET:
                build_web.fresh()  # a source edited while the cabinet runs: rebuilt before it is served
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path in ("", "/"):
                path = "/index.html"
            target = (web_root / path.lstrip("/")).resolve()
            if web_root.resolve() not in target.parents or not target.is_file():
                self.send_response(404)
                payload = b"Not found"
                self.send_header("Content-Type", "text/plain; charset=utf-8")
            else:
                payload = target.read_bytes()
                self.send_response(200)
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                    kind += "; charset=utf-8"
                self.send_header("Content-Type", kind)
                # index.html is always revalidated; the files it names may be cached briefly
                self.send_header("Cache-Control", "no-cache" if target.name == "index.html" else "max-age=300")
            self.send_header("Content-Length", str(len(payload)))
            self._security_headers()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _route(self) -> None:
            if self.path == "/api" or self.path.startswith("/api/") or self.path.startswith("/api?"):
                self._forward()
            elif upload_prefix and self.command == "PUT" and self.path.startswith(upload_prefix):
                self._to_upload_bucket()
            elif self.command in ("GET", "HEAD"):
                self._static()
            else:
                self.send_error(405)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route  # noqa: N815 (http.server's names)

    return Handler


def serve(port: int, api_port: int, web_root: Path = WEB_ROOT,
          s3: tuple[str, str] | None = None) -> ThreadingHTTPServer:
    """A cabinet server on 127.0.0.1:port (call serve_forever() on it); s3 = (the local S3's URL,
    the upload bucket) lets the browser PUT an upload on the cabinet's origin."""
    mimetypes.add_type("application/javascript", ".js")
    mimetypes.add_type("image/svg+xml", ".svg")
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(api_port, web_root, s3=s3))


if __name__ == "__main__":
    server = serve(int(sys.argv[1]), int(sys.argv[2]), build_web.build(),
                   (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else None)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
