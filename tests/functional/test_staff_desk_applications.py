"""The school's applications desk (issue 15): one application read by its school (another school's
is not found), and the approved applications the queue lost (dead-lettered or stuck), listed as
needing attention and sent again by approving them once more (docs/staff.md, «The applications desk»)."""

from __future__ import annotations

import datetime as dt

from chalicelib import clock
from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    operator_token,
    post,
    school_class,
    school_with_admin,
    verified_account,
)


def _school(client, pump):
    """A school and its administrator's email (to log in again once the clock has moved)."""
    operator = operator_token(client)
    school = post(client, "/schools", {"name": "ГБОУ Школа № 57", "address": "Малый Знаменский пер., 7"}, operator)
    assert school.status_code == 201, school.body
    admin_email = verified_account(client, pump, name="Смирнов Алексей Викторович")
    granted = post(client, f"/schools/{school.json_body['school_id']}/administrators", {"email": admin_email}, operator)
    assert granted.status_code == 201, granted.body
    return school.json_body["school_id"], admin_email


def _parent(client, pump):
    email = verified_account(client, pump, name="Кузнецова Ольга Сергеевна")
    return email, login(client, email)["access_token"]


def test_the_school_reads_one_application_with_its_applicant_and_another_school_does_not(client, pump):
    school_id, admin = school_with_admin(client, pump)
    other_school, other_admin = school_with_admin(client, pump)
    email, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)

    one = get(client, f"/schools/{school_id}/applications/{application_id}", admin)
    assert one.status_code == 200, one.body
    body = one.json_body
    assert (body["application_id"], body["state"], body["child_last_name"], body["class_name"]) == (
        application_id, "pending", CHILD["child_last_name"], "5А")
    assert body["applicant"]["email"] == email and body["applicant"]["name"] == "Кузнецова Ольга Сергеевна"
    assert body["applicant"]["relation"] == "mother" and body["needs_attention"] is False
    assert body["matched_student"] is None and body["candidates"] == []

    for school, token in ((other_school, other_admin), (other_school, admin)):
        refused = get(client, f"/schools/{school}/applications/{application_id}", token)
        assert refused.status_code in (403, 404), refused.body
    assert get(client, f"/schools/{other_school}/applications/{application_id}", other_admin).status_code == 404
    assert get(client, f"/schools/{school_id}/applications/{application_id}", parent).status_code == 403
    missing = get(client, f"/schools/{school_id}/applications/nosuchapplication", admin)
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "application_not_found"


def test_an_approved_application_the_queue_lost_needs_attention_and_approving_again_completes_it(
        client, pump, monkeypatch):
    school_id, admin_email = _school(client, pump)
    admin = login(client, admin_email)["access_token"]
    enrol(client, school_id, admin, school_class(client, school_id, admin))
    email, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)
    check_and_approve(client, school_id, admin, application_id)  # the queue is not drained: the message waits
    base = f"/schools/{school_id}/applications"

    def attention():
        page = get(client, f"{base}?state=needs_attention", admin)
        assert page.status_code == 200, page.body
        return [a["application_id"] for a in page.json_body["items"]]

    assert attention() == []  # just approved: on its way
    assert get(client, f"{base}/{application_id}", admin).json_body["needs_attention"] is False

    later = clock.now() + dt.timedelta(hours=1, minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    admin = login(client, admin_email)["access_token"]  # the first login's access token has lapsed
    assert attention() == [application_id]
    assert get(client, f"{base}/{application_id}", admin).json_body["needs_attention"] is True
    approved = get(client, f"{base}?state=approved", admin).json_body["items"]
    assert [a["needs_attention"] for a in approved if a["application_id"] == application_id] == [True]
    # Searching among them by the applicant's name finds it; another name does not.
    assert [a["application_id"] for a in get(client, f"{base}?state=needs_attention&q=кузнец", admin)
            .json_body["items"]] == [application_id]
    assert get(client, f"{base}?state=needs_attention&q=zzz", admin).json_body["items"] == []

    again = post(client, f"{base}/{application_id}/approve", {}, admin)
    assert again.status_code == 200, again.body
    assert attention() == []  # approved again now: on its way once more
    assert len(emailed_access_code(pump, email)) == 8
    assert get(client, f"{base}/{application_id}", admin).json_body["state"] == "completed"
    assert attention() == []


def test_needs_attention_is_only_a_list_of_the_desk_not_a_state_to_file_or_a_bad_query(client, pump):
    school_id, admin = school_with_admin(client, pump)
    bad = get(client, f"/schools/{school_id}/applications?state=dead", admin)
    assert bad.status_code in (400, 422), bad.body
    assert "state" in str(bad.json_body["error"])
