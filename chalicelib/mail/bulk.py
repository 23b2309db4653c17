"""News to many families at once: SES v1 bulk templated email, 50 destinations a call.

The SES template is made from the same Jinja file as every other message (news.<lang>.j2),
whose blocks hold SES placeholders; it is created on first use per container."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from chalicelib import aws
from chalicelib.mail.failures import sending
from chalicelib.mail.render import render_email
from chalicelib.settings import get_settings
from chalicelib.text import one_line

BULK_LIMIT = 50
_created: set[str] = set()


def template_name(name: str, language: str) -> str:
    """The SES template of a message and language in this stage."""
    return f"ediary-{get_settings().stage}-{name}-{language}"


def ensure_template(name: str, language: str) -> str:
    """Create the SES template from the Jinja file once; returns its name."""
    ses_name = template_name(name, language)
    if ses_name in _created:
        return ses_name
    rendered = render_email(name, language, {})
    template = {"TemplateName": ses_name, "SubjectPart": rendered.subject, "TextPart": rendered.text,
                "HtmlPart": rendered.html}
    client = aws.client("ses")
    with sending():
        try:
            client.create_template(Template=template)
        except client.exceptions.AlreadyExistsException:
            client.update_template(Template=template)
    _created.add(ses_name)
    return ses_name


@lru_cache(maxsize=8)
def subject_fields(name: str, language: str) -> frozenset[str]:
    """The placeholders SES fills into the message's subject line."""
    return frozenset(re.findall(r"{{\s*(\w+)\s*}}", render_email(name, language, {}).subject))


def _one_line_subject(name: str, language: str, data: dict[str, Any]) -> dict[str, Any]:
    # SES fills the subject, not render_email: a line break in a stored title stops here as well.
    fields = subject_fields(name, language)
    return {k: one_line(v) if k in fields and isinstance(v, str) else v for k, v in data.items()}


def send_bulk(name: str, language: str, destinations: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """One SES call for up to 50 (address, data) pairs; returns each destination's status."""
    assert len(destinations) <= BULK_LIMIT
    ses_name = ensure_template(name, language)
    destinations = [(to, _one_line_subject(name, language, data)) for to, data in destinations]
    with sending():
        response = aws.client("ses").send_bulk_templated_email(
            Source=get_settings().mail_sender,
            Template=ses_name,
            DefaultTemplateData=json.dumps(destinations[0][1], ensure_ascii=False),
            Destinations=[{"Destination": {"ToAddresses": [to]},
                           "ReplacementTemplateData": json.dumps(data, ensure_ascii=False)}
                          for to, data in destinations],
        )
    return [str(s.get("Status", "Success")) for s in response.get("Status", [])]
