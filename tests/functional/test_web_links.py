"""Emails link into the families' cabinet (issue 13): each opens the page it is about, at the
stage's configured address (CABINET_URL), and the unsubscribe link goes through the cabinet's
origin too (<cabinet>/api/alerts/unsubscribe, which CloudFront and `make run` forward to the API)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pytest

from chalicelib.mail.render import render_email
from tests.conftest import sent_emails, unique_email
from tests.journeys import emailed_code, post, register

GRADE = {"child": "Пётр", "child_gender": "male", "value": 5, "subject": "Математика", "date": "2026-12-01",
         "corrected": False, "teacher": "Петрова Анна Сергеевна", "remark": "", "school": "ГБОУ Школа № 239",
         "sender": "", "subject_id": "sub_1", "teacher_id": "acc_1"}


@pytest.fixture
def cabinet(monkeypatch):
    """A stage whose cabinet is at a known public address."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CABINET_URL", "https://cabinet.school.example/")
    get_settings.cache_clear()
    yield "https://cabinet.school.example"
    get_settings.cache_clear()


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def test_the_access_code_email_opens_the_code_page_with_the_code_filled_in(cabinet):
    from chalicelib.domain.applications import result_email

    template, data = result_email("app_1", "approved", "", "Иванов Пётр Сергеевич", "Иванова Мария Петровна",
                                  "ГБОУ Школа № 239")
    assert template == "access_code"
    for lang in ("ru", "en"):
        rendered = render_email(template, lang, data)
        assert f"{cabinet}/#/code?code={quote(data['code'])}" in _links(rendered.text)
        assert f'href="{cabinet}/#/code?code={quote(data["code"])}"' in rendered.html


def test_the_registration_and_reset_emails_open_their_pages_with_the_address(client, pump, cabinet):
    email = register(client, unique_email("mary.smith+school"))
    code = emailed_code(pump, email)
    verify = sent_emails(email)[-1]
    expected = f"{cabinet}/#/verify?email={quote(email, safe='')}"
    assert expected in _links(verify["text"]), verify["text"]
    assert code in verify["text"]
    assert post(client, "/auth/verify-email", {"email": email, "code": code,
                                               "password": "Parol-2026-secure"}).status_code == 204
    assert post(client, "/auth/password-reset", {"email": email}).status_code == 202
    emailed_code(pump, email)
    reset = sent_emails(email)[-1]
    assert f"{cabinet}/#/reset?email={quote(email, safe='')}" in _links(reset["text"]), reset["text"]


@pytest.mark.parametrize(("kind", "data", "page"), [
    ("new_grade", GRADE, "/children/stu_1/grades"),
    ("remark", {**GRADE, "remark": "Не готов к уроку"}, "/children/stu_1/week"),
    ("absence", {**GRADE, "mark": "absent", "excused": False, "minutes_late": None}, "/children/stu_1/attendance"),
    ("homework", {**GRADE, "text": "№ 245", "due_date": "2026-12-03"}, "/children/stu_1/homework"),
    ("schedule_change", {**GRADE, "starts_at": "10:00", "room": "214", "cancelled": False}, "/children/stu_1/week"),
    ("school_event", {**GRADE, "title": "День открытых дверей", "starts_at": "10:00", "place": "зал",
                      "changed": False}, "/children/stu_1/events"),
    ("parent_meeting", {**GRADE, "title": "Итоги четверти", "starts_at": "18:00", "place": "зал",
                        "changed": False}, "/children/stu_1/events"),
    ("message", {**GRADE, "sender": "Петрова Анна Сергеевна", "thread_id": "thr_9"}, "/messages/thr_9"),
])
def test_an_alert_opens_the_page_it_is_about(client, cabinet, kind, data, page):
    # Given an alert job as the alerts queue carries it, when it is delivered by email
    from chalicelib.domain.alerts import handle

    to = unique_email()
    handle({"type": "deliver", "key": f"alert:{uuid.uuid4().hex}", "kind": kind, "channel": "email",
             "account_id": "acc_parent", "student_id": "stu_1", "language": "ru", "to": to, "data": data})
    (email,) = sent_emails(to)
    # then it links to that page of the cabinet, and unsubscribes through the cabinet's origin
    links = _links(email["text"])
    assert f"{cabinet}/#{page}" in links, email["text"]
    assert any(link.startswith(f"{cabinet}/api/alerts/unsubscribe?token=") for link in links)
    assert email["headers"]["List-Unsubscribe"].startswith(f"<{cabinet}/api/alerts/unsubscribe?token=")


def test_every_line_of_a_digest_opens_its_page(client, cabinet):
    from chalicelib.domain.alerts import handle

    to = unique_email()
    # each entry is the email alert that was held for the evening, as the alerts queue carried it
    entries = [{"type": "deliver", "key": f"alert:{uuid.uuid4().hex}", "kind": kind, "channel": "email",
                "account_id": "acc_parent", "student_id": "stu_1", "language": "en", "to": to, "data": data}
               for kind, data in (("new_grade", GRADE), ("message", {**GRADE, "subject": "", "thread_id": "thr_2"}))]
    handle({"type": "digest", "key": f"digest:{uuid.uuid4().hex}", "account_id": "acc_parent", "to": to,
                    "language": "en", "entries": entries})
    (email,) = sent_emails(to)
    links = _links(email["text"])
    assert {f"{cabinet}/#/children/stu_1/grades", f"{cabinet}/#/messages/thr_2"} <= set(links), email["text"]
