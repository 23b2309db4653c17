"""Hand a rendered email to SES."""

from __future__ import annotations

import os

from chalicelib import aws
from chalicelib.mail.render import Rendered
from chalicelib.settings import get_settings


def send_email(to: str, message: Rendered) -> str:
    """Send through SES v2; returns SES's message id."""
    # The configuration set routes bounces and complaints to SNS (created by the stack).
    configuration = os.environ.get("SES_CONFIGURATION_SET")
    extra = {"ConfigurationSetName": configuration} if configuration else {}
    response = aws.client("sesv2").send_email(
        **extra,
        FromEmailAddress=get_settings().mail_sender,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": message.text, "Charset": "UTF-8"},
                    "Html": {"Data": message.html, "Charset": "UTF-8"},
                },
            }
        },
    )
    return str(response["MessageId"])
