"""A school's news listed for its administrator (GET /schools/{id}/news): newest first, paged,
one Query of the school's news index, each item with its delivery counts, held SMS included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import sent_sms
from tests.functional.test_alerts import base, daytime, put, school  # noqa: F401 (fixtures)
from tests.journeys import get, post, school_with_admin


def test_news_are_listed_newest_first_page_by_page_with_their_counts(client, pump, daytime):  # noqa: F811
    school_id, admin = school_with_admin(client, pump)
    ids = []
    for n in range(3):
        daytime["at"] = datetime(2026, 9, 7, 9, 0, tzinfo=UTC) + timedelta(minutes=n)
        created = post(client, f"/schools/{school_id}/news", {"title": f"Новость {n}", "body": "Текст"}, admin)
        assert created.status_code == 201, created.body
        ids.append(created.json_body["news_id"])
    pump.drain()
    first = get(client, f"/schools/{school_id}/news?limit=2", admin)
    assert first.status_code == 200, first.body
    assert [i["news_id"] for i in first.json_body["items"]] == [ids[2], ids[1]]
    assert first.json_body["next_cursor"]
    item = first.json_body["items"][0]
    assert item["title"] == "Новость 2" and item["state"] == "done"  # nobody in a new school to tell
    assert {k: item[k] for k in ("emails_sent", "sms_sent", "held", "failed")} == dict.fromkeys(
        ("emails_sent", "sms_sent", "held", "failed"), 0)
    rest = get(client, f"/schools/{school_id}/news?limit=2&cursor={first.json_body['next_cursor']}", admin)
    assert rest.status_code == 200, rest.body
    assert [i["news_id"] for i in rest.json_body["items"]] == [ids[0]]
    assert rest.json_body["next_cursor"] is None


def test_only_the_schools_administrator_lists_its_news(client, pump, school):  # noqa: F811
    other_id, other_admin = school_with_admin(client, pump)
    assert get(client, f"/schools/{school['id']}/news", school["teacher"]).status_code == 403
    assert get(client, f"/schools/{school['id']}/news", other_admin).status_code == 403
    assert get(client, f"/schools/{school['id']}/news", school["parent"]).status_code == 403
    assert get(client, f"/schools/{other_id}/news", other_admin).json_body == {"items": [], "next_cursor": None}
    assert get(client, f"/schools/{school['id']}/news?limit=0", school["admin"]).status_code in (400, 422)


def test_an_sms_held_for_the_morning_is_counted_held_until_it_leaves(client, pump, school, daytime):  # noqa: F811
    from chalicelib.domain import alerts

    assert put(client, school["prefs"], {"channels": {"news": "sms"}}, school["parent"]).status_code == 200
    daytime["at"] = datetime(2026, 9, 21, 19, 30, tzinfo=UTC)  # 22:30 in Moscow: quiet hours
    news = post(client, f"/schools/{school['id']}/news", {"title": "Поздняя новость", "body": "Текст"},
                school["admin"]).json_body
    pump.drain()
    [listed] = [i for i in get(client, f"/schools/{school['id']}/news", school["admin"]).json_body["items"]
                if i["news_id"] == news["news_id"]]
    assert listed["state"] == "sending" and listed["held"] >= 1
    held = listed["held"]
    alerts.release_due(datetime(2026, 9, 22, 5, 5, tzinfo=UTC))  # 08:05
    pump.drain()
    assert sent_sms(school["phone"])
    morning = get(client, f"/schools/{school['id']}/news/{news['news_id']}", school["admin"]).json_body
    assert (morning["state"], morning["held"]) == ("done", 0)
    assert morning["sms_sent"] + morning["failed"] >= held
