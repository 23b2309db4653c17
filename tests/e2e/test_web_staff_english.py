"""The school's side of the cabinet in English, and on a phone (issue 15, the quality pass): each demo
staff account (teacher, administrator, city operator) switches the cabinet to English with the
header's button and opens every staff page it can reach. On each page the chrome — headings,
labels, buttons, links of the menus, table headers, captions, legends, status lines — has no
Cyrillic left once the data in it (the school's, classes', subjects', pupils' names) is taken out;
`<html lang="en">`; axe finds no serious or critical violation; no script error. Each page is
photographed at 1280×800 (build/screenshots/staff-en-<page>-1280.png) and at 360×640 it does not
scroll sideways as a page (a wide grid scrolls inside its own box) and no control is cut off."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from ops.services import ROOT
from tests.e2e.browser import DESKTOP, PHONE, SCREENSHOTS, axe_violations, no_horizontal_scroll

TEACHER = ("teacher@demo.ediary.example", "Demo-Teacher-2026", "/teach")
ADMIN = ("admin@demo.ediary.example", "Demo-Admin-2026", "/school/")
OPERATOR = ("operator@demo.ediary.example", "Demo-Operator-2026", "/operator")
SAMPLE = ROOT / "docs" / "samples" / "upload-demo.zip"

# The page's own words: what a reader reads as the page's chrome. A row's header (th scope=row)
# names the row's data (a pupil, a file, a class) and is left out.
CHROME = ("main h1, main h2, main h3, main label, main button, main th:not([scope=row]), main caption, "
          "main legend, nav a, header button, main [role=status], main [role=alert], main summary")

LEFTOVERS = """(data) => {
  const found = [];
  for (const el of document.querySelectorAll(arguments_selector)) {
    if (!el.getClientRects().length) continue; // not shown
    let text = el.innerText || el.textContent || "";
    // a button's hidden words name its row ("Edit" + the pupil's name): data, as the row's header
    const hidden = el.tagName === "BUTTON" ? el.querySelectorAll(".visually-hidden") : [];
    for (const part of hidden) text = text.replace(part.textContent.trim(), " ");
    for (const d of data) text = text.split(d).join(" ");
    text = text.replace(/\\b\\d{1,2}[А-ЯЁ]\\b/g, " "); // a class: 5А, 10Б
    if (/[А-Яа-яЁё]/.test(text) && !(el.lang && el.lang.startsWith("ru"))) found.push(`${el.tagName}: ${el.innerText}`);
  }
  return found;
}"""

# A control the reader cannot reach whole: sticking out of the window, and not inside a box that
# scrolls sideways on its own (a wide table's wrapper). The skip link waits off-screen for the focus.
CUT_OFF = """() => {
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll") return true; } return false; };
  const controls = "main a, main button, main input, main select, main textarea, header a:not(.skip), header button";
  const out = (el) => { const r = el.getBoundingClientRect(); return r.right > innerWidth + 1 || r.left < -1; };
  return [...document.querySelectorAll(controls)]
    .filter((el) => el.getClientRects().length && el.type !== "hidden" && out(el) && !scrolls(el))
    .map((el) => `${el.tagName} ${(el.innerText || el.name || el.id || "").trim().slice(0, 40)}`);
}"""

# A word split across two lines (the page's `overflow-wrap: anywhere` squeezing a table's column):
# "E/d/i/t" on a button, "четвер/ть" in a cell. Addresses and long codes may break.
BROKEN_WORDS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const el = n.parentElement;
    if (!el.getClientRects().length || el.closest(".visually-hidden")) continue;
    for (const m of n.data.matchAll(/[^\\s—–-]+/g)) {
      if (m[0].length < 4 || m[0].length > 20 || /[@/.]/.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (lines.size > 1) out.push(m[0]);
    }
  }
  return [...new Set(out)].slice(0, 10);
}"""


def _sign_in_in_english(page: Any, who: tuple[str, str, str]) -> None:
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(who[0])
    page.get_by_label("Пароль").fill(who[1])
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"**/#{who[2]}**")
    page.get_by_role("button", name="Switch to English").click()
    page.get_by_role("button", name="Переключить на русский").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"


def _open(page: Any, path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", path)
    page.wait_for_url(f"**/#{path.split('?')[0]}**")
    page.locator("main h1").first.wait_for()
    expect(page.locator("main .loading")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(300)  # the last answers drawn


def _check(page: Any, name: str, data: list[str], problems: list[str]) -> None:
    """One page in English: its chrome, language, axe, the 1280 photograph and the phone."""
    page.set_viewport_size(DESKTOP)
    if page.evaluate("document.documentElement.lang") != "en":
        problems.append(f"{name}: lang is not en")
    words = sorted({d for d in data if d}, key=len, reverse=True)
    for text in page.evaluate(LEFTOVERS.replace("arguments_selector", repr(CHROME)), words):
        problems.append(f"{name}: Russian in the chrome: {text!r}")
    for violation in axe_violations(page):
        problems.append(f"{name}: axe {violation['id']} {violation['nodes']}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"staff-en-{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)  # a layout pass
    if not no_horizontal_scroll(page):
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        problems.append(f"{name}: scrolls sideways at 360 px (page {wide} px wide)")
    for control in page.evaluate(CUT_OFF):
        problems.append(f"{name}: cut off at 360 px: {control}")
    broken = page.evaluate(BROKEN_WORDS)
    if broken:
        problems.append(f"{name}: words split across lines at 360 px: {broken}")
    page.screenshot(path=str(SCREENSHOTS / f"staff-en-{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    for error in page.script_errors:
        problems.append(f"{name}: script error {error}")
    page.script_errors.clear()


def _school_data(cabinet: Any, headers: dict[str, str]) -> list[str]:
    """The demo school's names of things: data, allowed in Russian inside the chrome."""
    school = f"{cabinet.api}/schools/{cabinet.school_id}"
    me = requests.get(f"{cabinet.api}/me", headers=headers, timeout=90).json()
    names = [r.get("school_name") or "" for r in me.get("roles", [])] + [me.get("name") or ""]
    for what in ("classes", "subjects", "terms", "teachers", "administrators"):
        answer = requests.get(f"{school}/{what}", headers=headers, params={"limit": 100}, timeout=90)
        if answer.status_code == 200:
            body = answer.json()
            names += [item.get("name") or "" for item in (body["items"] if isinstance(body, dict) else body)]
    return names


def test_the_teachers_pages_speak_english_and_fit_a_phone(page, cabinet):
    headers = cabinet.login(*TEACHER[:2])
    data = _school_data(cabinet, headers)
    mine = requests.get(f"{cabinet.api}/schools/{cabinet.school_id}/my-classes", headers=headers, timeout=90).json()
    fifth = next(c for c in mine["classes"] if c["name"] == "5А")
    maths = next(s for s in fifth["subjects"] if s["name"] == "Математика")
    base = f"/teach/{cabinet.school_id}/classes/{fifth['class_id']}"
    problems: list[str] = []

    _sign_in_in_english(page, TEACHER)
    _open(page, "/teach")
    _check(page, "teach", data, problems)
    _open(page, f"{base}/journal")  # which subject: the list
    _check(page, "journal-subjects", data, problems)
    _open(page, f"{base}/journal?subject={maths['subject_id']}")
    pupils = page.locator("main table tbody th[scope=row]").all_inner_texts()
    assert len(pupils) == 25
    _check(page, "journal", data, problems)
    lesson = page.locator("main table thead a[href*='/lessons/']").first.get_attribute("href")
    assert lesson
    _open(page, lesson.lstrip("#"))
    _check(page, "lesson", data, problems)
    for section in ("risk", "meetings", "message"):
        _open(page, f"{base}/{section}?subject={maths['subject_id']}")
        _check(page, {"risk": "at-risk", "meetings": "class-meetings", "message": "class-message"}[section],
               [*data, *pupils], problems)
    assert problems == [], "\n".join(problems)


def test_the_administrators_pages_speak_english_and_fit_a_phone(page, cabinet):
    headers = cabinet.login(*ADMIN[:2])
    data = _school_data(cabinet, headers)
    school = f"/school/{cabinet.school_id}"
    problems: list[str] = []

    _sign_in_in_english(page, ADMIN)
    _open(page, school)
    _check(page, "school", data, problems)
    for section, name in (("applications", "desk"), ("structure", "structure"), ("students", "students"),
                          ("timetable", "timetable"), ("events", "school-events"), ("news", "news"),
                          ("credentials", "credentials")):
        _open(page, f"{school}/{section}")
        _check(page, name, data, problems)

    # The demo applicant's pending application, at the desk.
    pending = requests.get(f"{cabinet.api}/schools/{cabinet.school_id}/applications", headers=headers,
                           params={"state": "pending", "limit": 50}, timeout=90).json()["items"]
    assert pending, "the demo applicant's application is pending"
    child = pending[0]
    _open(page, f"{school}/applications/{child['application_id']}")
    names = [child["child_last_name"], child["child_first_name"], child.get("child_middle_name") or ""]
    _check(page, "desk-application", [*data, *names], problems)

    # An upload: the sample zip sent through the page, in English.
    _open(page, f"{school}/uploads")
    page.locator("main input[type=file]").set_input_files(str(SAMPLE))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/uploads/[^/?]+$"))
    page.wait_for_function("() => { const p = document.querySelector('.upload-progress progress'); "
                           "return p && p.hasAttribute('value') && p.value === p.max; }", timeout=120_000)
    page.wait_for_timeout(500)  # the report drawn
    _check(page, "upload", data, problems)
    _open(page, f"{school}/uploads")
    _check(page, "uploads", data, problems)
    assert problems == [], "\n".join(problems)


def test_the_operators_pages_speak_english_and_fit_a_phone(page, cabinet):
    headers = cabinet.login(*OPERATOR[:2])
    schools = requests.get(f"{cabinet.api}/schools", headers=headers, params={"limit": 100}, timeout=90).json()["items"]
    data = [*_school_data(cabinet, headers), *(s[k] or "" for s in schools for k in ("name", "address", "district"))]
    problems: list[str] = []

    _sign_in_in_english(page, OPERATOR)
    _open(page, "/operator")
    _check(page, "operator", data, problems)
    _open(page, f"/operator/schools/{cabinet.school_id}")
    _check(page, "operator-school", data, problems)
    assert problems == [], "\n".join(problems)
