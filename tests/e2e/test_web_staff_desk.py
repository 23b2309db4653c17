"""The applications desk in a real browser on the local system (issue 15, browser test 3): the
demo administrator finds a new parent's application by name, opens it, records the in-person check
and approves it by keyboard alone, and the parent receives the code; a rejection needs a reason
(the error next to the field); an application naming one of two namesakes waits until the
administrator chooses. axe-core on every page, screenshots at 1280×800 and 768×1024."""

from __future__ import annotations

import random
import re
import time
from typing import Any

import requests

from ops.seed_demo import ADMIN
from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll
from tests.journeys import PASSWORD

ACCESS_CODE = r"(?:код|code):\s*(?:<b>)?([A-Z2-9]{8})\b"
SIZES = (("1280", {"width": 1280, "height": 800}), ("768", {"width": 768, "height": 1024}),
         ("360", {"width": 360, "height": 640}))


def _word(stem: str) -> str:
    """A Russian surname no other run has used: a name is what the desk searches by."""
    return stem + "".join(random.choice("бвгдзклмнпрстфх") + random.choice("аеиоу") for _ in range(4))


def _wait(what: str, probe: Any, wait: float = 90) -> Any:
    deadline = time.monotonic() + wait
    while not (found := probe()):
        assert time.monotonic() < deadline, f"no {what}"
        time.sleep(0.2)  # the same wait, looked at more often
    return found


def _mail(cabinet: Any, to: str, pattern: str) -> str:
    def probe() -> str | None:
        for email in cabinet.mailbox(to)["emails"]:
            if found := re.search(pattern, email["text"] or ""):
                return found.group(1)
        return None
    return str(_wait(f"email to {to} matching {pattern}", probe))


def _parent(cabinet: Any, last: str) -> tuple[str, dict[str, str]]:
    """A new verified parent (through the API) and their Authorization header."""
    email = f"desk-{random.randrange(10**9)}@example.ru"
    answer = requests.post(f"{cabinet.api}/auth/register", json={"email": email, "name": f"{last}а Ольга"}, timeout=90)
    assert answer.status_code == 202, answer.text
    code = _mail(cabinet, email, r"\b(\d{6})\b")
    answer = requests.post(f"{cabinet.api}/auth/verify-email",
                           json={"email": email, "code": code, "password": PASSWORD}, timeout=90)
    assert answer.status_code == 204, answer.text
    return email, cabinet.login(email, PASSWORD)


def _apply(cabinet: Any, parent: dict[str, str], **child: str) -> str:
    body = {"school_id": cabinet.school_id, "child_last_name": "Кузнецова", "child_first_name": "Анна",
            "child_middle_name": "Дмитриевна", "child_birth_date": "2015-11-09", "class_name": "5А",
            "relation": "mother", **child}
    answer = requests.post(f"{cabinet.api}/applications", json=body, headers=parent, timeout=90)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["application_id"])


def _admin_signs_in(page: Any, cabinet: Any, where: str = "") -> None:
    """The demo administrator signs in through the cabinet's form, heading for the desk."""
    desk = f"/school/{cabinet.school_id}/applications{where}"
    page.goto(f"/#/signin?next={desk}")
    page.get_by_label("Электронная почта").fill(ADMIN.email)
    page.get_by_label("Пароль").fill(ADMIN.password)
    page.get_by_label("Пароль").press("Enter")
    page.wait_for_url(f"**/#{desk}")


def _clean(page: Any, name: str) -> None:
    """No serious accessibility violation, no sideways scroll, photographed at each size."""
    assert axe_violations(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        if label != "360":
            page.screenshot(path=str(SCREENSHOTS / f"staff-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES[0][1])
    assert page.script_errors == [], page.script_errors


def _tab_to(page: Any, target: Any, presses: int = 80) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(presses):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def test_the_administrator_finds_checks_and_approves_by_keyboard_and_the_parent_gets_the_code(page, cabinet):
    assert "applicant@demo.ediary.example" in cabinet.banner  # make run prints the demo applicant's login
    last = _word("Клавиш")
    email, parent = _parent(cabinet, last)
    application_id = _apply(cabinet, parent)
    _admin_signs_in(page, cabinet)
    page.get_by_role("heading", name=re.compile("^Заявления — ")).wait_for()
    page.get_by_role("table").wait_for()
    assert page.get_by_role("link", name="Новые").get_attribute("aria-current") == "page"
    _clean(page, "desk")

    search = page.get_by_label("Имя ребёнка или заявителя")
    _tab_to(page, search)
    page.keyboard.type(last.lower())  # the applicant's surname, as typed
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    page.get_by_role("table", name=re.compile("найдено по")).wait_for()
    rows = page.locator("tbody tr")
    assert rows.count() == 1, rows.all_inner_texts()
    assert email in rows.inner_text() and "ждёт личной проверки" in rows.inner_text()
    _clean(page, "desk-search")

    link = page.get_by_role("link", name="Кузнецова Анна Дмитриевна")
    _tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/applications/{application_id}")
    page.get_by_role("heading", name="Заявитель").wait_for()  # the application's page, not the list any more
    page.get_by_text("Ждёт личной проверки: сверьте паспорт").wait_for()
    assert email in page.locator("main").inner_text() and "мать" in page.locator("main").inner_text()
    _clean(page, "desk-application")

    check = page.get_by_role("button", name="Родитель проверен лично")
    _tab_to(page, check)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Личная проверка записана.").wait_for()
    page.get_by_text("ждёт решения").wait_for()
    approve = page.get_by_role("button", name="Одобрить", exact=True)
    _tab_to(page, approve)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Заявление одобрено.").wait_for()

    code = _mail(cabinet, email, ACCESS_CODE)  # the queue matched Кузнецова Анна of 5А: the code is mailed
    assert len(code) == 8
    page.reload()
    page.get_by_text("Завершено: код доступа отправлен родителю на почту.").wait_for()
    page.get_by_text("Ученик школы").wait_for()
    renew = page.get_by_role("button", name="Выслать новый код")
    _tab_to(page, renew)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Новый код отправлен родителю").wait_for()
    _clean(page, "desk-application-completed")
    _wait("a second code", lambda: len([m for m in cabinet.mailbox(email)["emails"]
                                        if re.search(ACCESS_CODE, m["text"] or "")]) >= 2)


def test_a_rejection_needs_a_reason_next_to_its_field_and_the_parent_reads_it(page, cabinet):
    last = _word("Отказ")
    email, parent = _parent(cabinet, last)
    application_id = _apply(cabinet, parent, relation="guardian")
    _admin_signs_in(page, cabinet, f"/{application_id}")
    page.get_by_role("heading", name="Отклонить заявление").wait_for()
    page.get_by_role("button", name="Отклонить").click()
    error = page.locator("[data-field=reason] .field-error")
    error.wait_for()
    assert error.inner_text() == "Заполните это поле."
    reason = page.get_by_label(re.compile("Причина отказа"))
    assert reason.get_attribute("aria-invalid") == "true"
    assert reason.evaluate("el => el === document.activeElement")
    _clean(page, "desk-reject-error")
    reason.fill("Документ о родстве не подтверждает опеку")
    page.get_by_role("button", name="Отклонить").click()
    page.get_by_role("status").filter(has_text="Заявление отклонено.").wait_for()
    page.get_by_text("Причина: Документ о родстве не подтверждает опеку").wait_for()
    _wait("the rejection email", lambda: any("не подтверждает опеку" in (m["text"] or "")
                                             for m in cabinet.mailbox(email)["emails"]))
    page.goto(f"/#/school/{cabinet.school_id}/applications?state=rejected&q={last}")
    page.get_by_role("link", name="Кузнецова Анна Дмитриевна").wait_for()


def test_an_application_naming_one_of_two_namesakes_waits_for_the_administrators_choice(page, cabinet):
    admin = cabinet.login(ADMIN.email, ADMIN.password)
    school = f"{cabinet.api}/schools/{cabinet.school_id}"
    classes = {c["name"]: c["class_id"] for c in requests.get(f"{school}/classes", headers=admin, timeout=90)
               .json()["items"]}
    child_last = _word("Тёзкин")
    students = {}
    for name in ("5Б", "9А"):  # the same name and birth date in two classes (5А's 25 are the journal's)
        answer = requests.post(f"{school}/students", headers=admin, timeout=90, json={
            "last_name": child_last, "first_name": "Лев", "birth_date": "2015-02-03", "class_id": classes[name]})
        assert answer.status_code == 201, answer.text
        students[name] = answer.json()["student_id"]
    email, parent = _parent(cabinet, _word("Выбор"))
    application_id = _apply(cabinet, parent, child_last_name=child_last, child_first_name="Лев",
                            child_middle_name=None, child_birth_date="2015-02-03", class_name="5А")
    one = f"{school}/applications/{application_id}"
    assert requests.post(f"{one}/check", json={"confirmed": True}, headers=admin, timeout=90).status_code == 200
    assert requests.post(f"{one}/approve", json={}, headers=admin, timeout=90).status_code == 200
    _wait("awaiting_choice", lambda: requests.get(one, headers=admin, timeout=90).json()["state"] == "awaiting_choice")

    _admin_signs_in(page, cabinet)
    page.get_by_role("link", name="Выбор ученика").click()
    page.wait_for_url(re.compile("state=awaiting_choice"))
    page.get_by_label("Имя ребёнка или заявителя").fill(child_last)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name=f"{child_last} Лев").click()
    page.get_by_role("heading", name="Заявитель").wait_for()
    page.get_by_text("несколько учеников с таким именем").wait_for()
    group = page.get_by_role("group", name="Ребёнок среди учеников школы")
    assert group.get_by_role("radio").count() == 2
    page.get_by_role("button", name="Одобрить для выбранного ученика").click()
    choice_error = page.locator("[data-field=student_id] .field-error")
    choice_error.wait_for()  # nothing chosen: said next to the choice
    assert choice_error.inner_text() == "Выберите ученика."
    _clean(page, "desk-choice")
    group.get_by_label(re.compile("класс 5Б")).check()
    page.get_by_role("button", name="Одобрить для выбранного ученика").click()
    page.get_by_role("status").filter(has_text="Ученик выбран").wait_for()
    assert len(_mail(cabinet, email, ACCESS_CODE)) == 8
    chosen = requests.get(one, headers=admin, timeout=90).json()
    assert (chosen["state"], chosen["matched_student"]["student_id"]) == ("completed", students["5Б"])
