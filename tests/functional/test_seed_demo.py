"""The demo school `make run` loads: made once, and mended when kept from an earlier start."""

from __future__ import annotations

import datetime as dt


def _children(email: str) -> list[str]:
    from chalicelib.dal import accounts as account_store
    from chalicelib.dal import children as child_store

    return [link.student_id for link in child_store.children_of(account_store.find_account_id(email), 10, None)]


def _this_week(school_id: str) -> list[dict]:
    from chalicelib.domain import journal, schools

    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    class_id = next(c["class_id"] for c in schools.list_classes(school_id, 100, None)["items"] if c["name"] == "5А")
    return journal.class_lessons(school_id, class_id, monday, monday + dt.timedelta(days=6))


def _roster_5a(school_id: str) -> list[str]:
    from chalicelib.domain import schools

    class_id = next(c["class_id"] for c in schools.list_classes(school_id, 100, None)["items"] if c["name"] == "5А")
    rows = schools.list_students(school_id, class_id, 100, None)["items"]
    return sorted((s["last_name"] for s in rows), key=lambda n: n != "Иванов")


def test_the_demo_is_made_once_and_a_kept_school_gets_its_parent_link_back(aws):
    from chalicelib.dal.models import DiaryItem
    from ops.seed_demo import PARENT, school_days, seed

    school_id = seed()
    [child] = _children(PARENT.email)
    lessons = _this_week(school_id)
    days = len(school_days(dt.date.today()))  # this week's school days up to today
    assert len(lessons) == 2 * days and lessons[0]["topic"] == "Натуральные числа"
    assert _roster_5a(school_id)[0] == "Иванов" and len(_roster_5a(school_id)) == 25  # a class for the journal
    assert seed() == school_id  # a restart: nothing doubles
    assert len(_roster_5a(school_id)) == 25
    assert _children(PARENT.email) == [child] and len(_this_week(school_id)) == 2 * days
    # a school kept from a start that stopped before the link was written
    from chalicelib.dal import accounts as account_store

    DiaryItem.get(f"STUDENT#{child}", f"ACCESS#{account_store.find_account_id(PARENT.email)}").delete()
    assert _children(PARENT.email) == []
    assert seed() == school_id
    assert _children(PARENT.email) == [child]
