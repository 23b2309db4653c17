"""The class journal in a real browser (issue 15): the demo teacher grades a lesson of 5А's 25 pupils
from the keyboard alone (keystrokes and writing API calls counted), marks two absences, opens a
cell's details for a weighted grade with a remark, sets the lesson's topic and homework, and the
demo parent's week shows them; two teachers edit the same grade and the second chooses, never
overwritten silently. Each page passes axe and is photographed at 1280×800 and 768×1024."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import requests
from playwright.sync_api import expect

from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll

TEACHER = ("teacher@demo.ediary.example", "Demo-Teacher-2026")
PARENT = ("parent@demo.ediary.example", "Demo-Parent-2026")
ADMIN = ("admin@demo.ediary.example", "Demo-Admin-2026")
RUSSIAN = {"н": ("KeyY", 89), "о": ("KeyJ", 74)}  # ЙЦУКЕН: «н» on the Y key, «о» on the J key
SIZES = {"1280": {"width": 1280, "height": 800}, "768": {"width": 768, "height": 1024}}


def _api(cabinet: Any, method: str, path: str, auth: dict[str, str], ok: int = 300, **kwargs: Any) -> Any:
    answer = requests.request(method, cabinet.api + path, headers=auth, timeout=90, **kwargs)
    assert answer.status_code < ok, answer.text
    return answer.json() if answer.content else None


def _checked(page: Any, name: str) -> None:
    """No serious accessibility violation; photographed at a desktop's and a tablet's size, no sideways scroll."""
    assert axe_violations(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES["1280"])
    assert page.script_errors == [], page.script_errors


def _demo(cabinet: Any) -> dict[str, Any]:
    """5А, mathematics, the school's today and the demo teacher's id, read through the API."""
    s = cabinet.school_id
    admin, teacher = cabinet.login(*ADMIN), cabinet.login(*TEACHER)
    class_id = next(c["class_id"] for c in _api(cabinet, "GET", f"/schools/{s}/classes?limit=100", admin)["items"]
                    if c["name"] == "5А")
    maths = next(x["subject_id"] for x in _api(cabinet, "GET", f"/schools/{s}/subjects?limit=100", admin)["items"]
                 if x["name"] == "Математика")
    journal = _api(cabinet, "GET", f"/schools/{s}/classes/{class_id}/journal?subject_id={maths}", teacher)
    me = _api(cabinet, "GET", "/me", teacher)
    return {"s": s, "admin": admin, "teacher": teacher, "class_id": class_id, "maths": maths,
            "today": journal["today"], "teacher_id": me["account_id"]}


def _new_lesson(cabinet: Any, demo: dict[str, Any]) -> str:
    """Today's mathematics lesson for 5А at a free time (each test and each rerun its own)."""
    start = uuid.uuid4().int % 400
    for n in range(200):
        minute = 12 * 60 + (start + n) % 400
        answer = requests.post(f"{cabinet.api}/schools/{demo['s']}/classes/{demo['class_id']}/lessons",
                               headers=demo["admin"], timeout=90, json={
                                   "date": demo["today"], "starts_at": f"{minute // 60:02d}:{minute % 60:02d}",
                                   "ends_at": f"{(minute + 40) // 60:02d}:{(minute + 40) % 60:02d}",
                                   "subject_id": demo["maths"], "teacher_id": demo["teacher_id"], "room": "214"})
        if answer.status_code == 201:
            return str(answer.json()["lesson_id"])
        assert answer.status_code == 409, answer.text
    raise AssertionError("no free time for a lesson today")


def _sign_in_to(page: Any, path: str, email: str, password: str, then: str = "table.journal") -> None:
    """Opens a cabinet address; signing in there leads back to it."""
    page.goto("/#" + path)
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.locator(then).first.wait_for()


def test_a_teacher_grades_a_lesson_of_25_from_the_keyboard_and_the_parent_sees_it(page, browser, cabinet):
    demo = _demo(cabinet)
    lesson_id = _new_lesson(cabinet, demo)
    journal = f"/teach/{demo['s']}/classes/{demo['class_id']}/journal"
    _sign_in_to(page, f"{journal}?subject={demo['maths']}&lesson={lesson_id}", *TEACHER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Журнал — 5А, Математика")
    rows = page.locator("table.journal tbody th[scope=row]").all_inner_texts()
    assert len(rows) >= 25 and "Иванов Пётр" in rows, rows
    column = page.locator("table.journal thead th").all_inner_texts()
    lesson_col = next(i for i, _ in enumerate(column) if i > 0 and page.locator(
        f"table.journal thead th:nth-child({i + 1}) a[href$='{lesson_id}']").count()) - 1
    _checked(page, "staff-journal")

    writes: list[str] = []
    reads: list[str] = []
    page.on("request", lambda r: "/api/" in r.url and (reads if r.method == "GET" else writes).append(
        f"{r.method} {r.url}"))
    keys = 0

    cdp = page.context.new_cdp_session(page)

    def press(key: str) -> None:
        nonlocal keys
        keys += 1
        if key in RUSSIAN:  # a key of the Russian layout, as the browser gets it: its letter and its place
            for kind in ("keyDown", "keyUp"):
                cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": RUSSIAN[key][0],
                                                    "windowsVirtualKeyCode": RUSSIAN[key][1], "text": key})
        else:
            page.keyboard.press(key)

    # From the heading: Tab to «К оценкам», Enter: the lesson's column, the first pupil
    press("Tab")
    press("Enter")
    first = page.locator("td[data-col][tabindex='0']")
    expect(first).to_be_focused()
    assert first.get_attribute("data-col") == str(lesson_col)
    pyotr = rows.index("Иванов Пётр")
    other_absent = (pyotr + 5) % len(rows)
    expected: dict[int, str] = {}
    for r in range(len(rows)):
        if r in (pyotr, other_absent):
            press("н" if r == pyotr else "y")  # the Latin layout's key of «н» (KeyY) works too
            expected[r] = "absent"
        else:
            grade = str(5 - r % 4)
            press(grade)
            expected[r] = grade
        press("Enter")
    cells = page.locator(f"table.journal tbody td[data-col='{lesson_col}']")
    expect(page.locator(f"table.journal tbody td[data-col='{lesson_col}'][data-state='saved']")).to_have_count(
        len(rows), timeout=120_000)
    expect(page.get_by_role("status").filter(has_text="Сохранено")).to_be_visible()
    assert page.locator(".journal-conflict").count() == 0
    graded = len(rows)
    print(f"\njournal: {graded} pupils graded with {keys} keystrokes and {len(writes)} writing API calls")
    assert len(rows) == 25 and keys <= 60 and len(writes) <= 25, (len(rows), keys, writes)
    assert all("/grades" in w or "/attendance/" in w for w in writes) and reads == []
    for r, want in expected.items():
        if want == "absent":
            expect(cells.nth(r).locator(".journal-mark")).to_have_text("н")
        else:
            expect(cells.nth(r).locator(".journal-grade")).to_have_text(want)

    # What the API keeps: 23 grades and two absences at this lesson
    grid = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/journal?subject_id={demo['maths']}",
                demo["teacher"])
    at = [row["cells"].get(lesson_id, {}) for row in grid["students"]]
    assert sum(len(c.get("grades", [])) for c in at) == 23
    assert sum(1 for c in at if (c.get("attendance") or {}).get("mark") == "absent") == 2

    # A cell's details (Space): a weighted oral answer with a remark for Пётр, who came in later
    for _ in range(len(rows) - 1 - pyotr):
        page.keyboard.press("ArrowUp")
    expect(cells.nth(pyotr)).to_be_focused()
    page.keyboard.press("Space")
    details = page.locator("form.journal-details")
    expect(details.get_by_label("Оценка")).to_be_focused()
    details.get_by_label("Оценка").select_option("4")
    details.get_by_label("Вес").fill("2")
    details.get_by_label("Вид работы").select_option("oral")
    details.get_by_label("Комментарий").fill("Ответил у доски после урока")
    _checked(page, "staff-journal-details")
    details.get_by_role("button", name="Сохранить").click()
    expect(cells.nth(pyotr)).to_have_attribute("data-state", "saved")
    expect(cells.nth(pyotr)).to_contain_text("4")
    expect(cells.nth(pyotr)).to_be_focused()

    # The lesson: its topic and homework with a due date
    topic = f"Десятичные дроби {uuid.uuid4().hex[:6]}"
    page.locator(f"table.journal thead a[href$='{lesson_id}']").click()
    page.get_by_label("Тема урока").wait_for()
    page.get_by_label("Тема урока").fill(topic)
    page.get_by_role("button", name="Сохранить тему").click()
    expect(page.locator("form").first.get_by_role("status")).to_have_text("Сохранено.")
    page.get_by_label("Задание", exact=True).fill("№ 301–305, повторить правило")
    page.get_by_role("button", name="Сохранить задание").click()
    expect(page.locator("form").nth(1).get_by_role("status")).to_have_text("Сохранено.")
    _checked(page, "staff-lesson")
    page.get_by_role("link", name="Оценить этот урок").click()
    expect(page.locator(f"table.journal thead a[href$='{lesson_id}'] ~ .journal-hw")).to_have_text("ДЗ")

    # The demo parent's week shows Пётр's grade, his absence and the homework
    context = browser.new_context(base_url=cabinet.web, viewport=SIZES["1280"], locale="ru-RU")
    try:
        parent = context.new_page()
        parent.goto("/#/signin")
        parent.get_by_label("Электронная почта").fill(PARENT[0])
        parent.get_by_label("Пароль").fill(PARENT[1])
        parent.get_by_role("button", name="Войти").click()
        parent.wait_for_url("**/#/children**")
        family = cabinet.login(*PARENT)
        student_id = _api(cabinet, "GET", "/children", family)["items"][0]["student_id"]
        # The week is read from pages the event pump keeps: wait until they hold the lesson's last change
        deadline = time.monotonic() + 120
        while not any(x["lesson_id"] == lesson_id and x.get("homework") and x.get("grades") and x.get("attendance")
                      for day in _api(cabinet, "GET", f"/children/{student_id}/week", family)["days"]
                      for x in day["lessons"]):
            assert time.monotonic() < deadline, "the week never showed the lesson's homework, grade and absence"
            time.sleep(0.5)
        parent.evaluate("(path) => { location.hash = path; }", f"/children/{student_id}/week")
        lesson = parent.locator("li.lesson", has_text=topic)
        expect(lesson).to_contain_text("№ 301–305, повторить правило")
        expect(lesson).to_contain_text("Отсутствовал(а)")
        expect(lesson.locator(".grade-value")).to_have_text("4")
        expect(lesson).to_contain_text("Ответил у доски после урока")
    finally:
        context.close()


def _second_teacher(cabinet: Any, demo: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """Another teacher of 5А's mathematics: registered, verified, granted and assigned (the administrator)."""
    email, password = f"teacher2-{uuid.uuid4().hex[:8]}@example.ru", "Vtoroy-Uchitel-2026"
    assert requests.post(f"{cabinet.api}/auth/register", timeout=90, json={
        "email": email, "name": "Сидоров Олег Ильич"}).status_code == 202
    deadline = time.monotonic() + 90
    while not (found := [re.search(r"\b(\d{6})\b", m["text"] or "") for m in cabinet.mailbox(email)["emails"]]) \
            or not found[0]:
        assert time.monotonic() < deadline, "no verification email"
        time.sleep(0.3)
    assert requests.post(f"{cabinet.api}/auth/verify-email", timeout=90, json={
        "email": email, "code": found[0].group(1), "password": password}).status_code == 204
    granted = _api(cabinet, "POST", f"/schools/{demo['s']}/teachers", demo["admin"], json={"email": email})
    _api(cabinet, "POST", f"/schools/{demo['s']}/teachings", demo["admin"], json={
        "teacher_id": granted["account_id"], "class_id": demo["class_id"], "subject_id": demo["maths"]})
    return str(granted["account_id"]), cabinet.login(email, password)


def test_two_teachers_edit_the_same_grade_and_the_second_sees_both_values_and_chooses(page, cabinet):
    demo = _demo(cabinet)
    lesson_id = _new_lesson(cabinet, demo)
    grid = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/journal?subject_id={demo['maths']}",
                demo["teacher"])
    pupil = grid["students"][0]
    lesson_path = f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons/{lesson_id}"
    grade = _api(cabinet, "POST", f"{lesson_path}/grades", demo["teacher"],
                 json={"student_id": pupil["student_id"], "value": 3})
    grade_path = f"/schools/{demo['s']}/students/{pupil['student_id']}/grades/{grade['grade_id']}"
    other_id, other = _second_teacher(cabinet, demo)
    try:
        journal = f"/teach/{demo['s']}/classes/{demo['class_id']}/journal"
        # Without a subject: the subjects this teacher teaches 5А (the other teacher's are not listed twice)
        _sign_in_to(page, journal, *TEACHER, then="main h2")
        expect(page.get_by_role("heading", level=2)).to_have_text("Выберите предмет")
        expect(page.locator("main ul a")).to_have_text(["Математика"])
        page.get_by_role("link", name="Математика").click()
        page.locator("table.journal").wait_for()
        page.evaluate("() => { document.querySelector('table.journal').dataset.old = 'yes'; }")
        page.evaluate("(path) => { location.hash = path; }", f"{journal}?subject={demo['maths']}&lesson={lesson_id}")
        page.locator("table.journal:not([data-old])").wait_for()
        page.locator("main h1").focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        cell = page.locator("td[data-col][tabindex='0']")
        expect(cell).to_contain_text("3")
        # The other teacher corrects it meanwhile; this screen still shows 3 (version 1)
        _api(cabinet, "PATCH", grade_path, other, json={"value": 4, "version": 1})
        page.keyboard.press("2")
        page.keyboard.press("Enter")
        conflict = page.locator(".journal-conflict")
        expect(conflict).to_contain_text("в журнале сейчас «4», вы ставили «2»")
        first = page.locator("table.journal tbody td[data-state='conflict']")
        expect(first).to_have_count(1)
        assert _api(cabinet, "GET", grade_path + "/history", demo["teacher"])["items"][-1]["after"] == {"value": 4}
        _checked(page, "staff-journal-conflict")
        # The second teacher chooses: back to the cell, Space, Tab to «Поставить мою», Enter
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Space")
        expect(conflict.get_by_role("button", name="Оставить «4»")).to_be_focused()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(first).to_have_count(0)
        conflicted = page.locator("td[data-col][tabindex='0']")
        expect(conflicted).to_have_attribute("data-state", "saved")
        expect(conflicted).to_contain_text("2")
        kept = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/journal?subject_id="
                    f"{demo['maths']}", demo["teacher"])["students"][0]["cells"][lesson_id]["grades"]
        assert [(g["value"], g["version"]) for g in kept] == [(2, 3)]
        # Again, and this time the other teacher's value stays: nothing written
        _api(cabinet, "PATCH", grade_path, other, json={"value": 5, "version": 3})
        page.keyboard.press("1")
        page.keyboard.press("Enter")
        expect(conflict).to_contain_text("в журнале сейчас «5», вы ставили «1»")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Space")
        page.keyboard.press("Enter")  # «Оставить «5»»
        expect(conflicted).to_contain_text("5")
        expect(conflicted).to_have_attribute("data-state", "saved")
        history = _api(cabinet, "GET", grade_path + "/history", demo["teacher"])["items"]
        assert [e["after"] for e in history][-1] == {"value": 5}
        assert {e["changed_by"] for e in history} == {"Петрова Анна Сергеевна", "Сидоров Олег Ильич"}
        # The corrections' history from the cell's details
        page.keyboard.press("Space")
        page.get_by_role("button", name="История исправлений").click()
        expect(page.locator(".journal-history li")).to_have_count(len(history))
        expect(page.locator(".journal-history")).to_contain_text("Сидоров Олег Ильич")
        page.keyboard.press("Escape")
        expect(conflicted).to_be_focused()
    finally:
        requests.delete(f"{cabinet.api}/schools/{demo['s']}/teachers/{other_id}", headers=demo["admin"], timeout=90)
