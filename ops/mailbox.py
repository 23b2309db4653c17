"""Print the email and SMS the local system sent (moto keeps them): `python -m ops.mailbox`."""

from __future__ import annotations

import email
import email.policy
import json
import os
import urllib.request


def main() -> None:
    """List sent messages, newest last."""
    port = int(os.environ.get("MOTO_PORT", "5001"))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=5) as response:
        data = json.load(response)
    for message in data.get("ses", {}).get("Message", []):
        to = ", ".join(message.get("destinations", {}).get("ToAddresses", []))
        print(f"--- email to {to}: {message.get('subject')}\n{message.get('body')}\n")
    for raw in data.get("ses", {}).get("RawMessage", []):  # alerts: sent as MIME to carry List-Unsubscribe
        mime = email.message_from_string(raw.get("raw_data", ""), policy=email.policy.default)
        text = mime.get_body(preferencelist=("plain", "html"))
        print(f"--- email to {mime['To']}: {mime['Subject']}\n{text.get_content() if text else ''}\n")
    for sms in data.get("sns", {}).get("SMS", []):
        print(f"--- SMS {sms}\n")


if __name__ == "__main__":
    main()
