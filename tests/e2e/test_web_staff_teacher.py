"""The teacher's pages around the journal in a real browser (issue 15, docs/staff.md «Мои классы»):
the demo teacher signs in and lands on «Мои классы» with today's lessons first; a student with low
grades and absences is at risk with the reasons in words; the teacher calls a parent meeting (the
parent sees it) and writes to every family of a class they teach (refused for a class they do not);
and answers a parent's message (unread, then read). Every page: axe, no sideways scroll at
1280×800 and 768×1024 (screenshots), the journeys by keyboard alone."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import requests
from playwright.sync_api import expect

from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll

ADMIN = ("admin@demo.ediary.example", "Demo-Admin-2026")
TEACHER = ("teacher@demo.ediary.example", "Demo-Teacher-2026")
PARENT = ("parent@demo.ediary.example", "Demo-Parent-2026")
SIZES = (("1280", {"width": 1280, "height": 800}), ("768", {"width": 768, "height": 1024}))


def _api(cabinet: Any, method: str, path: str, auth: dict[str, str], ok: tuple[int, ...] = (), **kwargs: Any) -> Any:
    answer = requests.request(method, cabinet.api + path, headers=auth, timeout=90, **kwargs)
    assert answer.status_code < 300 or answer.status_code in ok, answer.text
    return answer.json() if answer.content and answer.status_code < 300 else None


def _shots(page: Any, name: str) -> None:
    """axe finds nothing serious; no sideways scroll at a desktop's and a tablet's size (screenshots)."""
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"staff-teacher-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES[0][1])


def _sign_in(page: Any) -> None:
    """Signs in by keyboard and lands on «Мои классы»."""
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(TEACHER[0])
    page.get_by_label("Пароль").fill(TEACHER[1])
    page.get_by_label("Пароль").press("Enter")
    page.wait_for_url("**/#/teach")
    page.get_by_role("heading", level=1, name="Мои классы").wait_for()
    page.locator("main .loading").first.wait_for(state="detached")


def _open(page: Any, path: str, heading: str | re.Pattern[str]) -> None:
    page.evaluate("(path) => { location.hash = path; }", path)
    page.get_by_role("heading", level=1, name=heading).wait_for()
    expect(page.locator("main .loading")).to_have_count(0)


def _tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Presses Tab until the target has the focus (a keyboard user's way to it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(node) => node === document.activeElement"):
            return
    raise AssertionError("the keyboard never reached the target")


def _world(cabinet: Any) -> dict[str, Any]:
    """The demo teacher's school, 5А and its maths, and today at the school (from «Мои классы»)."""
    teacher = cabinet.login(*TEACHER)
    s = cabinet.school_id
    mine = _api(cabinet, "GET", f"/schools/{s}/my-classes", teacher)
    five_a = next(c for c in mine["classes"] if c["name"] == "5А")
    maths = next(x for x in five_a["subjects"] if x["name"] == "Математика")
    return {"s": s, "teacher": teacher, "admin": cabinet.login(*ADMIN), "today": mine["date"],
            "class": five_a["class_id"], "maths": maths["subject_id"]}


def _new_class(cabinet: Any, w: dict[str, Any], taught: bool) -> str:
    """A class of its own for this test (unique name), taught maths by the demo teacher when `taught`."""
    made = _api(cabinet, "POST", f"/schools/{w['s']}/classes", w["admin"],
                json={"name": "7" + uuid.uuid4().hex[:6].upper(), "grade_level": 7})
    if taught:
        me = _api(cabinet, "GET", "/me", w["teacher"])["account_id"]
        _api(cabinet, "POST", f"/schools/{w['s']}/teachings", w["admin"],
             json={"teacher_id": me, "class_id": made["class_id"], "subject_id": w["maths"]})
    return str(made["class_id"])


def test_the_teacher_lands_on_my_classes_with_todays_lessons_first(page, cabinet):
    w = _world(cabinet)
    # A class of this test's own with a lesson today, whatever the weekday (the demo seeds Monday to Friday)
    class_id = _new_class(cabinet, w, taught=True)
    name = next(c["name"] for c in _api(cabinet, "GET", f"/schools/{w['s']}/my-classes", w["teacher"])["classes"]
                if c["class_id"] == class_id)
    _api(cabinet, "POST", f"/schools/{w['s']}/classes/{class_id}/lessons", w["admin"],
         json={"date": w["today"], "starts_at": "16:00", "ends_at": "16:45", "subject_id": w["maths"], "room": "214"})
    _sign_in(page)

    today = page.locator("table.teach-today")
    expect(today.locator("caption")).to_contain_text("Уроки сегодня")
    row = today.locator("tbody tr", has_text=name)
    expect(row.get_by_role("rowheader")).to_have_text("16:00–16:45")
    expect(row).to_contain_text("Математика")
    expect(row).to_contain_text("214")
    lesson_link = row.get_by_role("link", name="Урок")
    expect(lesson_link).to_have_attribute("href", re.compile(
        rf"^#/teach/{w['s']}/classes/{class_id}/lessons/{w['today']}T1600-"))
    expect(row.get_by_role("link", name="Журнал")).to_have_attribute(
        "href", f"#/teach/{w['s']}/classes/{class_id}/journal?subject={w['maths']}")
    expect(row).to_contain_text("Тема не записана")
    # Today's lessons come first, then the classes with their subjects
    headings = page.locator("main caption, main h2").all_inner_texts()
    assert headings[0].startswith("Уроки сегодня") and "Классы и предметы" in headings[1:], headings
    five_a = page.locator(".teach-classes > li", has=page.get_by_role("heading", name="5А", exact=True))
    expect(five_a).to_contain_text("Математика")
    _shots(page, "teach")

    # By keyboard to the class's progress in maths
    _tab_to(page, page.get_by_role("link", name=f"Успеваемость: {name}, Математика"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name=f"Успеваемость — {name}").wait_for()
    expect(page.get_by_label("Предмет")).to_have_value(w["maths"])
    assert page.script_errors == [], page.script_errors


def test_a_student_with_low_grades_and_absences_is_at_risk_with_the_reasons(page, cabinet):
    w = _world(cabinet)
    class_id = _new_class(cabinet, w, taught=True)
    base = f"/schools/{w['s']}"
    pupils = {}
    for last, first in (("Низов", "Тимур"), ("Отличникова", "Вера")):
        pupils[last] = _api(cabinet, "POST", f"{base}/students", w["admin"], json={
            "last_name": last, "first_name": first, "birth_date": "2013-05-05", "class_id": class_id})["student_id"]
    lessons = [_api(cabinet, "POST", f"{base}/classes/{class_id}/lessons", w["admin"], json={
        "date": w["today"], "starts_at": start, "ends_at": end, "subject_id": w["maths"]})["lesson_id"]
        for start, end in (("08:00", "08:45"), ("09:00", "09:45"))]
    at = f"{base}/classes/{class_id}/lessons"
    _api(cabinet, "POST", f"{at}/{lessons[0]}/grades", w["teacher"],
         json={"student_id": pupils["Низов"], "value": 2, "work_kind": "test"})
    _api(cabinet, "POST", f"{at}/{lessons[0]}/grades", w["teacher"],
         json={"student_id": pupils["Отличникова"], "value": 5})
    _api(cabinet, "PUT", f"{at}/{lessons[1]}/attendance/{pupils['Низов']}", w["teacher"],
         json={"mark": "absent", "excused": False})
    _sign_in(page)

    _open(page, f"/teach/{w['s']}/classes/{class_id}/risk", re.compile(r"^Успеваемость — 7"))
    expect(page.get_by_role("status").filter(has_text="Уроков проведено")).to_contain_text("В зоне риска: 1.")
    rows = page.locator("table.risk-table tbody tr")
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    expect(first.get_by_role("rowheader")).to_have_text("Низов Тимур")
    expect(first).to_contain_text("В зоне риска")
    expect(first).to_contain_text("средний балл 2,00 — ниже 3,0")
    expect(first).to_contain_text("пропущено 1 из 2 уроков (50 %) — 30 % и больше")
    expect(rows.nth(1)).to_contain_text("Отличникова Вера")
    expect(rows.nth(1)).to_contain_text("Всё в порядке")
    expect(rows.nth(1)).to_contain_text("5,00")
    # The class's sections keep the subject
    expect(page.get_by_role("navigation", name="Разделы класса").get_by_role("link", name="Журнал")).to_have_attribute(
        "href", re.compile(rf"journal\?subject={w['maths']}"))
    _shots(page, "risk")

    # By keyboard: the term selector shows the same subject in the term chosen
    _tab_to(page, page.get_by_label("Четверть"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"risk\?subject=.+&term=.+"))
    expect(page.locator("table.risk-table tbody tr").first).to_contain_text("Низов Тимур")
    assert page.script_errors == [], page.script_errors


def test_the_teacher_calls_a_meeting_and_writes_to_every_family_of_the_class(page, cabinet):
    w = _world(cabinet)
    parent = cabinet.login(*PARENT)
    pyotr = next(c for c in _api(cabinet, "GET", "/children", parent)["items"] if c["class_id"] == w["class"])
    agenda = f"Итоги четверти {uuid.uuid4().hex[:8]}"
    day = (dt.date.fromisoformat(w["today"]) + dt.timedelta(days=7)).isoformat()
    _sign_in(page)

    _open(page, f"/teach/{w['s']}/classes/{w['class']}/meetings", "Собрания — 5А")
    submit = page.get_by_role("button", name="Назначить")
    submit.focus()
    page.keyboard.press("Enter")  # nothing filled in: each field says so, next to it
    place = page.get_by_label("Место")
    expect(page.locator('[data-field="place"] .field-error')).to_have_text("Заполните это поле.")
    expect(place).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Дата").fill(day)
    page.get_by_label("Начало").fill("18:30")
    place.fill("Кабинет 214")
    page.get_by_label("Повестка").fill(agenda)
    _shots(page, "meetings-form")
    submit.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Собрание назначено")).to_be_visible()
    expect(page.locator(".meetings li", has_text=agenda)).to_contain_text("18:30")
    _shots(page, "meetings")
    meetings = _api(cabinet, "GET", f"/children/{pyotr['student_id']}/meetings", parent)["items"]
    assert any(m["agenda"] == agenda and m["date"] == day and m["place"] == "Кабинет 214" for m in meetings)

    # To every family of 5А, by keyboard from the class's sections
    _tab_to(page, page.get_by_role("navigation", name="Разделы класса").get_by_role("link", name="Написать семьям"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Написать семьям — 5А").wait_for()
    subject = f"Экскурсия {uuid.uuid4().hex[:6]}"
    page.get_by_label("Тема (необязательно)").fill(subject)
    page.get_by_label("Сообщение").fill("В пятницу едем в Эрмитаж, сбор в 9:00.")
    page.get_by_role("button", name="Отправить всем семьям").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Отправлено")).to_contain_text(
        re.compile(r"Отправлено семьям: \d+"))
    _shots(page, "message")
    threads = _api(cabinet, "GET", "/messages/threads", parent)["items"]
    assert any(t["subject"] == subject and t["unread"] == 1 and t["student_id"] == pyotr["student_id"]
               for t in threads)

    # Not a class the teacher teaches: the page says so, and the API refuses
    other = _new_class(cabinet, w, taught=False)
    _open(page, f"/teach/{w['s']}/classes/{other}/message", "Написать семьям")
    expect(page.get_by_role("alert")).to_have_text("Этого класса нет среди ваших.")
    refused = requests.post(f"{cabinet.api}/schools/{w['s']}/classes/{other}/messages", headers=w["teacher"],
                            json={"body": "Здравствуйте"}, timeout=90)
    assert refused.status_code == 403, refused.text
    _shots(page, "message-refused")
    assert page.script_errors == [], page.script_errors


def test_the_teacher_answers_a_parents_message(page, cabinet):
    w = _world(cabinet)
    parent = cabinet.login(*PARENT)
    pyotr = next(c for c in _api(cabinet, "GET", "/children", parent)["items"] if c["class_id"] == w["class"])
    me = _api(cabinet, "GET", "/me", w["teacher"])["account_id"]
    # Not «Вопрос о контрольной»: the families' test looks for it in the same parent's list
    subject = f"Вопрос о диктанте {uuid.uuid4().hex[:6]}"
    thread = _api(cabinet, "POST", f"/children/{pyotr['student_id']}/messages", parent,
                  json={"teacher_id": me, "subject": subject, "body": "Когда пересдача?"})["thread_id"]
    _sign_in(page)

    _tab_to(page, page.locator("#site-header").get_by_role("link", name="Сообщения", exact=True))
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Сообщения").wait_for()
    card = page.locator(".thread", has_text=subject)
    expect(card.get_by_text("Непрочитанных: 1")).to_be_visible()
    expect(card).to_contain_text("О ребёнке: Пётр Иванов")
    _shots(page, "messages")

    link = card.get_by_role("link", name=subject)
    with page.expect_response(lambda r: r.url.endswith(f"/messages/threads/{thread}/read")) as marked:
        _tab_to(page, link)
        page.keyboard.press("Enter")
    assert marked.value.status == 200
    page.get_by_role("heading", level=1, name=subject).wait_for()
    expect(page.get_by_text("Переписка с: Иванова Мария Петровна (семья)")).to_be_visible()
    expect(page.locator(".message:not(.mine)")).to_contain_text("Иванова Мария Петровна")
    expect(page.locator(".message:not(.mine) .message-body")).to_have_text("Когда пересдача?")
    page.get_by_label("Ваш ответ").fill("В четверг после уроков.")
    page.get_by_role("button", name="Отправить").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Сообщение отправлено.").wait_for()
    expect(page.locator(".message.mine .message-body")).to_have_text("В четверг после уроков.")
    _shots(page, "thread")

    _open(page, "/messages", "Сообщения")
    expect(page.locator(".thread", has_text=subject)).not_to_contain_text("Непрочитанных")
    seen = next(t for t in _api(cabinet, "GET", "/messages/threads", parent)["items"] if t["thread_id"] == thread)
    assert seen["unread"] == 1 and seen["preview"] == "В четверг после уроков."
    assert page.script_errors == [], page.script_errors
