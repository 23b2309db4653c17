"""`make run`: the whole system on 127.0.0.1 — DynamoDB Local, moto (SES, SNS, SQS, S3),
the API (`chalice local`), the event pump — plus the demo school. Ctrl-C stops it all."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from ops import build_web, local_gateway, services, web_server

ROOT = services.ROOT
STATE = Path(os.environ.get("LOCAL_STATE_DIR", str(ROOT / ".local")))
API_PORT = int(os.environ.get("PORT", "8000"))
DDB_PORT = int(os.environ.get("DYNAMODB_PORT", "8001"))
MOTO_PORT = int(os.environ.get("MOTO_PORT", "5001"))
WEB_PORT = int(os.environ.get("WEB_PORT", "8080"))  # the cabinet, with /api/* forwarded to the API
RUNNING = STATE / "running.json"  # the ports of the system running now, for `make mailbox` (ops/mailbox.py)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _signing_secret() -> str:
    # Generated once per checkout and kept out of git, so tokens survive a restart.
    path = STATE / "secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def local_environment() -> dict[str, str]:
    """What `make run` points the app at (ops scripts run beside it use the same)."""
    return {
        **services.aws_environment(DDB_PORT, MOTO_PORT),
        "STAGE": "local",
        "DIARY_TABLE": "ediary-local",
        "OUTBOX_QUEUE": "ediary-local-outbox",
        # every name the app reads, so a shell (or a test session) that set others cannot point the
        # local system at queues its moto server does not have
        "APPLICATIONS_QUEUE": "ediary-local-applications",
        "ALERTS_QUEUE": "ediary-local-alerts",
        "UPLOADS_QUEUE": "ediary-local-uploads",
        "UPLOAD_BUCKET": "ediary-local-uploads",
        "SES_FEEDBACK_TOPIC": "ediary-local-ses-feedback",
        "SIGNING_SECRET": _signing_secret(),
        "PUBLIC_URL": f"http://127.0.0.1:{API_PORT}",
        # where emails link to: the cabinet on WEB_PORT (its /api/* reaches this API too)
        "CABINET_URL": f"http://127.0.0.1:{WEB_PORT}",
        # the stand-in of the API's CloudWatch log group: openings of a diary go to the audit trail from it
        "AUDIT_LOG_FILE": str(STATE / "logs" / "api-audit.log"),
    }


def _banner(school_id: str) -> str:
    from ops.seed_demo import LOGINS

    api = f"http://127.0.0.1:{API_PORT}"
    lines = [
        "",
        "Электронный дневник is running locally.",
        f"  Open the cabinet: http://127.0.0.1:{WEB_PORT}/   (sign in with a demo login below)",
        f"  API:        {api}   (health: {api}/health, OpenAPI: {api}/openapi.json)",
        f"  Demo school id: {school_id}",
        "  Demo logins:",
        *[f"    {p.role:<22} {p.email:<30} {p.password}" for p in LOGINS],
        f"  Log in:     curl -s {api}/auth/login -H 'Content-Type: application/json' \\",
        "                -d '{\"email\": \"parent@demo.ediary.example\", \"password\": \"Demo-Parent-2026\"}'",
        f"  Sent email and SMS: make mailbox (or http://127.0.0.1:{MOTO_PORT}/_local/mailbox; emptied on restart)",
        f"  Logs: {STATE / 'logs'}",
        "  Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Start everything, seed, print where to go, wait for Ctrl-C or TERM; both stop it all, exit 0."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for port, what in [(WEB_PORT, "cabinet (WEB_PORT)"), (API_PORT, "API (PORT)"),
                       (DDB_PORT, "DynamoDB Local (DYNAMODB_PORT)"), (MOTO_PORT, "moto (MOTO_PORT)")]:
        if not _port_free(port):
            sys.exit(f"Port {port} for the {what} is taken: stop what uses it or set {what.split('(')[1][:-1]}=…")
    logs = STATE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    web_root = build_web.build()  # the served copy of web/, minified (under 2 s): what the bucket gets too
    print("Starting DynamoDB Local, moto, the API and the event pump…", flush=True)
    os.environ.update(local_environment())
    started: list[subprocess.Popen[bytes]] = []
    stopping = threading.Event()  # tells the pump's thread to finish its round and end
    asked = _StopRequest()
    pump: threading.Thread | None = None
    crashed = False
    asked.listen()
    try:
        dynamodb = services.start_dynamodb(DDB_PORT, STATE / "dynamodb", logs / "dynamodb.log", started)
        services.start_moto(MOTO_PORT, logs / "moto.log", started)
        from ops.migrate import run as migrate
        from ops.provision import provision
        from ops.resume_uploads import resume_all
        from ops.seed_demo import seed

        provision()
        migrate()  # data kept from an older checkout gets what this one reads
        school_id = seed()
        resumed, ended = resume_all()  # uploads a stop left half-way
        if resumed or ended:
            print(f"Uploads left processing: {resumed} resumed, {ended} ended (their files were lost).", flush=True)
        api = subprocess.Popen(
            local_gateway.command("local", API_PORT),  # `chalice local`, its own refusals in our envelope
            cwd=str(ROOT), env=os.environ.copy(), stdout=open(logs / "api.log", "ab"),
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=services.die_with_parent(),  # the API never outlives the runner either
        )
        started.append(api)
        services.wait_for_port(API_PORT, "chalice local", proc=api)
        pump = _start_pump(stopping, logs / "pump.log")
        # the browser PUTs an upload on the cabinet's origin; the cabinet forwards it to moto (docs/staff.md)
        s3 = (os.environ["AWS_ENDPOINT_URL"], os.environ["UPLOAD_BUCKET"])
        cabinet = web_server.serve(WEB_PORT, API_PORT, web_root, s3)
        threading.Thread(target=cabinet.serve_forever, name="cabinet", daemon=True).start()
        RUNNING.write_text(json.dumps({"pid": os.getpid(), "api_port": API_PORT, "dynamodb_port": DDB_PORT,
                                       "moto_port": MOTO_PORT, "web_port": WEB_PORT}))
        print(_banner(school_id), flush=True)
        asked.running()
        while not asked.stop and not crashed:
            if dynamodb.poll() is not None:
                dynamodb = _restart_dynamodb(dynamodb, logs, started)
            for proc in started:
                if proc.poll() is not None:
                    print(f"A service stopped unexpectedly (exit {proc.returncode}); see {logs}.", file=sys.stderr)
                    crashed = True
            time.sleep(0.5)  # a signal cuts it short; the handler only records it
    except BaseException:
        # Whatever an interrupted start raised on its way out is the stop it was asked for.
        if not asked.stop:
            raise
    finally:
        asked.ignore()  # a second Ctrl-C or TERM (a group signal reaches each process once) must not cut it short
        if asked.stop:
            print("\nStopping…", flush=True)
        stopping.set()
        if pump is not None:
            pump.join(timeout=30)  # its round ends before the services it talks to go
        for proc in reversed(started):
            services.stop(proc)
        RUNNING.unlink(missing_ok=True)
    if crashed:
        sys.exit(1)


class _StopRequest:
    """TERM or Ctrl-C. While the system starts, the signal interrupts the start at once; once it
    runs, the handler only records it and the main loop ends. Raising from the handler into a
    running `threading` wait left that wait's lock half-released, and the stop ended in
    `RuntimeError: release unlocked lock` and exit 1."""

    def __init__(self) -> None:
        self.stop = False
        self._interrupt = True

    def listen(self) -> None:
        """Handle TERM and Ctrl-C from now on."""
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def running(self) -> None:
        """From now on a signal is only recorded."""
        self._interrupt = False

    def ignore(self) -> None:
        """Signals from now on change nothing: the stop is under way."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.stop = True
        self.ignore()
        if self._interrupt:
            raise KeyboardInterrupt


def _restart_dynamodb(dead: subprocess.Popen[bytes], logs: Path,
                      started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """DynamoDB Local went away: start it again on its port and data (.local/dynamodb/ is on disk).
    Meanwhile the API answers 503 and the pump retries; both carry on once it is back."""
    print(f"DynamoDB Local stopped (exit {dead.returncode}); starting it again…", file=sys.stderr, flush=True)
    started.remove(dead)
    proc = services.start_dynamodb(DDB_PORT, STATE / "dynamodb", logs / "dynamodb.log", started)
    print("DynamoDB Local is back.", file=sys.stderr, flush=True)
    return proc


def _start_pump(stopping: threading.Event, log_path: Path) -> threading.Thread:
    from app import app
    from ops.pump import Pump

    handler = logging.FileHandler(log_path)
    logging.getLogger("pump").addHandler(handler)
    logging.getLogger("pump").propagate = False
    pump = Pump(app, state_dir=STATE / "pump")  # stream positions survive a restart, as in Lambda
    # Catch up before the banner: the diary's week pages and statistics come from the stream, so a
    # family logging in at once sees the demo school whole (bounded: a huge backlog keeps flowing).
    pump.drain(timeout=180)

    def loop() -> None:
        while not stopping.is_set():
            try:
                if not pump.poll_once():
                    stopping.wait(0.5)
            except Exception:  # keep pumping: a failed round is logged and retried
                logging.getLogger("pump").exception("pump round failed")
                stopping.wait(2.0)

    thread = threading.Thread(target=loop, name="event-pump", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    main()
