"""The administrator's timetable, events and news in a real browser (issue 15): the demo administrator
adds a lesson to 5А's week by keyboard (a lesson ending before it starts is refused next to «Конец»),
moves it and cancels it, and the demo parent's week shows the change; publishes an event for 5А that
the parent's events page lists; posts news and watches its counts rise to the parent's email.
Each page passes axe and is photographed at 1280×800 and 768×1024 without sideways scrolling."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any
from urllib.parse import quote

import requests
from playwright.sync_api import expect

from tests.e2e.browser import SCREENSHOTS, axe_violations, no_horizontal_scroll

ADMIN = ("admin@demo.ediary.example", "Demo-Admin-2026")
PARENT = ("parent@demo.ediary.example", "Demo-Parent-2026")
SIZES = (("1280", {"width": 1280, "height": 800}), ("768", {"width": 768, "height": 1024}))
run = random.Random()  # unique titles and times per run: tests share one local system per worker


def _api(cabinet: Any, method: str, path: str, auth: dict[str, str], **kwargs: Any) -> Any:
    answer = requests.request(method, cabinet.api + path, headers=auth, timeout=90, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def _checked(page: Any, name: str) -> None:
    """axe finds nothing serious; the page at 1280×800 and 768×1024 under build/screenshots/."""
    assert axe_violations(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        page.screenshot(path=str(SCREENSHOTS / f"staff-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES[0][1])


def _admin(page: Any, cabinet: Any, section: str, query: str = "") -> None:
    """Signs in as the demo administrator (Enter in the form) straight into a section of the demo school."""
    path = f"/school/{cabinet.school_id}/{section}"
    page.goto("/#/signin?next=" + quote(path + query, safe=""))
    page.get_by_label("Электронная почта").fill(ADMIN[0])
    page.get_by_label("Пароль").fill(ADMIN[1])
    page.get_by_label("Пароль").press("Enter")
    page.wait_for_url(f"**/#{path}**")
    page.locator("main .section-nav").wait_for()
    expect(page.locator("main .loading")).to_have_count(0)


def _demo(cabinet: Any) -> tuple[dict[str, str], str, str]:
    """The parent's API header, Пётр's id and 5А's id."""
    parent = cabinet.login(*PARENT)
    pyotr = _api(cabinet, "GET", "/children", parent)["items"][0]
    return parent, pyotr["student_id"], pyotr["class_id"]


def _tab_to(page: Any, target: Any, limit: int = 60) -> None:
    """Presses Tab until the target has the focus (the keyboard path a reader takes)."""
    for _ in range(limit):
        if target.evaluate("(node) => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("Tab never reached the control")


def test_the_administrator_adds_moves_and_cancels_a_lesson_by_keyboard(page, cabinet):
    parent, pyotr, class_5a = _demo(cabinet)
    day = dt.date.today() + dt.timedelta(days=7 + run.randrange(0, 5))
    monday = day - dt.timedelta(days=day.weekday())
    hour, minute = run.randrange(15, 19), run.randrange(0, 4) * 15 + run.randrange(0, 3)
    starts, ends = f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute + 10:02d}"
    _admin(page, cabinet, "timetable", f"?class={class_5a}&week={monday.isoformat()}")
    main = page.locator("main")
    expect(main.get_by_text("Семьи класса получают оповещение")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name="5А", exact=False).first).to_be_visible()

    add = page.locator(".timetable-add form")
    _tab_to(page, add.get_by_label("Дата"))  # the form is on the Tab path
    add.get_by_label("Дата").fill(day.isoformat())
    add.get_by_label("Начало").focus()
    page.keyboard.type(starts.replace(":", ""))  # a time field takes the digits
    add.get_by_label("Конец").focus()
    page.keyboard.type(f"{hour - 1:02d}{minute:02d}")  # ends before it starts
    add.get_by_label("Предмет").select_option(label="Математика")
    add.get_by_label("Кабинет").focus()
    page.keyboard.type("301")
    page.keyboard.press("Enter")
    ends_field = add.locator('[data-field="ends_at"]')
    expect(ends_field.locator(".field-error")).to_have_text("Урок должен заканчиваться позже, чем начинается.")
    expect(ends_field.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(ends_field.locator("input")).to_be_focused()
    _checked(page, "timetable-error")

    page.keyboard.type(ends.replace(":", ""))
    page.keyboard.press("Enter")
    status = main.locator("p.live")
    expect(status).to_contain_text("Урок добавлен: Математика")
    lesson = main.locator(".lesson").filter(has_text=f"{starts}–{ends}")
    expect(lesson).to_contain_text("каб. 301")

    # Move it an hour later, by keyboard: the button, then the form's first field has the focus.
    later, later_end = f"{hour + 1:02d}:{minute:02d}", f"{hour + 1:02d}:{minute + 10:02d}"
    lesson.get_by_role("button", name="Перенести").focus()
    page.keyboard.press("Enter")
    expect(lesson.get_by_label("Начало")).to_be_focused()
    page.keyboard.type(later.replace(":", ""))
    lesson.get_by_label("Конец").focus()  # Tab would walk the field's own parts (hours, minutes, AM/PM)
    page.keyboard.type(later_end.replace(":", ""))
    _checked(page, "timetable-move")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Урок перенесён")
    moved = main.locator(".lesson").filter(has_text=f"{later}–{later_end}")
    expect(moved).to_have_count(1)

    # Cancel it: a confirmation first, its button has the focus.
    moved.get_by_role("button", name="Отменить").focus()
    page.keyboard.press("Enter")
    expect(moved.get_by_text("Семьи получат оповещение")).to_be_visible()
    expect(moved.get_by_role("button", name="Да, отменить")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Урок отменён")
    cancelled = main.locator(".lesson.cancelled").filter(has_text=f"{later}–{later_end}")
    expect(cancelled).to_contain_text("отменён")
    _checked(page, "timetable")
    assert page.script_errors == []

    # The demo parent's week shows the lesson moved and cancelled.
    week = _api(cabinet, "GET", f"/children/{pyotr}/week", parent, params={"date": day.isoformat()})
    [mine] = [x for d in week["days"] for x in d["lessons"] if x["starts_at"] == later and d["date"] == day.isoformat()]
    assert mine["cancelled"] is True and mine["ends_at"] == later_end


def test_the_administrator_publishes_an_event_the_parent_sees(page, cabinet):
    parent, pyotr, _ = _demo(cabinet)
    title = f"День науки {run.randrange(10**6)}"
    day = dt.date.today() + dt.timedelta(days=3)
    _admin(page, cabinet, "events")
    publish = page.locator("main form")
    publish.get_by_label("Название").fill(title)
    publish.get_by_label("Дата").fill(day.isoformat())
    publish.get_by_label("Место").fill("Актовый зал")
    chosen = publish.get_by_label("Для выбранных классов")
    _tab_to(page, publish.get_by_label("Для всей школы"))
    page.keyboard.press("ArrowDown")  # the radio group moves to «chosen classes»
    expect(chosen).to_be_checked()
    publish.get_by_role("button", name="Опубликовать событие").focus()
    page.keyboard.press("Enter")  # no class ticked yet: said next to the classes
    expect(publish.locator('[data-field="class_ids"] .field-error')).to_have_text("Отметьте хотя бы один класс.")
    publish.get_by_label("5А", exact=True).focus()
    page.keyboard.press("Space")
    publish.get_by_role("button", name="Опубликовать событие").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main p.live")).to_contain_text(f"Событие «{title}» опубликовано")
    expect(page.locator(".event-list li").filter(has_text=title)).to_contain_text("5А")
    _checked(page, "events")
    assert page.script_errors == []
    events = _api(cabinet, "GET", f"/children/{pyotr}/events", parent)
    assert title in [e["title"] for e in events["items"]]


def test_the_administrator_posts_news_and_watches_its_delivery_counts(page, cabinet):
    title = f"Школьная газета {run.randrange(10**6)}"
    _admin(page, cabinet, "news")
    post = page.locator("main form")
    post.get_by_label("Заголовок").fill(title)
    post.get_by_label("Текст").fill("Вышел новый номер.")
    post.get_by_role("button", name="Опубликовать новость").focus()
    page.keyboard.press("Enter")
    live = page.locator("main p.live")
    expect(live).to_contain_text(f"Новость «{title}» опубликована")
    item = page.locator(".news-item").filter(has_text=title)
    emails = item.locator(".counts div").filter(has_text="Писем отправлено").locator("dd")
    expect(emails).to_have_text("0")
    # The page reads the counts again while the delivery goes on, and says when it is over.
    expect(live).to_contain_text(f"Рассылка «{title}» закончена", timeout=150_000)
    sent = emails.inner_text()
    assert int(sent) >= 1
    assert title in json.dumps(cabinet.mailbox(PARENT[0]), ensure_ascii=False)
    _checked(page, "news")
    # Opened again, the list (GET …/news, newest first) shows the item first, counts and all.
    page.reload()
    expect(page.locator(".news-item").first).to_contain_text(title)
    expect(page.locator(".news-item").first.locator(".counts dd").nth(1)).to_have_text(sent)
    assert page.script_errors == []
