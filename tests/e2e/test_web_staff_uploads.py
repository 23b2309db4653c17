"""Uploads in a real browser (issue 15, browser test 4): the demo administrator chooses the sample zip
(docs/samples/upload-demo.zip: two bad rows), sends it by keyboard, watches the progress bar reach
the end, reads the row report, downloads the rejected rows as CSV and finds the upload in the
history; a broken zip and an empty CSV end with a reason in words. The file goes from the browser to
the cabinet's own origin (connect-src 'self'), which forwards it to the local S3 (docs/staff.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from ops.services import ROOT
from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll

ADMIN = ("admin@demo.ediary.example", "Demo-Admin-2026")
SAMPLE = ROOT / "docs" / "samples" / "upload-demo.zip"
SIZES = {"1280": {"width": 1280, "height": 800}, "768": {"width": 768, "height": 1024}}


def shots(page: Any, name: str) -> list[Path]:
    """The page at 1280×800 and 768×1024 (the staff's desks and tablets), no sideways scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        assert axe_violations(page) == [], f"{name} at {label} px"
        written.append(SCREENSHOTS / f"staff-{name}-{label}.png")
        page.screenshot(path=str(written[-1]), full_page=True)
    page.set_viewport_size(SIZES["1280"])
    return written


def script_errors(page: Any) -> list[str]:
    # the landing page after sign-in (the school's overview, school.js) is another part's module
    return [e for e in page.script_errors if "/js/pages/school.js" not in e]


def sign_in_as_admin(page: Any) -> None:
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(ADMIN[0])
    page.get_by_label("Пароль").fill(ADMIN[1])
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/#/school/**")


def open_uploads(page: Any, cabinet: Any) -> None:
    page.evaluate("(path) => { location.hash = path; }", f"/school/{cabinet.school_id}/uploads")
    page.get_by_role("heading", level=1, name=re.compile("^Загрузки — ")).wait_for()
    page.locator("main .loading").wait_for(state="detached")


def send_by_keyboard(page: Any, files: Any) -> str:
    """Chooses a file (the file chooser itself is the system's: Playwright fills it), then Tab to
    «Отправить» and Enter; waits for the upload's own page and gives its id."""
    chooser = page.get_by_label("Файл")
    chooser.focus()
    chooser.set_input_files(files)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Отправить"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/uploads/[^/?]+$"))
    page.get_by_role("heading", level=1, name=re.compile("^Загрузка — ")).wait_for()
    return str(page.url.rsplit("/", 1)[1])


def ended(page: Any, state: str) -> None:
    status = page.locator(".upload-progress [role=status]")
    expect(status).to_contain_text(f"Состояние: {state}.", timeout=120_000)
    bar = page.locator(".upload-progress progress")
    assert bar.get_attribute("aria-label") == "Ход обработки"
    assert page.evaluate("() => { const p = document.querySelector('.upload-progress progress'); "
                         "return p.hasAttribute('value') && p.value === p.max; }")


def test_the_administrator_uploads_the_sample_zip_and_reads_the_report_of_bad_rows(page, cabinet, tmp_path):
    sign_in_as_admin(page)
    open_uploads(page, cabinet)
    page.get_by_role("button", name="Отправить").click()  # nothing chosen: the field says so
    expect(page.locator("[data-field=filename] .field-error")).to_have_text("Выберите файл.")
    shots(page, "uploads")

    upload_id = send_by_keyboard(page, str(SAMPLE))
    ended(page, "готово")
    status = page.locator(".upload-progress [role=status]")
    expect(status).to_contain_text("Обработано 6 из 6 строк: принято 4, отклонено 2")

    report = page.locator("table.upload-report tbody tr")
    expect(report).to_have_count(2)
    rows = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in report.all()]
    assert [r[:4] for r in rows] == [["students.csv", "4", "first_name", "—"], ["students.csv", "5", "class", "9Я"]]
    assert "first_name" in rows[0][4] and "Не заполнен" in rows[0][4]
    assert "9Я" in rows[1][4] and "такого класса в школе нет" in rows[1][4]
    assert page.locator(".upload-notices li").count() >= 1  # the demo school's other classes: not in the file
    shots(page, "upload")

    # The rejected rows as CSV: fetched with the token in memory, offered as a file.
    with page.expect_download() as caught:
        page.get_by_role("button", name="Скачать отклонённые строки (CSV)").focus()
        page.keyboard.press("Enter")
    saved = tmp_path / "rejected.csv"
    caught.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Cyrillic by the BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "file,line,column,value,code,severity,message"
    assert [line.split(",")[:6] for line in lines[1:]] == [
        ["students.csv", "4", "first_name", "", "required", "rejected"],
        ["students.csv", "5", "class", "9Я", "unknown_class", "rejected"]]

    # The report filtered: no warnings in this file.
    which = page.get_by_label("Какие записи")
    which.focus()
    which.select_option("warning")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # «Показать»
    expect(page.locator("table.upload-report tbody tr")).to_have_count(0)

    # The history lists it, done, with its counts.
    page.get_by_role("link", name="Все загрузки").focus()
    page.keyboard.press("Enter")
    page.locator("main .loading").wait_for(state="detached")
    row = page.locator("table.uploads tbody tr").filter(has=page.locator(f"a[href$='{upload_id}']"))
    expect(row).to_contain_text("готово")
    expect(row).to_contain_text("4 / 6")
    assert script_errors(page) == []


def test_a_broken_zip_and_an_empty_file_end_with_a_reason_in_words(page, cabinet):
    sign_in_as_admin(page)
    for files, reason in (({"name": "broken.zip", "mimeType": "application/zip", "buffer": b"not a zip at all"},
                           "повреждён"),
                          ({"name": "students.csv", "mimeType": "text/csv", "buffer": b""}, "пуст")):
        open_uploads(page, cabinet)
        send_by_keyboard(page, files)
        ended(page, "не удалась")
        problem = page.get_by_role("alert").filter(has_text="Загрузка не удалась: ничего не записано.")
        expect(problem).to_contain_text(reason)
    shots(page, "upload-failed")
    assert script_errors(page) == []
