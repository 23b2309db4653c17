"""Mail and SMS to addresses the caller does not own (issue 12, items 13 and 14): invitations are
counted per parent and per child, atomically; SMS alerts go only to a phone its owner confirmed
with a texted code."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.conftest import sent_emails, unique_email
from tests.functional import test_alerts
from tests.functional.test_alerts import grade, new_phone, put, sent_sms
from tests.journeys import get, linked_parent, login, patch, post, verified_account

# The alert tests' school (a pupil, a linked parent with a confirmed phone) and clock (standing still
# at 12:00 in Moscow, quotas included: a test with `daytime` needs no `mid_hour`)
base, school, daytime = test_alerts.base, test_alerts.school, test_alerts.daytime


@pytest.fixture
def mid_hour(monkeypatch, client):
    """The one clock stands still in the middle of an hour, so no quota window ends inside a test:
    this hour's middle, or the last hour's when this one's is still ahead (never ahead of the real
    time: the stream stamps changes with that, and a link made "later" than a change hears nothing)."""
    from chalicelib import clock

    at = int(time.time()) // 3600 * 3600 + 1800
    if at > time.time():
        at -= 3600
    monkeypatch.setattr(clock, "now", lambda: datetime.fromtimestamp(at, UTC))
    from chalicelib.domain.accounts import forget_client

    forget_client("127.0.0.1")  # the conftest's reset ran on the real clock, maybe another window
    return at


def invite(client, student_id, token, email=None):
    return post(client, f"/children/{student_id}/invitations",
                {"email": email or unique_email("guest"), "role": "relative", "scope": ["grades"]}, token)


def test_the_eleventh_invitation_in_an_hour_is_refused_and_sends_nothing(client, pump, mid_hour):
    from chalicelib.domain import quotas

    _, _, student_id, _, token = linked_parent(client, pump)
    limit = quotas.INVITATIONS_PER_PARENT_HOUR.times
    invited = [unique_email("guest") for _ in range(limit + 1)]
    for email in invited[:limit]:
        assert invite(client, student_id, token, email).status_code == 201
    refused = invite(client, student_id, token, invited[limit])
    assert refused.status_code == 429, refused.body
    assert refused.json_body["error"]["code"] == "too_many_invitations"
    assert int(refused.headers["Retry-After"]) == 1800  # until the hour's window ends
    pump.drain()
    assert [len(sent_emails(email)) for email in invited] == [1] * limit + [0]
    pending = get(client, f"/children/{student_id}/invitations?limit=100", token).json_body["items"]
    assert invited[limit] not in {item["email"] for item in pending} and len(pending) == limit

    _, _, other_child, _, other_parent = linked_parent(client, pump)
    assert invite(client, other_child, other_parent).status_code == 201  # another inviter is unaffected


def test_a_child_gets_a_bounded_number_of_invitations_whichever_parent_sends_them(client, pump, mid_hour,
                                                                                  monkeypatch):
    from chalicelib.domain import quotas
    from tests.functional.test_alerts import link

    monkeypatch.setattr(quotas, "INVITATIONS_PER_CHILD_DAY", quotas.Quota("INVITATIONS-CHILD-DAY", 3, quotas.DAY))
    school_id, _, student_id, _, mother = linked_parent(client, pump)
    father_email = verified_account(client, pump)
    father = login(client, father_email)["access_token"]
    link(student_id, get(client, "/me", father).json_body["account_id"], school_id)
    assert [invite(client, student_id, token).status_code for token in (mother, mother, father, father)] == \
        [201, 201, 201, 429]


def test_parallel_invitations_never_pass_the_limit(client, pump, mid_hour):
    from chalicelib.domain import children, quotas
    from chalicelib.errors import TooManyAttemptsError

    _, _, student_id, _, token = linked_parent(client, pump)
    parent_id = get(client, "/me", token).json_body["account_id"]

    def one(n):
        try:
            children.invite(parent_id, student_id, unique_email(f"p{n}"), "tutor", ["homework"])
            return "invited"
        except TooManyAttemptsError as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(one, range(25)))
    limit = quotas.INVITATIONS_PER_PARENT_HOUR.times
    assert outcomes.count("invited") == limit and outcomes.count("too_many_invitations") == 25 - limit
    hour = quotas.windows([(quotas.INVITATIONS_PER_PARENT_HOUR, parent_id)], mid_hour)[0]
    from chalicelib.dal import quotas as counters

    assert counters.used(hour) == limit
    assert len(children.list_invitations(parent_id, student_id, 100, None)["items"]) == limit


# --- item 14: SMS only to a confirmed phone -----------------------------------------------------


def texted_code(pump, phone):
    """The six-digit code last texted to the number."""
    import re

    pump.drain()
    codes = [m for m in sent_sms(phone) if re.search(r"\b\d{6}\b", m)]
    assert codes, f"no code was texted to {phone}"
    return re.search(r"\b(\d{6})\b", codes[-1]).group(1)


def alert_sms(phone):
    """SMS alerts to the number (a code is not an alert)."""
    return [m for m in sent_sms(phone) if "код подтверждения" not in m and "confirmation code" not in m]


def test_a_changed_number_is_unverified_gets_no_sms_alert_and_does_once_confirmed(client, pump, school, daytime):
    token = school["parent"]
    assert put(client, school["prefs"], {"channels": {"new_grade": "sms"}, "quiet_hours": None},
               token).status_code == 200
    assert get(client, "/me", token).json_body["phone_verified"] is True
    number = new_phone()
    changed = patch(client, "/me", {"phone": number}, token)
    assert changed.status_code == 200, changed.body
    assert (changed.json_body["phone"], changed.json_body["phone_verified"]) == (number, False)
    code = texted_code(pump, number)
    [text] = sent_sms(number)
    assert text.startswith(code) and len(text) <= 70  # one UCS-2 segment

    grade(client, school, 3)
    pump.drain()
    assert alert_sms(number) == [] and alert_sms(school["phone"]) == []  # neither the new nor the old number
    assert get(client, school["prefs"], token).json_body["sms_available"] is False

    confirmed = post(client, "/me/phone/verify", {"code": code}, token)
    assert confirmed.status_code == 200, confirmed.body
    assert get(client, "/me", token).json_body["phone_verified"] is True
    grade(client, school, 4)
    pump.drain()
    [alert] = alert_sms(number)
    assert alert.startswith("Пётр: 4")


def test_a_held_or_queued_sms_is_not_sent_once_its_number_changed(client, pump, school, daytime):
    from chalicelib.dal import alerts as store

    job = {"type": "deliver", "key": f"alert:held-{school['parent_id']}", "kind": "new_grade", "channel": "sms",
           "account_id": school["parent_id"], "student_id": school["pupil"], "language": "ru",
           "to": school["phone"], "data": {"child": "Пётр", "value": 5, "subject": "Математика",
                                           "date": "2026-09-07", "teacher": "", "remark": None,
                                           "corrected": False}}
    assert patch(client, "/me", {"phone": new_phone()}, school["parent"]).status_code == 200
    store.enqueue([job])  # as release_due queues an SMS held for the morning
    pump.drain()
    assert alert_sms(school["phone"]) == []
    assert (store.get_alert(job["key"]).status, store.get_alert(job["key"]).error) == ("skipped", "phone_unverified")


def test_news_sms_go_only_to_confirmed_numbers(client, pump, school, daytime):
    from chalicelib.dal import alerts as store

    token = school["parent"]
    assert put(client, school["prefs"], {"channels": {"news": "both"}, "quiet_hours": None},
               token).status_code == 200
    number = new_phone()
    assert patch(client, "/me", {"phone": number}, token).status_code == 200
    news = post(client, f"/schools/{school['id']}/news", {"title": "Субботник", "body": "В субботу в 10:00."},
                school["admin"])
    assert news.status_code == 201, news.body
    pump.drain()
    assert alert_sms(number) == [] and alert_sms(school["phone"]) == []
    # A batch planned while the number was still confirmed (held for the morning) is checked again
    store.enqueue([{"type": "news_sms", "channel": "sms", "school_id": school["id"],
                    "news_id": news.json_body["news_id"], "key": f"news:{news.json_body['news_id']}:sms:late",
                    "phones": [[number, "ru", school["parent_id"]], [school["phone"], "ru"]]}])
    pump.drain()
    assert alert_sms(number) == [] and alert_sms(school["phone"]) == []


def test_five_wrong_codes_spend_it_and_a_new_code_works(client, pump, mid_hour):
    token = login(client, verified_account(client, pump))["access_token"]
    number = new_phone()
    assert patch(client, "/me", {"phone": number}, token).status_code == 200
    code = texted_code(pump, number)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [post(client, "/me/phone/verify", {"code": wrong}, token) for _ in range(5)]
    assert {(a.status_code, a.json_body["error"]["code"]) for a in answers} == {(400, "code_invalid")}
    spent = post(client, "/me/phone/verify", {"code": code}, token)
    assert (spent.status_code, spent.json_body["error"]["code"]) == (429, "code_attempts_exceeded")
    assert get(client, "/me", token).json_body["phone_verified"] is False

    assert post(client, "/me/phone/code", {}, token).status_code == 202
    fresh = texted_code(pump, number)
    assert post(client, "/me/phone/verify", {"code": code}, token).status_code == 400  # the old code is gone
    assert post(client, "/me/phone/verify", {"code": fresh}, token).json_body["phone_verified"] is True
    again = post(client, "/me/phone/code", {}, token)
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "phone_already_verified")


def test_parallel_guesses_get_at_most_five_checks(client, pump, mid_hour):
    from chalicelib.domain import phones
    from chalicelib.errors import DiaryError

    token = login(client, verified_account(client, pump))["access_token"]
    account_id = get(client, "/me", token).json_body["account_id"]
    number = new_phone()
    assert patch(client, "/me", {"phone": number}, token).status_code == 200
    code = texted_code(pump, number)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"

    def guess(_):
        try:
            phones.verify(account_id, wrong)
            return "verified"
        except DiaryError as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(guess, range(20)))
    assert outcomes.count("code_invalid") == phones.MAX_CODE_ATTEMPTS
    assert outcomes.count("code_attempts_exceeded") == 20 - phones.MAX_CODE_ATTEMPTS


def test_codes_are_throttled_per_account_and_per_number(client, pump, mid_hour):
    from chalicelib.domain import quotas

    first = login(client, verified_account(client, pump))["access_token"]
    number = new_phone()
    assert patch(client, "/me", {"phone": number}, first).status_code == 200
    per_hour = quotas.PHONE_CODES_PER_ACCOUNT_HOUR.times
    assert [post(client, "/me/phone/code", {}, first).status_code for _ in range(per_hour)] == \
        [202] * (per_hour - 1) + [429]
    refused = patch(client, "/me", {"phone": new_phone(), "name": "Петрова Ольга"}, first)
    assert (refused.status_code, refused.json_body["error"]["code"]) == (429, "too_many_codes")
    assert int(refused.headers["Retry-After"]) == 1800
    me = get(client, "/me", first).json_body
    assert (me["phone"], me["name"]) == (number, "Иванова Мария Петровна")  # nothing half-changed

    # Other accounts typing the same number share its daily quota
    per_number = quotas.PHONE_CODES_PER_NUMBER_DAY.times
    second = login(client, verified_account(client, pump))["access_token"]
    assert patch(client, "/me", {"phone": number}, second).status_code == 200
    third = login(client, verified_account(client, pump))["access_token"]
    assert patch(client, "/me", {"phone": number}, third).status_code == 200
    assert per_number == per_hour + 2
    last = patch(client, "/me", {"phone": number}, login(client, verified_account(client, pump))["access_token"])
    assert (last.status_code, last.json_body["error"]["code"]) == (429, "too_many_codes")
    pump.drain()
    assert len(sent_sms(number)) == per_number


def test_phone_routes_answer_clearly(client, pump):
    token = login(client, verified_account(client, pump))["access_token"]
    missing = post(client, "/me/phone/code", {}, token)
    assert (missing.status_code, missing.json_body["error"]["code"]) == (400, "phone_missing")
    assert post(client, "/me/phone/verify", {"code": "12345"}, token).status_code == 422
    nothing = post(client, "/me/phone/verify", {"code": "123456"}, token)
    assert (nothing.status_code, nothing.json_body["error"]["code"]) == (400, "code_invalid")
    assert patch(client, "/me", {"phone": None}, token).json_body["phone_verified"] is False
