"""The city operator's pages in a real browser (docs/staff.md, «The city operator»): the demo
operator lands on «Школы города», registers a school by keyboard (a missing name is said next to
it), corrects it and finds it in the families' directory, makes a verified account its
administrator (who then starts on the school's own page), and removes them after a confirmation;
a teacher opening the page is refused politely. Each page passes axe and is photographed at
1280×800 and 768×1024."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import requests

from ops.seed_demo import OPERATOR, PARENT, TEACHER
from tests.e2e.browser import DESKTOP, SCREENSHOTS, axe_violations, no_horizontal_scroll

TABLET = {"width": 768, "height": 1024}
PASSWORD = "Parol-2026-secure"


def _word() -> str:
    """A Cyrillic word no other test uses (the directory matches words by their beginning)."""
    return "".join("абвгдежзиклмнопр"[int(c, 16)] for c in uuid.uuid4().hex[:10]).capitalize()


def _clean(page: Any, name: str) -> None:
    """No serious accessibility violation, no script error; photographed at 1280×800 and 768×1024,
    with no sideways scrolling on the tablet."""
    assert axe_violations(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("768", TABLET)):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert page.script_errors == [], page.script_errors


def _sign_in(page: Any, email: str, password: str, lands: str) -> None:
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**/#{lands}")


def _verified_account(cabinet: Any, name: str) -> str:
    """A registered and confirmed account (its password PASSWORD), made over the API."""
    email = f"admin-{uuid.uuid4().hex[:10]}@example.ru"
    answer = requests.post(f"{cabinet.api}/auth/register", json={"email": email, "name": name}, timeout=90)
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 90
    codes: list[str] = []
    while not codes:
        assert time.monotonic() < deadline, f"no code emailed to {email}"
        time.sleep(0.2)  # the event pump delivers within seconds
        codes = re.findall(r"\b(\d{6})\b", " ".join(e["text"] or "" for e in cabinet.mailbox(email)["emails"]))
    answer = requests.post(f"{cabinet.api}/auth/verify-email", timeout=90,
                           json={"email": email, "code": codes[0], "password": PASSWORD})
    assert answer.status_code == 204, answer.text
    return email


def _directory(cabinet: Any, word: str) -> list[dict[str, Any]]:
    parent = cabinet.login(PARENT.email, PARENT.password)
    answer = requests.get(f"{cabinet.api}/directory/schools", params={"name": word}, headers=parent, timeout=90)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_the_operator_registers_a_school_and_gives_it_an_administrator(page, browser, cabinet):
    word = _word()
    _sign_in(page, OPERATOR.email, OPERATOR.password, "/operator")
    page.get_by_role("heading", name="Школы города", level=1).wait_for()
    page.get_by_role("link", name="Школы города").wait_for()  # the header's entry
    page.get_by_role("heading", name="Зарегистрированные школы").wait_for()
    page.locator("table tbody tr").first.wait_for()  # the demo school at least
    _clean(page, "staff-operator")

    # By keyboard: the name is forgotten, the form says so next to it and goes back to it.
    page.get_by_label("Номер").focus()
    page.keyboard.type("7001")
    page.keyboard.press("Tab")
    page.keyboard.type("Северный")
    page.keyboard.press("Tab")
    page.keyboard.type("ул. Лесная, 5")
    page.keyboard.press("Enter")
    error = page.locator("[data-field=name] .field-error")
    error.wait_for()
    assert error.text_content() == "Заполните это поле."
    assert page.get_by_label("Название").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "name"
    page.keyboard.type(f"Школа {word}")
    page.keyboard.press("Enter")
    page.get_by_text(f"Школа «Школа {word}» зарегистрирована.").wait_for()
    assert page.get_by_label("Название").input_value() == ""  # the form is ready for the next one
    row = page.locator("tbody tr", has=page.get_by_role("link", name=f"Школа {word}"))
    row.wait_for()
    assert [c.strip() for c in row.locator("td").all_text_contents()] == [
        "7001", "Северный", "ул. Лесная, 5", "Europe/Moscow"]

    # The families' directory finds it with its district and address.
    found = _directory(cabinet, word)
    assert [(s["name"], s["number"], s["district"], s["address"]) for s in found] == [
        (f"Школа {word}", "7001", "Северный", "ул. Лесная, 5")]
    school_id = found[0]["school_id"]

    # Its own page: the district corrected, the number cleared.
    page.get_by_role("link", name=f"Школа {word}").click()
    page.wait_for_url(f"**/#/operator/schools/{school_id}")
    page.get_by_role("heading", name=f"Школа: Школа {word}", level=1).wait_for()
    assert page.get_by_label("Район").input_value() == "Северный"
    page.get_by_text("Администраторов пока нет.").wait_for()
    page.get_by_label("Район").fill("Северо-Западный")
    page.get_by_label("Номер").fill("")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено.").wait_for()
    assert [(s["number"], s["district"]) for s in _directory(cabinet, word)] == [(None, "Северо-Западный")]

    # An administrator by email: an unknown address is refused next to the field, then a real one.
    email = _verified_account(cabinet, f"Администратор {word}")
    page.get_by_label("Электронная почта администратора").fill(f"nobody-{uuid.uuid4().hex[:8]}@example.ru")
    page.get_by_label("Электронная почта администратора").press("Enter")
    page.locator("[data-field=email] .field-error").wait_for()
    page.get_by_label("Электронная почта администратора").fill(email)
    page.get_by_label("Электронная почта администратора").press("Enter")
    page.get_by_text(f"Администратор {word} — администратор школы.").wait_for()
    card = page.locator("li.card", has_text=email)
    card.wait_for()
    _clean(page, "staff-operator-school")

    # The new administrator starts on the school's page, with «Школа» in the header.
    context = browser.new_context(base_url=cabinet.web, viewport=DESKTOP, locale="ru-RU")
    try:
        admin_tab = context.new_page()
        _sign_in(admin_tab, email, PASSWORD, f"/school/{school_id}")
        admin_tab.locator("#site-header").get_by_role("link", name="Школа", exact=True).wait_for()
    finally:
        context.close()
    admin = cabinet.login(email, PASSWORD)
    assert requests.get(f"{cabinet.api}/schools/{school_id}", headers=admin, timeout=90).status_code == 200

    # Removed, after saying so first; «Отмена» leaves everything as it was.
    card.get_by_role("button", name="Снять с должности").click()
    card.get_by_text("Доступ к школе закроется сразу.").wait_for()
    card.get_by_role("button", name="Отмена").click()
    card.get_by_role("button", name="Снять с должности").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.textContent") == "Да, снять"
    page.keyboard.press("Enter")
    card.get_by_text(f"Администратор {word} больше не администратор школы.").wait_for()
    assert requests.get(f"{cabinet.api}/schools/{school_id}", headers=admin, timeout=90).status_code == 403
    page.reload()
    page.get_by_text("Администраторов пока нет.").wait_for()
    assert page.script_errors == [], page.script_errors


def test_a_teacher_opening_the_operators_page_is_refused_politely(page, cabinet):
    _sign_in(page, TEACHER.email, TEACHER.password, "/teach")
    page.goto("/#/operator")
    page.get_by_role("alert").filter(has_text="Этот раздел открыт только оператору города.").wait_for()
    assert page.locator("form, table").count() == 0
    assert page.locator("#site-header").get_by_role("link", name="Школы города").count() == 0

