"""Hand a rendered email to SES."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib import aws
from chalicelib.mail.render import Rendered
from chalicelib.settings import get_settings


def send_email(to: str, message: Rendered, headers: Mapping[str, str] | None = None) -> str:
    """Send through SES v2; returns SES's message id. With headers of its own (an alert's
    List-Unsubscribe) the message goes as raw MIME, which carries them the same way to SES and
    to moto locally (moto drops the headers of Simple content)."""
    # The configuration set routes bounces and complaints to SNS (created by the stack).
    settings = get_settings()
    configuration = settings.ses_configuration_set
    extra = {"ConfigurationSetName": configuration} if configuration else {}
    sender = settings.mail_sender
    content = {"Raw": {"Data": _mime(sender, to, message, headers)}} if headers else {
        "Simple": {
            "Subject": {"Data": message.subject, "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": message.text, "Charset": "UTF-8"},
                "Html": {"Data": message.html, "Charset": "UTF-8"},
            },
        }
    }
    response = aws.client("sesv2").send_email(
        **extra, FromEmailAddress=sender, Destination={"ToAddresses": [to]}, Content=content,
    )
    return str(response["MessageId"])


def _mime(sender: str, to: str, message: Rendered, headers: Mapping[str, str]) -> bytes:
    """The message as a text and HTML alternative, UTF-8, with the given headers."""
    from email.message import EmailMessage
    from email.policy import SMTP

    mime = EmailMessage(policy=SMTP)
    mime["From"], mime["To"], mime["Subject"] = sender, to, message.subject
    for name, value in headers.items():
        mime[name] = value
    mime.set_content(message.text, charset="utf-8")
    mime.add_alternative(message.html, subtype="html", charset="utf-8")
    return mime.as_bytes()
