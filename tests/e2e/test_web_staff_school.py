"""The school administrator's side in a real browser against the running local system: the demo
administrator lands on the school's overview, builds the structure by keyboard alone (a class, a
subject, a term; an overlapping term refused beside its field; a teacher granted and a teaching
assigned), adds a student and moves them to another class, and issues a system key whose secret
is shown once, works at POST /machine/token, and is refused once revoked. A teacher opening the
school's page is refused politely. Each page passes axe and is photographed at 1280×800 and 768×1024."""

from __future__ import annotations

import random
import re
import time
import uuid
from typing import Any

import requests

from ops.seed_demo import ADMIN, TEACHER
from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll

SIZES = (("1280", {"width": 1280, "height": 800}), ("768", {"width": 768, "height": 1024}),
         ("360", {"width": 360, "height": 640}))


def _tag() -> str:
    # Letters only: a tag goes into names the verification email repeats, and six digits there
    # would be read as the emailed code.
    return uuid.uuid4().hex[:6].translate(str.maketrans("0123456789", "ghijklmnop"))


def _clean(page: Any, name: str) -> None:
    """No serious accessibility violation, no script error, no sideways scroll; photographed."""
    assert axe_violations(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"staff-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES[0][1])
    assert page.script_errors == [], page.script_errors


def _sign_in(page: Any, email: str, password: str, lands: str) -> None:
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(lands)


def _tab_to(page: Any, target: Any, limit: int = 120) -> None:
    """Presses Tab until `target` has the focus, as a keyboard user moves through the page."""
    target.wait_for()
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def _choose(page: Any, select: Any, text: str, limit: int = 60) -> None:
    """Picks an option of the focused select by arrow keys (a closed select on Linux changes value)."""
    page.keyboard.press("Home")
    for _ in range(limit):
        if text in select.evaluate("el => el.options[el.selectedIndex].text"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {text}")


def _type_day(page: Any, field: Any, iso: str) -> None:
    """A day typed into the focused date field segment by segment, in the order the browser shows
    them (Debian's Chromium: its own UI's mm/dd/yyyy, whatever the page's locale; else dd.mm.yyyy)."""
    year, month, day = iso.split("-")
    for order in (month + day + year, day + month + year):
        page.keyboard.type(order)
        if field.input_value() == iso:
            return
        page.keyboard.press("Shift+Tab")  # back to the first segment
        page.keyboard.press("Shift+Tab")
    raise AssertionError(f"could not type {iso}: {field.input_value()}")


def _adder(page: Any, title: str) -> Any:
    return page.locator("section.adder").filter(has=page.get_by_role("heading", name=title, exact=True))


def _registered(cabinet: Any, name: str) -> str:
    """A new verified account (the person registers themselves; a teacher is granted by email)."""
    email = f"teacher-{uuid.uuid4().hex[:10]}@example.ru"
    assert requests.post(f"{cabinet.api}/auth/register", json={"email": email, "name": name},
                         timeout=90).status_code == 202
    deadline = time.monotonic() + 90
    code = None
    while code is None:
        for mail in cabinet.mailbox(email)["emails"]:
            found = re.search(r"\b(\d{6})\b", mail["text"] or "")
            code = found.group(1) if found else None
        assert code or time.monotonic() < deadline, "no verification email"
        time.sleep(0.2)  # the mail pump delivers within seconds
    answer = requests.post(f"{cabinet.api}/auth/verify-email",
                           json={"email": email, "code": code, "password": "Parol-2026-secure"}, timeout=90)
    assert answer.status_code in (200, 204), answer.text
    return email


def test_the_admin_lands_on_the_school_and_builds_its_structure_by_keyboard(page, cabinet):
    tag = _tag()
    teacher_name = f"Яхонтова {tag} Анна"
    teacher_email = _registered(cabinet, teacher_name)
    admin = cabinet.login(ADMIN.email, ADMIN.password)
    school = f"{cabinet.api}/schools/{cabinet.school_id}"
    asked = requests.post(f"{school}/uploads", headers=admin, json={"filename": "year.zip"}, timeout=90)
    assert asked.status_code == 201, asked.text  # an upload awaiting its file: under way
    pending = requests.get(f"{school}/applications", headers=admin, params={"limit": 100}, timeout=90).json()
    uploads = requests.get(f"{school}/uploads", headers=admin, params={"limit": 20}, timeout=90).json()["items"]
    busy = sum(u["state"] in ("awaiting_file", "processing") for u in uploads)
    _sign_in(page, ADMIN.email, ADMIN.password, f"**/#/school/{cabinet.school_id}")
    page.get_by_role("heading", level=1, name=re.compile("^Обзор — ")).wait_for()
    waiting = page.get_by_role("link", name=re.compile(r"^\d+\+? заявлени"))
    assert waiting.inner_text().split()[0] == f"{len(pending['items'])}{'+' if pending['next_cursor'] else ''}"
    assert waiting.get_attribute("href") == f"#/school/{cabinet.school_id}/applications"
    under_way = page.get_by_role("link", name=re.compile(r"^\d+\+? загруз"))
    assert busy >= 1 and under_way.inner_text().split()[0] == str(busy)
    assert under_way.get_attribute("href") == f"#/school/{cabinet.school_id}/uploads"
    _clean(page, "school")

    page.get_by_role("navigation", name="Разделы школы").get_by_role("link", name="Структура").click()
    page.wait_for_url("**/structure")
    klass, subject, term = f"Ц{tag}", f"Астрономия {tag}", f"Четверть {tag}"
    adds = _adder(page, "Добавить класс")
    _tab_to(page, adds.get_by_label("Название"))
    page.keyboard.type(klass)
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    adds.get_by_role("status").filter(has_text=klass).wait_for()
    page.get_by_role("table", name="Классы").get_by_role("cell", name=klass, exact=True).wait_for()

    adds = _adder(page, "Добавить предмет")
    _tab_to(page, adds.get_by_label("Название"))
    page.keyboard.type(subject)
    page.keyboard.press("Enter")
    page.get_by_role("table", name="Предметы").get_by_role("cell", name=subject, exact=True).wait_for()

    year = random.randint(2100, 2199)
    adds = _adder(page, "Добавить четверть")
    for name in (term, term + " again"):
        _tab_to(page, adds.get_by_label("Название"))
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        _type_day(page, adds.get_by_label("Первый день"), f"{year}-09-01")
        _tab_to(page, adds.get_by_label("Последний день"))  # past the field's calendar button
        _type_day(page, adds.get_by_label("Последний день"), f"{year}-10-25")
        page.keyboard.press("Enter")
        if name == term:
            page.get_by_role("table", name="Четверти и триместры").get_by_role("cell", name=term, exact=True).wait_for()
    error = adds.locator("[data-field=starts_on] .field-error")
    error.wait_for()
    assert "пересекается" in error.inner_text()
    assert adds.get_by_label("Первый день").get_attribute("aria-invalid") == "true"

    adds = _adder(page, "Сделать учителем")
    _tab_to(page, adds.get_by_label("Электронная почта"))
    page.keyboard.type(f"nobody-{tag}@example.ru")  # not registered: refused beside the field
    page.keyboard.press("Enter")
    adds.locator("[data-field=email] .field-error").wait_for()
    _tab_to(page, adds.get_by_label("Электронная почта"))
    page.keyboard.press("Control+A")
    page.keyboard.type(teacher_email)
    page.keyboard.press("Enter")
    page.get_by_role("table", name="Учителя").get_by_role("cell", name=teacher_name, exact=True).wait_for()

    adds = _adder(page, "Назначить")
    for label, text in (("Учитель", teacher_name), ("Класс", klass), ("Предмет", subject)):
        select = adds.get_by_label(label, exact=True)
        _tab_to(page, select)
        _choose(page, select, text)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    adds.get_by_role("status").filter(has_text=f"{teacher_name} — {klass}, {subject}").wait_for()
    taught = page.get_by_role("table", name="Кто что ведёт").get_by_role("row").filter(has_text=teacher_name)
    taught.filter(has_text=klass).filter(has_text=subject).wait_for()
    _clean(page, "structure")

    # Removing the teacher asks first; Cancel keeps them, Yes removes them and their teaching.
    row = page.get_by_role("table", name="Учителя").get_by_role("row").filter(has_text=teacher_name)
    _tab_to(page, row.get_by_role("button", name=re.compile("^Убрать")))
    page.keyboard.press("Enter")
    page.get_by_role("group", name=re.compile(teacher_name)).wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Cancel
    assert row.get_by_role("button", name=re.compile("^Убрать")).evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # Yes (focus is on it)
    page.get_by_role("status").filter(has_text=f"{teacher_name} больше не учитель").wait_for()
    assert row.count() == 0
    page.get_by_role("table", name="Кто что ведёт").wait_for()
    assert taught.count() == 0


def _new_class(cabinet: Any, admin: dict[str, str], name: str) -> dict[str, str]:
    answer = requests.post(f"{cabinet.api}/schools/{cabinet.school_id}/classes", headers=admin,
                           json={"name": name, "grade_level": 6}, timeout=90)
    assert answer.status_code == 201, answer.text
    return {"class_id": answer.json()["class_id"], "name": name}


def test_the_admin_adds_a_student_and_moves_them_to_another_class(page, cabinet):
    admin = cabinet.login(ADMIN.email, ADMIN.password)
    tag = _tag()
    first, second = (_new_class(cabinet, admin, f"{letter}{tag}") for letter in ("Ш", "Щ"))
    _sign_in(page, ADMIN.email, ADMIN.password, f"**/#/school/{cabinet.school_id}")
    page.goto(f"/#/school/{cabinet.school_id}/students?class={first['class_id']}")
    page.get_by_text("В этом классе пока нет учеников.").wait_for()
    surname = f"Лебедев{tag}"
    adds = _adder(page, "Добавить ученика")
    _tab_to(page, adds.get_by_label("Фамилия"))
    page.keyboard.type(surname)
    page.keyboard.press("Tab")
    page.keyboard.type("Кирилл")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # no patronymic
    _type_day(page, adds.get_by_label("Дата рождения"), "2014-03-15")
    page.keyboard.press("Enter")
    roster = page.get_by_role("table", name=f"Список класса {first['name']}")
    roster.get_by_role("cell", name=surname, exact=True).wait_for()
    _clean(page, "students")

    _tab_to(page, roster.get_by_role("button", name=f"Изменить {surname} Кирилл"))
    page.keyboard.press("Enter")
    editor = page.locator("section.editor")
    editor.get_by_label("Фамилия").wait_for()
    _tab_to(page, editor.get_by_label("Класс"))
    _choose(page, editor.get_by_label("Класс"), second["name"])
    _tab_to(page, editor.get_by_role("button", name="Сохранить"))
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=f"теперь в классе {second['name']}").wait_for()
    assert roster.get_by_role("cell", name=surname, exact=True).count() == 0
    moved = requests.get(f"{cabinet.api}/schools/{cabinet.school_id}/students", headers=admin,
                         params={"class_id": second["class_id"]}, timeout=90).json()["items"]
    assert [(s["last_name"], s["birth_date"]) for s in moved] == [(surname, "2014-03-15")]


def test_a_system_key_is_shown_once_works_and_is_refused_once_revoked(page, cabinet):
    name = f"Сетевой город {_tag()}"
    _sign_in(page, ADMIN.email, ADMIN.password, f"**/#/school/{cabinet.school_id}")
    page.goto(f"/#/school/{cabinet.school_id}/credentials")
    adds = _adder(page, "Выдать ключ")
    _tab_to(page, adds.get_by_label("Название"))
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    secret_field = page.get_by_label("Секрет ключа")
    secret_field.wait_for()
    assert secret_field.evaluate("el => el === document.activeElement")
    secret = secret_field.input_value()
    assert "." in secret and len(secret) > 30
    page.get_by_role("alert").filter(has_text="показан один раз").wait_for()
    _clean(page, "credentials-issued")

    token = requests.post(f"{cabinet.api}/machine/token", json={"credential": secret}, timeout=90)
    assert token.status_code == 200, token.text
    page.reload()
    keys = page.get_by_role("table", name="Ключи")
    row = keys.get_by_role("row").filter(has_text=name)
    row.wait_for()
    assert secret not in page.content() and page.get_by_label("Секрет ключа").count() == 0
    _tab_to(page, row.get_by_role("button", name=f"Отозвать {name}"))
    page.keyboard.press("Enter")
    page.get_by_role("group", name=re.compile("Отозвать ключ")).wait_for()
    page.keyboard.press("Enter")  # Yes
    page.get_by_role("status").filter(has_text=f"Ключ «{name}» отозван.").wait_for()
    row.get_by_role("cell", name="отозван", exact=True).wait_for()
    _clean(page, "credentials")
    refused = requests.post(f"{cabinet.api}/machine/token", json={"credential": secret}, timeout=90)
    assert refused.status_code == 401


def test_a_teacher_opening_the_school_is_refused_politely(page, cabinet):
    _sign_in(page, TEACHER.email, TEACHER.password, "**/#/teach")
    page.goto(f"/#/school/{cabinet.school_id}")
    page.get_by_role("alert").filter(has_text="Вы не администратор этой школы.").wait_for()
    assert page.get_by_role("navigation", name="Разделы школы").count() == 0
    assert axe_violations(page) == []
    # «Мои классы», where the teacher lands, is another part's page: only this page's errors count here
    errors = [e for e in page.script_errors if "pages/teach.js" not in e]
    assert errors == [], errors
