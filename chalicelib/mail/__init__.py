"""Outgoing messages: rendering templates and handing them to SES/SNS."""
