"""The local mailbox (ops/moto_server.py) shows every kind of send the service makes, per recipient."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import boto3

from tests.conftest import _MOTO_PORT, read_mailbox, unique_email

SENDER = "noreply@ediary.example.org"  # the identity ops/provision.py verifies


def test_simple_and_raw_emails_and_sms_are_listed_for_their_recipient_only(aws: Any) -> None:
    to, other = unique_email("mailbox"), unique_email("mailbox")
    boto3.client("sesv2").send_email(
        FromEmailAddress=SENDER, Destination={"ToAddresses": [to]},
        Content={"Simple": {"Subject": {"Data": "Оценка"}, "Body": {"Text": {"Data": "Пётр получил 5"}}}})
    raw = EmailMessage()
    raw["From"], raw["To"], raw["Subject"] = SENDER, to, "Домашнее задание"
    raw["List-Unsubscribe"] = "<https://diary.example/unsubscribe>"
    raw.set_content("Прочитать главу 3")
    boto3.client("ses").send_raw_email(Source=SENDER, Destinations=[to], RawMessage={"Data": raw.as_bytes()})
    boto3.client("sns").publish(PhoneNumber="+79165550042", Message="Пётр: 5 по математике")

    emails = read_mailbox(_MOTO_PORT, to)["emails"]
    assert [(m["subject"], m["body"].strip()) for m in emails] == [
        ("Оценка", "Пётр получил 5"), ("Домашнее задание", "Прочитать главу 3")]
    assert emails[1]["headers"]["List-Unsubscribe"] == "<https://diary.example/unsubscribe>"
    assert read_mailbox(_MOTO_PORT, other)["emails"] == []
    assert [m["message"] for m in read_mailbox(_MOTO_PORT, "+79165550042")["sms"]] == ["Пётр: 5 по математике"]
    everything = read_mailbox(_MOTO_PORT)
    assert len(everything["emails"]) >= 2 and everything["sms"]
