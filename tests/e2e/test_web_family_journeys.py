"""The families' journeys in a real browser against the running local system: a new parent from
registration to the child in «Мои дети» (the school's steps over the API), a tutor invited to
grades only (offered nothing else, then revoked and refused), and the language switch. Each page
on the way passes axe and is photographed at 360 and 1280 px."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import requests

from ops.seed_demo import ADMIN, PARENT
from tests.e2e.browser import axe_violations, screenshots, sign_in

PASSWORD = "Parol-2026-secure"
TUTOR = "Сидоров <img src=x onerror=alert(1)> Игорь"  # a name with markup in it stays text
ACCESS_CODE = r"(?:код|code):\s*(?:<b>)?([A-Z2-9]{8})\b"  # the email's text or, locally, its HTML


def _email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.ru"


def _mail(cabinet: Any, to: str, pattern: str, seen: int = 0, wait: float = 90) -> str:
    """The first match of `pattern` in the emails to `to` after the first `seen` (the event pump
    delivers within seconds; a busy machine may take longer)."""
    deadline = time.monotonic() + wait
    while True:
        for email in cabinet.mailbox(to)["emails"][seen:]:
            found = re.search(pattern, email["text"] or "")
            if found:
                return found.group(1)
        assert time.monotonic() < deadline, f"no email to {to} matching {pattern}: {cabinet.mailbox(to)}"
        time.sleep(0.2)  # the same wait, looked at more often


def _desk(url: str, body: dict[str, Any], headers: dict[str, str]) -> requests.Response:
    """The administrator's click; a 503 (the queue slow on a busy machine: nothing written, and
    approving again only re-queues) is clicked again after its Retry-After, as a person would."""
    for _ in range(5):
        answer = requests.post(url, json=body, headers=headers, timeout=90)
        if answer.status_code != 503:
            return answer
        time.sleep(int(answer.headers.get("Retry-After", "5")))
    return answer


def _clean(page: Any, name: str) -> None:
    """The page as it is now: no serious accessibility violation, photographed, no script error."""
    assert axe_violations(page) == [], name
    screenshots(page, name)
    assert page.script_errors == [], page.script_errors


def _register_and_verify(page: Any, cabinet: Any, email: str, name: str, shoot: bool = False) -> None:
    page.goto("/#/register")
    page.get_by_label("Ваше имя и фамилия").fill(name)
    page.get_by_label("Электронная почта").fill(email)
    if shoot:
        _clean(page, "register")
    page.get_by_role("button", name="Получить код").click()
    page.wait_for_url("**/#/verify?email=*")
    assert page.get_by_label("Электронная почта").input_value() == email
    code = _mail(cabinet, email, r"\b(\d{6})\b")
    page.get_by_label("Код из письма").fill(code)
    page.get_by_label("Новый пароль").fill("short")  # the API's refusal shows next to the field
    page.get_by_role("button", name="Подтвердить и войти").click()
    page.locator("[data-field=password] .field-error").wait_for()
    if shoot:
        _clean(page, "verify")
    page.get_by_label("Новый пароль").fill(PASSWORD)
    page.get_by_role("button", name="Подтвердить и войти").click()
    page.wait_for_url("**/#/children")  # signed in with the new password


def test_a_new_parent_registers_applies_and_sees_the_child_appear(page, cabinet):
    admin = cabinet.login(ADMIN.email, ADMIN.password)
    school = f"{cabinet.api}/schools/{cabinet.school_id}"
    classes = requests.get(f"{school}/classes", headers=admin, timeout=90).json()["items"]
    class_id = next(c["class_id"] for c in classes if c["name"] == "5Б")
    # A pupil on the roster that no parent sees yet
    first = "Вера" + uuid.uuid4().hex[:4]
    enrolled = requests.post(f"{school}/students", headers=admin, timeout=90, json={
        "last_name": "Новикова", "first_name": first, "birth_date": "2015-05-17", "class_id": class_id})
    assert enrolled.status_code == 201, enrolled.text

    email = _email("mother")
    _register_and_verify(page, cabinet, email, "Новикова Ольга Павловна", shoot=True)
    page.get_by_role("heading", name="Пока здесь никого нет").wait_for()
    _clean(page, "children-empty")

    # A phone for SMS, confirmed by the texted code (the school's desk then sees it confirmed)
    phone = "+7916" + str(uuid.uuid4().int)[:7]
    page.get_by_role("link", name="Профиль").click()
    page.get_by_label("Телефон для SMS").fill(phone)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text(f"Код отправлен по SMS на {phone}.").wait_for()
    deadline = time.monotonic() + 90
    while not (texted := cabinet.mailbox(phone)["sms"]):
        assert time.monotonic() < deadline, "no SMS with the phone's code"
        time.sleep(0.2)  # the same wait, looked at more often
    sms_code = re.search(r"\b(\d{6})\b", texted[-1]["message"])
    assert sms_code, texted
    page.get_by_label("Код из SMS").fill(sms_code.group(1))
    page.get_by_role("button", name="Подтвердить телефон").click()
    page.get_by_text(f"Телефон {phone} подтверждён").wait_for()

    page.get_by_role("link", name="Мои дети").first.click()
    page.get_by_role("link", name="Подать заявление").first.click()
    page.get_by_role("heading", name="Новое заявление").wait_for()
    page.get_by_label("Номер школы").fill("239")
    page.get_by_role("button", name="Найти").click()
    page.get_by_label(re.compile("ГБОУ СОШ № 239")).check()
    page.get_by_label("Фамилия ребёнка").fill("Новикова")
    page.get_by_label("Имя ребёнка").fill(first)
    page.get_by_label("Дата рождения").fill("2015-05-17")
    page.get_by_label("Класс").fill("5Б")
    page.get_by_label("Кем вы приходитесь ребёнку").select_option("mother")
    _clean(page, "application-new")
    page.get_by_role("button", name="Подать заявление").click()
    page.wait_for_url("**/#/applications?filed=1")
    page.get_by_text("Ждёт вашего визита в школу").wait_for()
    _clean(page, "applications")

    # The school's desk: the parent came in person; approved; the roster match sends the code
    pending = requests.get(f"{school}/applications", headers=admin, timeout=90, params={"q": first}).json()["items"]
    application_id = pending[0]["application_id"]
    checked = _desk(f"{school}/applications/{application_id}/check", {"confirmed": True}, admin)
    assert checked.status_code == 200, checked.text
    approved = _desk(f"{school}/applications/{application_id}/approve", {}, admin)
    assert approved.status_code == 200, approved.text
    code = _mail(cabinet, email, ACCESS_CODE)
    page.goto("/#/applications")  # the same page, read again: its state in words
    page.get_by_text("Одобрено, код отправлен вам на почту.").wait_for()

    page.get_by_role("link", name="Ввести код").last.click()
    page.wait_for_url("**/#/code")
    page.get_by_label("Код из письма").fill("WRONG-123")
    page.get_by_role("button", name="Открыть дневник").click()
    page.locator("[data-field=code] .field-error").wait_for()  # refused next to the field
    _clean(page, "code")
    page.get_by_label("Код из письма").fill(code.lower()[:4] + "-" + code.lower()[4:])  # as a person types it
    page.get_by_role("button", name="Открыть дневник").click()
    page.get_by_text(f"Готово: теперь вы видите дневник ребёнка {first} Новикова").wait_for()

    page.get_by_role("link", name="Мои дети").first.click()
    card = page.locator(".card", has_text=f"Новикова {first}")
    card.wait_for()
    assert "5Б" in card.inner_text() and "Ничего нового" in card.inner_text()
    _clean(page, "children")
    student_id = requests.get(f"{cabinet.api}/children", headers=cabinet.login(email, PASSWORD),
                              timeout=90).json()["items"][0]["student_id"]
    week = card.get_by_role("link", name="Неделя")
    assert week.get_attribute("href") == f"#/children/{student_id}/week"
    week.click()
    page.wait_for_url(f"**/#/children/{student_id}/week")


def test_a_tutor_sees_grades_only_and_is_refused_once_revoked(browser, page, cabinet):
    parent = browser.new_context(base_url=cabinet.web, viewport={"width": 1280, "height": 800}, locale="ru-RU")
    parent.set_default_timeout(30_000)
    mother = parent.new_page()
    mother.script_errors = []
    mother.on("pageerror", lambda error: mother.script_errors.append(str(error)))
    try:
        sign_in(mother, PARENT.email, PARENT.password)
        mother.get_by_role("navigation", name=re.compile("Разделы")).get_by_role("link", name="Доступ").click()
        mother.get_by_role("heading", name=re.compile("^Доступ: Пётр Иванов")).wait_for()
        tutor_email = _email("tutor")
        mother.get_by_label("Электронная почта приглашаемого").fill(tutor_email)
        mother.get_by_label("Кто это").select_option("tutor")
        scope = mother.get_by_role("group", name="Что будет видно")
        scope.get_by_label("Оценки").check()
        mother.get_by_role("button", name="Отправить приглашение").click()
        mother.get_by_text(f"Приглашение отправлено на {tutor_email}.").wait_for()
        mother.locator(".card", has_text=tutor_email).get_by_text("Репетитор · Оценки").wait_for()
        mother.get_by_role("table").wait_for()
        _clean(mother, "access")

        code = _mail(cabinet, tutor_email, ACCESS_CODE)
        _register_and_verify(page, cabinet, tutor_email, TUTOR)
        page.get_by_role("link", name="Ввести код").first.click()
        page.get_by_label("Код из письма").fill(code)
        page.get_by_role("button", name="Открыть дневник").click()
        page.get_by_role("link", name="Оценки").wait_for()  # a viewer lands on its first part, not the week
        page.get_by_role("link", name="Мои дети").first.click()
        card = page.locator(".card", has_text="Иванов Пётр")
        card.get_by_text("вы — репетитор").wait_for()
        offered = card.get_by_role("navigation").get_by_role("link").all_inner_texts()
        assert offered == ["Оценки", "Аттестация", "Уведомления"]  # attestation results are grades too

        card.get_by_role("link", name="Уведомления").click()
        page.get_by_role("heading", name="Уведомления: Пётр Иванов").wait_for()
        page.get_by_label("Новая оценка").wait_for()
        kinds = page.get_by_role("group", name="Канал для каждого вида новостей")
        assert kinds.get_by_role("combobox").count() == 2  # a new grade and a remark: grades only
        assert page.get_by_label("Новая оценка").locator("option").all_inner_texts() == ["Почта", "Не сообщать"]
        page.get_by_label("Замечание учителя").select_option("none")
        page.get_by_role("button", name="Сохранить").click()
        page.get_by_text("Настройки уведомлений сохранены.").wait_for()
        assert page.get_by_label("Замечание учителя").input_value() == "none"
        _clean(page, "alerts-viewer")

        # Opened by its address, a part out of scope refuses politely (no blank page)
        page.goto(page.url.replace("/alerts", "/access"))
        page.get_by_text("Доступом к дневнику управляют родители ребёнка.").wait_for()

        # The parent revokes; the tutor's next request is refused and the page says so
        mother.goto("/#/children")
        mother.get_by_role("navigation", name=re.compile("Разделы")).get_by_role("link", name="Доступ").click()
        viewer = mother.locator(".card", has_text=tutor_email)
        viewer.get_by_role("button", name="Закрыть доступ").click()
        viewer.get_by_text(f"Доступ для {TUTOR} закрыт.").wait_for()
        # A name is text, never markup: shown as typed on the card and in the audit trail
        mother.goto(mother.url)
        mother.get_by_role("cell", name=re.compile("<img src=x")).first.wait_for()
        assert mother.locator("main img").count() == 0
        assert mother.script_errors == []
    finally:
        parent.close()
    page.goto(page.url.replace("/access", "/alerts"))
    page.get_by_role("alert").get_by_text("У вас нет доступа к дневнику этого ребёнка.").wait_for()
    assert page.get_by_role("button", name="Повторить").is_visible()
    assert page.script_errors == []


def test_the_language_follows_the_switch_and_the_account(browser, page, cabinet):
    page.goto("/#/reset?email=forgot%40example.ru")
    page.get_by_role("heading", name="Восстановление пароля").wait_for()
    assert page.get_by_label("Электронная почта").first.input_value() == "forgot@example.ru"
    _clean(page, "reset")
    page.goto("/#/register")
    page.get_by_role("heading", name="Регистрация").wait_for()
    page.get_by_role("button", name="Switch to English").click()
    page.get_by_role("heading", name="Register").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_label("Your full name").is_visible()
    _clean(page, "register-en")
    page.get_by_role("button", name="Переключить на русский").click()
    page.get_by_role("heading", name="Регистрация").wait_for()
    assert page.evaluate("document.documentElement.lang") == "ru"

    # The profile's language is the account's: chosen there, the cabinet speaks it at once ...
    page.goto("/#/signin")
    page.get_by_role("heading", name="Вход").wait_for()  # not the register form's email field
    sign_in(page, PARENT.email, PARENT.password)
    try:
        page.get_by_role("link", name="Профиль").click()
        page.get_by_role("heading", name="Профиль").wait_for()
        _clean(page, "account")
        page.get_by_label("Язык писем и кабинета").select_option("en")
        page.get_by_role("button", name="Сохранить").click()
        page.get_by_role("heading", name="Profile").wait_for()
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.get_by_role("link", name="My children").is_visible()

        # ... and after the next sign-in in a fresh browser, which starts in Russian
        fresh = browser.new_context(base_url=cabinet.web, locale="ru-RU")
        fresh.set_default_timeout(30_000)
        try:
            other = fresh.new_page()
            sign_in(other, PARENT.email, PARENT.password)
            other.get_by_role("heading", name="My children").wait_for()
            assert other.evaluate("document.documentElement.lang") == "en"
        finally:
            fresh.close()
    finally:
        # The demo parent is shared by every browser test of this run: back to Russian
        headers = cabinet.login(PARENT.email, PARENT.password)
        assert requests.patch(f"{cabinet.api}/me", json={"language": "ru"}, headers=headers,
                              timeout=90).status_code == 200
    assert page.script_errors == []
