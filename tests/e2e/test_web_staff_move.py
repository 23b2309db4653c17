"""Moving a lesson to another day and the lesson page's conflicts, in a real browser (issue 15): the demo
administrator moves a 5А lesson to the next day from the timetable (one call: the old one shows
cancelled, the new one on its day, and the demo parent's week shows both); a lesson with a grade is
refused next to «Дата»; a teacher's stale topic edit shows both values and either choice works.
axe and screenshots at 1280×800 and 768×1024 without sideways scrolling."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_web_staff_journal import TEACHER, _api, _demo, _sign_in_to
from tests.e2e.test_web_staff_timetable import _admin, _checked

PARENT = ("parent@demo.ediary.example", "Demo-Parent-2026")
run = random.Random()


def _lesson(cabinet: Any, demo: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """A mathematics lesson of 5А on a day at a free afternoon time (each test and rerun its own)."""
    for _ in range(100):
        minute = run.randrange(15 * 60, 19 * 60)
        body = {"date": day.isoformat(), "starts_at": f"{minute // 60:02d}:{minute % 60:02d}",
                "ends_at": f"{(minute + 40) // 60:02d}:{(minute + 40) % 60:02d}", "subject_id": demo["maths"],
                "teacher_id": demo["teacher_id"], "room": "214"}
        path = f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons"
        free = {x["starts_at"] for d in (day, day + dt.timedelta(days=1)) for x in _api(
            cabinet, "GET", f"{path}?from={d.isoformat()}&to={d.isoformat()}", demo["admin"])["items"]}
        if body["starts_at"] not in free:
            return dict(_api(cabinet, "POST", path, demo["admin"], json=body))
    raise AssertionError("no free time")


def _a_weekday_next_week() -> dt.date:
    """Monday to Thursday of next week, so the next day is in the same week."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday() + run.randrange(0, 4))


def _open_move(page: Any, lesson: Any) -> None:
    lesson.get_by_role("button", name="Перенести").focus()
    page.keyboard.press("Enter")
    expect(lesson.get_by_label("Начало")).to_be_focused()  # the times first (most moves keep the day), then «Дата»


def test_the_administrator_moves_a_lesson_to_another_day_and_the_parent_sees_both(page, cabinet):
    demo = _demo(cabinet)
    day = _a_weekday_next_week()
    lesson = _lesson(cabinet, demo, day)
    starts, ends, new_day = lesson["starts_at"], lesson["ends_at"], day + dt.timedelta(days=1)
    monday = day - dt.timedelta(days=day.weekday())
    _admin(page, cabinet, "timetable", f"?class={demo['class_id']}&week={monday.isoformat()}")
    main = page.locator("main")
    item = main.locator(".lesson").filter(has_text=f"{starts}–{ends}")
    expect(item).to_have_count(1)
    _open_move(page, item)
    item.get_by_label("Дата").fill(new_day.isoformat())
    _checked(page, "move-form")
    item.get_by_label("Дата").press("Enter")
    status = main.locator("p.live")
    expect(status).to_contain_text("Урок перенесён на другой день: Математика")
    expect(status).to_contain_text("на старом месте он отменён")
    expect(status).to_be_focused()
    days = main.locator("section.day")
    old = days.nth(day.weekday()).locator(".lesson").filter(has_text=f"{starts}–{ends}")
    new = days.nth(new_day.weekday()).locator(".lesson").filter(has_text=f"{starts}–{ends}")
    expect(old).to_have_class("lesson cancelled")
    expect(old).to_contain_text("отменён")
    expect(new).to_have_count(1)
    expect(new).not_to_have_class("lesson cancelled")
    expect(new).to_contain_text("каб. 214")
    _checked(page, "moved")
    assert page.script_errors == []

    # The demo parent's week: the old day's lesson cancelled, the new day's one there.
    parent = cabinet.login(*PARENT)
    pyotr = _api(cabinet, "GET", "/children", parent)["items"][0]["student_id"]
    deadline = time.monotonic() + 60
    while True:
        week = _api(cabinet, "GET", f"/children/{pyotr}/week?date={day.isoformat()}", parent)
        at = {(d["date"], x["starts_at"]): x for d in week["days"] for x in d["lessons"] if x["starts_at"] == starts}
        both = at.get((day.isoformat(), starts)), at.get((new_day.isoformat(), starts))
        if both[0] and both[0]["cancelled"] and both[1]:
            break
        assert time.monotonic() < deadline, f"the parent's week never showed both: {at}"
        time.sleep(1)
    assert both[1]["cancelled"] is False


def test_a_lesson_with_a_grade_is_not_moved_to_another_day(page, cabinet):
    demo = _demo(cabinet)
    day = _a_weekday_next_week()
    lesson = _lesson(cabinet, demo, day)
    journal = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/journal?subject_id="
                   f"{demo['maths']}", demo["teacher"])
    pupil = journal["students"][0]["student_id"]
    _api(cabinet, "POST", f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons/{lesson['lesson_id']}/grades",
         demo["teacher"], json={"student_id": pupil, "value": 5})
    monday = day - dt.timedelta(days=day.weekday())
    _admin(page, cabinet, "timetable", f"?class={demo['class_id']}&week={monday.isoformat()}")
    item = page.locator("main .lesson").filter(has_text=f"{lesson['starts_at']}–{lesson['ends_at']}")
    _open_move(page, item)
    item.get_by_label("Дата").fill((day + dt.timedelta(days=1)).isoformat())
    item.get_by_label("Дата").press("Enter")
    date_field = item.locator('[data-field="date"]')
    expect(date_field.locator(".field-error")).to_contain_text("У урока уже есть оценки или отметки посещаемости")
    expect(date_field.locator("input")).to_be_focused()
    _checked(page, "move-refused")
    week = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons?from={day.isoformat()}"
                f"&to={(day + dt.timedelta(days=1)).isoformat()}", demo["admin"])["items"]
    mine = [x for x in week if x["starts_at"] == lesson["starts_at"]]
    assert [(x["lesson_id"], x["cancelled"]) for x in mine] == [(lesson["lesson_id"], False)]


def test_a_stale_topic_edit_shows_both_values_and_the_teacher_chooses(page, cabinet):
    demo = _demo(cabinet)
    lesson = _lesson(cabinet, demo, _a_weekday_next_week())
    path = f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons/{lesson['lesson_id']}"
    due = {"due_date": lesson["date"]}
    _api(cabinet, "PUT", f"{path}/homework", demo["teacher"], json={"text": "№ 1", **due})
    _sign_in_to(page, f"/teach/{demo['s']}/classes/{demo['class_id']}/lessons/{lesson['lesson_id']}", *TEACHER,
                then="form")
    topic = page.get_by_label("Тема урока")
    mine, theirs = f"Дроби {uuid.uuid4().hex[:5]}", f"Проценты {uuid.uuid4().hex[:5]}"
    topic.fill(mine)
    # Another screen sets the topic between the page's read and its save.
    _api(cabinet, "PUT", f"{path}/topic", demo["teacher"], json={"topic": theirs, "version": lesson["version"]})
    topic.press("Enter")
    form = page.locator("main form").first
    choice = form.locator(".conflict-choice")
    expect(choice).to_have_attribute("role", "status")
    expect(choice.locator("p")).to_have_text(f"Запись уже изменили: сейчас: «{theirs}», вы написали: «{mine}».")
    expect(choice.get_by_role("button", name="Оставить")).to_be_focused()
    _checked(page, "lesson-conflict")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # «Записать моё»: the same edit at their version
    expect(form.locator(".notice")).to_have_text("Сохранено.")
    expect(choice).to_have_count(0)
    day = lesson["date"]
    listed = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons?from={day}&to={day}",
                  demo["teacher"])["items"]
    now = next(x for x in listed if x["lesson_id"] == lesson["lesson_id"])
    assert (now["topic"], now["version"]) == (mine, 3)

    # Again stale; this time «Оставить»: the field shows theirs, nothing is written.
    again = f"Уравнения {uuid.uuid4().hex[:5]}"
    _api(cabinet, "PUT", f"{path}/topic", demo["teacher"], json={"topic": again, "version": 3})
    topic.fill(f"{mine} и задачи")
    topic.press("Enter")
    expect(choice.get_by_role("button", name="Оставить")).to_be_focused()
    page.keyboard.press("Enter")
    expect(topic).to_have_value(again)
    expect(form.locator(".notice")).to_have_text("Оставлено как есть.")
    listed = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons?from={day}&to={day}",
                  demo["teacher"])["items"]
    assert next(x for x in listed if x["lesson_id"] == lesson["lesson_id"])["version"] == 4
    # and a save now goes through at the kept version
    topic.fill(mine)
    topic.press("Enter")
    expect(form.locator(".notice")).to_have_text("Сохранено.")

    # The homework the same way: changed elsewhere, then saved here; «Записать моё» wins at their version.
    _api(cabinet, "PUT", f"{path}/homework", demo["teacher"], json={"text": "№ 2", "version": 1, **due})
    homework = page.locator("main form").nth(1)
    homework.get_by_label("Задание", exact=True).fill("№ 3")
    homework.get_by_role("button", name="Сохранить задание").click()
    expect(homework.locator(".conflict-choice p")).to_have_text(
        "Запись уже изменили: сейчас: «№ 2», вы написали: «№ 3».")
    homework.get_by_role("button", name="Записать моё").click()
    expect(homework.locator(".notice")).to_have_text("Сохранено.")
    listed = _api(cabinet, "GET", f"/schools/{demo['s']}/classes/{demo['class_id']}/lessons?from={day}&to={day}",
                  demo["teacher"])["items"]
    assert next(x for x in listed if x["lesson_id"] == lesson["lesson_id"])["homework"]["text"] == "№ 3"
    assert page.script_errors == []
