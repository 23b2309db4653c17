"""Every outgoing SMS is a template in chalicelib/templates/messages (sms_<name>.<ru|en>.j2), sent
through SNS as a transactional message, and kept to one UCS-2 segment (70 characters)."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from chalicelib import aws, settings
from chalicelib.mail.failures import sending
from chalicelib.mail.render import LANGUAGES, TEMPLATES
from chalicelib.text import fit_one_segment

# Free-text fields that may be shortened with "…" to keep an SMS in one segment.
SHRINKABLE = ("subject", "title", "sender", "child", "school", "text")
OPT_OUT_TTL = 3600.0  # an opt-out is checked at most hourly per number and container
_opted_out: dict[str, tuple[bool, float]] = {}


@lru_cache(maxsize=2)
def _environment(language: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from chalicelib.mail.wording import filters

    # An SMS is plain text, never shown as HTML: escaping would turn quotes into "&#34;".
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False,  # noqa: S701
                              undefined=StrictUndefined, keep_trailing_newline=False)
    environment.filters.update(filters(language))  # cases, dates and plurals (mail/wording.py)
    return environment


def render_sms(template: str, language: str, data: dict[str, Any]) -> str:
    """The SMS text, shortened where needed so it costs one segment."""
    lang = language if language in LANGUAGES else "ru"
    tpl = _environment(lang).get_template(f"sms_{template}.{lang}.j2")
    return fit_one_segment(lambda values: " ".join(tpl.render(values).split()), data, SHRINKABLE)


def opted_out(phone: str) -> bool:
    """Whether the number replied STOP (cached: the check has its own rate limit)."""
    cached = _opted_out.get(phone)
    now = time.monotonic()
    if cached and cached[1] > now:
        return cached[0]
    with sending():
        answer = bool(aws.client("sns").check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"])
    _opted_out[phone] = (answer, now + OPT_OUT_TTL)
    return answer


def opted_out_numbers() -> set[str]:
    """Every number that replied STOP, a hundred a call: one look-up for a whole fan-out."""
    numbers: set[str] = set()
    token = None
    while True:
        with sending():
            page = aws.client("sns").list_phone_numbers_opted_out(**({"nextToken": token} if token else {}))
        numbers.update(page.get("phoneNumbers", []))
        token = page.get("nextToken")
        if not token:
            return numbers


def send_sms(phone: str, text: str) -> str:
    """Publish one transactional SMS; returns SNS's message id."""
    with sending():
        response = aws.client("sns").publish(
            PhoneNumber=phone,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": settings.sms_sender_id()},
            },
        )
    return str(response["MessageId"])
