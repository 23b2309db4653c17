"""Print the email and SMS the local system sent (moto keeps them, in memory: a restart of
`make run` empties it): `make mailbox`, or `python -m ops.mailbox`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ops import services
from ops.moto_server import read_mailbox

DEFAULT_MOTO_PORT = 5001


def moto_port() -> int:
    """moto's port: MOTO_PORT when set (as for `make run`), else the port of the system running
    from this checkout (`make run` records it in LOCAL_STATE_DIR), else the default."""
    if os.environ.get("MOTO_PORT"):
        return int(os.environ["MOTO_PORT"])
    running = Path(os.environ.get("LOCAL_STATE_DIR", str(services.ROOT / ".local"))) / "running.json"
    try:
        return int(json.loads(running.read_text())["moto_port"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_MOTO_PORT


def main() -> None:
    """List sent messages, newest last; one line and exit 1 when the local system is not running."""
    port = moto_port()
    try:
        sent = read_mailbox(port)
    except (OSError, ValueError):  # refused, timed out, or something else on that port
        sys.exit(f"The local system is not running (nothing answers as moto on 127.0.0.1:{port}): "
                 "start it with `make run` (MOTO_PORT=… if you started it on another port).")
    for message in sent["emails"]:
        to = ", ".join(message["destinations"].get("ToAddresses") or [])
        print(f"--- email to {to}: {message['subject']}\n{message['text']}\n")
    for bulk in sent["bulk"]:  # school news: one templated send to many
        print(f"--- news ({bulk['template']}) to {json.dumps(bulk['destinations'], ensure_ascii=False)}\n")
    for sms in sent["sms"]:
        print(f"--- SMS to {sms['phone_number']}: {sms['message']}\n")


if __name__ == "__main__":
    main()
