"""Messages in a real browser (issue 13, journey 3): the demo parent writes to the demo teacher,
the teacher reads and answers over the API, the parent sees the unread count, the answer and that
the teacher has read the question; opening the thread marks the answer read. And safety: a message
and a grade's remark holding markup show as literal text, and their script never runs."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from tests.e2e.browser import axe_violations, screenshots, sign_in

PARENT = ("parent@demo.ediary.example", "Demo-Parent-2026")
TEACHER = ("teacher@demo.ediary.example", "Demo-Teacher-2026")
PAYLOAD = '<img src=x onerror="window.__pwned=1">'


def _api(cabinet: Any, method: str, path: str, auth: dict[str, str], **kwargs: Any) -> Any:
    answer = requests.request(method, cabinet.api + path, headers=auth, timeout=90, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def _open(page: Any, path: str, heading: str | re.Pattern[str]) -> None:
    page.evaluate("(path) => { location.hash = path; }", path)
    page.get_by_role("heading", level=1, name=heading).wait_for()
    page.locator("main .loading").wait_for(state="detached")


def _pwned(page: Any) -> Any:
    return page.evaluate("() => window.__pwned")


def test_a_message_to_a_teacher_and_its_answer(page, cabinet):
    teacher = cabinet.login(*TEACHER)
    parent = cabinet.login(*PARENT)
    sid = _api(cabinet, "GET", "/children", parent)["items"][0]["student_id"]
    sign_in(page, *PARENT)

    _open(page, f"/children/{sid}/write", "Пётр Иванов — Написать учителю")
    page.get_by_role("button", name="Отправить").click()  # nothing chosen: the fields say so
    assert page.get_by_text("Заполните это поле.").first.is_visible()
    page.get_by_label("Учитель").select_option(label="Петрова Анна Сергеевна — Математика")
    page.get_by_label("Тема (необязательно)").fill("Вопрос о контрольной")
    page.get_by_label("Сообщение").fill("Здравствуйте! Когда будет контрольная? " + PAYLOAD)
    assert axe_violations(page) == []
    screenshots(page, "write")
    page.get_by_role("button", name="Отправить").click()

    page.get_by_role("heading", level=1, name="Вопрос о контрольной").wait_for()
    thread_id = page.url.rsplit("/", 1)[1]
    question = page.locator(".message.mine .message-body")
    expect(question).to_have_text("Здравствуйте! Когда будет контрольная? " + PAYLOAD)
    assert page.locator(".message.mine").get_by_text("Ещё не прочитано").is_visible()

    # The teacher finds the thread in their list, reads it and answers.
    threads = _api(cabinet, "GET", "/messages/threads", teacher)["items"]
    assert any(t["thread_id"] == thread_id and t["unread"] == 1 for t in threads)
    _api(cabinet, "POST", f"/messages/threads/{thread_id}/read", teacher)
    _api(cabinet, "POST", f"/messages/threads/{thread_id}/messages", teacher,
         json={"body": "Контрольная в пятницу. " + PAYLOAD})

    _open(page, "/messages", "Сообщения")
    card = page.locator(".thread", has_text="Вопрос о контрольной")
    expect(card.get_by_text("Непрочитанных: 1")).to_be_visible()
    expect(card.locator(".preview")).to_contain_text("Контрольная в пятницу.")
    assert axe_violations(page) == []
    screenshots(page, "messages")

    with page.expect_response(lambda r: r.url.endswith(f"/messages/threads/{thread_id}/read")) as marked:
        card.get_by_role("link", name="Вопрос о контрольной").click()
    assert marked.value.status == 200
    answer = page.locator(".message:not(.mine) .message-body")
    expect(answer).to_have_text("Контрольная в пятницу. " + PAYLOAD)
    assert page.locator(".message:not(.mine)").get_by_text("Петрова Анна Сергеевна").is_visible()
    assert page.locator(".message.mine").get_by_text("Прочитано", exact=True).is_visible()

    page.get_by_label("Ваш ответ").fill("Спасибо!")
    page.get_by_role("button", name="Отправить").click()
    page.get_by_text("Сообщение отправлено.").wait_for()
    expect(page.locator(".message.mine .message-body")).to_have_text(
        ["Здравствуйте! Когда будет контрольная? " + PAYLOAD, "Спасибо!"])
    assert axe_violations(page) == []
    screenshots(page, "thread")

    _open(page, "/messages", "Сообщения")
    expect(page.locator(".thread", has_text="Вопрос о контрольной")).not_to_contain_text("Непрочитанных")
    assert page.locator("img").count() == 0 and _pwned(page) is None
    assert page.script_errors == [], page.script_errors


def test_a_remark_holding_markup_shows_as_text_in_the_week_and_the_grades(page, cabinet):
    teacher = cabinet.login(*TEACHER)
    parent = cabinet.login(*PARENT)
    pyotr = _api(cabinet, "GET", "/children", parent)["items"][0]
    sid = pyotr["student_id"]
    week = _api(cabinet, "GET", f"/children/{sid}/week", parent)
    lesson = next(x for day in week["days"] if day["date"] <= week["today"] for x in day["lessons"]
                  if x["subject_name"] == "Математика")
    lessons = f"/schools/{cabinet.school_id}/classes/{pyotr['class_id']}/lessons"
    _api(cabinet, "POST", f"{lessons}/{lesson['lesson_id']}/grades", teacher,
         json={"student_id": sid, "value": 3, "work_kind": "oral", "remark": "Повтори " + PAYLOAD})

    sign_in(page, *PARENT)
    _open(page, f"/children/{sid}/week", "Пётр Иванов — Неделя")
    remark = page.locator(".remark", has_text="Повтори")
    expect(remark).to_have_text("Повтори " + PAYLOAD)
    grade = page.locator(".grade", has=remark)
    assert grade.get_by_text("новая").is_visible()  # posted since the parent last looked
    _open(page, f"/children/{sid}/grades", "Пётр Иванов — Оценки")
    expect(page.locator(".remark", has_text="Повтори")).to_have_text("Повтори " + PAYLOAD)
    assert page.locator("main img").count() == 0 and _pwned(page) is None
