"""Issue 17, item 1: a mistyped access code no longer locks the child out for good.

Each code has its own five tries; the account has a guessing throttle across codes; the parent,
the invited person, the child's parent and the school's administrator can have a code renewed
(the old one stops working, the new one is emailed the same way, rate-limited and audited)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.conftest import sent_emails
from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    post,
    school_class,
    school_with_admin,
    verified_account,
)
from tests.journeys import linked_parent as _linked_parent

SISTER = {**CHILD, "child_first_name": "Мария", "child_middle_name": "Петровна", "child_birth_date": "2017-02-03"}


@pytest.fixture(autouse=True)
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

    # The conftest's reset ran on the real clock: in an hour's first half that is another window
    # than the frozen one, whose counts would pile up test after test until a registration is refused.
    forget_client("127.0.0.1")
    return at


def _family(client, pump, children=(CHILD,)):
    """A school, its administrator, a parent with an approved (completed) application per child;
    returns the school, admin token, parent email, parent token and [(application, student, code)]."""
    school_id, admin = school_with_admin(client, pump)
    class_id = school_class(client, school_id, admin)
    parent_email = verified_account(client, pump)
    parent = login(client, parent_email)["access_token"]
    issued = []
    for child in children:
        student_id = enrol(client, school_id, admin, class_id, child)
        application_id = apply(client, parent, school_id, child)
        check_and_approve(client, school_id, admin, application_id)
        issued.append((application_id, student_id, emailed_access_code(pump, parent_email)))
    return school_id, admin, parent_email, parent, issued


def _redeem(client, token, code, **target):
    return post(client, "/children/redeem", {"code": code, **target}, token)


def _error(response):
    return response.status_code, response.json_body["error"]["code"]


def _attempts(account_id):
    from chalicelib.dal import children as store

    return {c.ref_id: int(c.attempts) for c in store.codes_of([f"ACCOUNT#{account_id}"])}


def test_a_wrong_code_at_one_code_does_not_spend_another(client, pump):
    _, _, _, parent, [(first, _, first_code), (second, second_student, second_code)] = \
        _family(client, pump, (CHILD, SISTER))
    account_id = get(client, "/me", parent).json_body["account_id"]
    for _ in range(5):
        assert _error(_redeem(client, parent, "ZZZZZZZZ", application_id=first)) == (400, "code_invalid")
    assert _attempts(account_id) == {first: 5, second: 0}
    # The first code is spent, even typed right…
    assert _error(_redeem(client, parent, first_code, application_id=first)) == (429, "code_attempts_exceeded")
    # …the second is untouched
    redeemed = _redeem(client, parent, second_code)
    assert redeemed.status_code == 200, redeemed.body
    assert redeemed.json_body["student_id"] == second_student
    # A wrong code that names no code, while several are live, spends none of them
    _, _, _, other, [(a, _, _), (b, _, _)] = _family(client, pump, (CHILD, SISTER))
    assert _error(_redeem(client, other, "ZZZZZZZZ")) == (400, "code_invalid")
    assert _attempts(get(client, "/me", other).json_body["account_id"]) == {a: 0, b: 0}


def test_five_wrong_codes_spend_the_code_then_a_new_one_works_and_the_old_one_not(client, pump):
    _, _, parent_email, parent, [(application_id, student_id, code)] = _family(client, pump)
    for _ in range(5):
        assert _error(_redeem(client, parent, "ZZZZZZZZ")) == (400, "code_invalid")
    assert _error(_redeem(client, parent, code)) == (429, "code_attempts_exceeded")

    renewed = post(client, f"/applications/{application_id}/code", {}, parent)
    assert renewed.status_code == 202, renewed.body
    assert renewed.json_body["purpose"] == "application" and renewed.json_body["attempts_left"] == 5
    assert renewed.json_body["valid_until"].endswith("+00:00")
    new_code = emailed_access_code(pump, parent_email)
    assert new_code != code
    assert sent_emails(parent_email)[-1]["subject"] == sent_emails(parent_email)[-2]["subject"]  # the same message

    assert _error(_redeem(client, parent, code)) == (400, "code_invalid")  # the old code is over
    assert _redeem(client, parent, new_code).status_code == 200
    trail = get(client, f"/children/{student_id}/audit", parent).json_body["items"]
    parent_id = get(client, "/me", parent).json_body["account_id"]
    assert [(e["action"], e["actor_account_id"]) for e in trail if e["action"] != "opened"] == [
        ("guardian_linked", parent_id), ("access_code_renewed", parent_id)]
    linked, renewal = (next(e for e in trail if e["action"] == a) for a in ("guardian_linked", "access_code_renewed"))
    assert renewal["actor"]["name"] == linked["actor"]["name"] == get(client, "/me", parent).json_body["name"]
    assert renewal["actor"]["role"] == linked["actor"]["role"] != "unknown"  # the relation applied with
    # A used code is not renewed
    assert _error(post(client, f"/applications/{application_id}/code", {}, parent)) == (409, "code_already_used")


def test_an_expired_code_is_renewed_the_same_way(client, pump):
    from chalicelib.dal import children as store
    from chalicelib.dal.models import AccessCode

    _, _, parent_email, parent, [(application_id, _, code)] = _family(client, pump)
    account_id = get(client, "/me", parent).json_body["account_id"]
    [held] = store.codes_of([f"ACCOUNT#{account_id}"])
    held.update(actions=[AccessCode.valid_until.set(0)])  # fourteen days later
    assert _error(_redeem(client, parent, code)) == (400, "code_expired")

    assert post(client, f"/applications/{application_id}/code", {}, parent).status_code == 202
    assert _redeem(client, parent, emailed_access_code(pump, parent_email)).status_code == 200


def test_the_school_renews_a_code_from_the_application(client, pump):
    school_id, admin, parent_email, parent, [(application_id, student_id, code)] = _family(client, pump)
    other_school, other_admin = school_with_admin(client, pump)
    path = f"/schools/{school_id}/applications/{application_id}/code"
    assert post(client, path, {}, other_admin).status_code == 403
    refused = post(client, f"/schools/{other_school}/applications/{application_id}/code", {}, other_admin)
    assert _error(refused) == (404, "application_not_found")

    renewed = post(client, path, {}, admin)
    assert renewed.status_code == 202, renewed.body
    new_code = emailed_access_code(pump, parent_email)
    assert _error(_redeem(client, parent, code)) == (400, "code_invalid")
    assert _redeem(client, parent, new_code).status_code == 200
    admin_id = get(client, "/me", admin).json_body["account_id"]
    trail = get(client, f"/children/{student_id}/audit", parent).json_body["items"]
    assert ("access_code_renewed", admin_id) in [(e["action"], e["actor_account_id"]) for e in trail]
    # The trail names who renewed it, and as what
    [renewal] = [e for e in trail if e["action"] == "access_code_renewed"]
    admin_name = get(client, "/me", admin).json_body["name"]
    assert (renewal["actor"]["name"], renewal["actor"]["role"], renewal["actor"]["role_label"]) == (
        admin_name, "administrator", "администратор школы")
    # An application without a code yet has nothing to renew
    waiting = apply(client, parent, school_id, SISTER)
    assert _error(post(client, f"/schools/{school_id}/applications/{waiting}/code", {}, admin)) == \
        (409, "application_not_completed")


def test_another_parent_cannot_renew_and_new_codes_are_limited(client, pump):
    from chalicelib.domain import quotas

    school_id, admin, parent_email, parent, [(application_id, _, _)] = _family(client, pump)
    stranger = login(client, verified_account(client, pump))["access_token"]
    assert _error(post(client, f"/applications/{application_id}/code", {}, stranger)) == \
        (404, "application_not_found")

    # The limit per code counts whoever asks: the parent, then the school
    limit = quotas.NEW_ACCESS_CODES_PER_CODE_DAY.times
    for _ in range(limit - 1):
        assert post(client, f"/applications/{application_id}/code", {}, parent).status_code == 202
    assert post(client, f"/schools/{school_id}/applications/{application_id}/code", {}, admin).status_code == 202
    latest = emailed_access_code(pump, parent_email)
    mails = len(sent_emails(parent_email))
    refused = post(client, f"/applications/{application_id}/code", {}, parent)
    assert _error(refused) == (429, "too_many_access_codes")
    assert int(refused.headers["Retry-After"]) > 0
    pump.drain()
    assert len(sent_emails(parent_email)) == mails  # nothing renewed, nothing sent
    assert _redeem(client, parent, latest).status_code == 200


def test_guessing_across_codes_is_throttled_per_account(client, pump):
    from chalicelib.domain import quotas

    _, _, _, parent, [(first, _, code), (second, _, _)] = _family(client, pump, (CHILD, SISTER))
    limit = quotas.ACCESS_CODE_GUESSES_PER_ACCOUNT_HOUR.times
    for i in range(limit):
        target = {"application_id": first if i % 2 else second}
        assert _error(_redeem(client, parent, "ZZZZZZZZ", **target)) == (400, "code_invalid")
    refused = _redeem(client, parent, code)  # even the right code, once the account's tries are used
    assert _error(refused) == (429, "too_many_attempts")
    assert int(refused.headers["Retry-After"]) > 0


def test_invitation_codes_are_renewed_by_the_invitee_or_the_parent_only(client, pump):
    _, _, student_id, _, parent = _linked_parent(client, pump)
    _, _, other_child, _, other_parent = _linked_parent(client, pump)
    tutor_email = verified_account(client, pump)
    tutor = login(client, tutor_email)["access_token"]
    invited = post(client, f"/children/{student_id}/invitations",
                   {"email": tutor_email, "role": "tutor", "scope": ["homework"]}, parent)
    invitation_id = invited.json_body["invitation_id"]
    first = emailed_access_code(pump, tutor_email)
    for _ in range(5):
        assert _error(_redeem(client, tutor, "ZZZZZZZZ")) == (400, "code_invalid")
    assert _error(_redeem(client, tutor, first)) == (429, "code_attempts_exceeded")

    # Strangers: another child's parent, another account that was not invited
    by_other_parent = post(client, f"/children/{student_id}/invitations/{invitation_id}/code", {}, other_parent)
    assert by_other_parent.status_code == 403
    assert post(client, f"/children/{other_child}/invitations/{invitation_id}/code", {},
                other_parent).status_code == 404
    assert _error(post(client, f"/invitations/{invitation_id}/code", {}, other_parent)) == \
        (404, "invitation_not_found")

    # The invitee asks; then the parent does too: each ends the code before it
    assert post(client, f"/invitations/{invitation_id}/code", {}, tutor).status_code == 202
    second = emailed_access_code(pump, tutor_email)
    assert post(client, f"/children/{student_id}/invitations/{invitation_id}/code", {}, parent).status_code == 202
    third = emailed_access_code(pump, tutor_email)
    assert len({first, second, third}) == 3
    assert _error(_redeem(client, tutor, second, invitation_id=invitation_id)) == (400, "code_invalid")
    redeemed = _redeem(client, tutor, third, invitation_id=invitation_id)
    assert redeemed.status_code == 200, redeemed.body
    assert redeemed.json_body["role"] == "tutor"
    actions = [e["action"] for e in get(client, f"/children/{student_id}/audit", parent).json_body["items"]]
    assert actions.count("access_code_renewed") == 2
    # Accepted: nothing left to renew
    accepted = post(client, f"/children/{student_id}/invitations/{invitation_id}/code", {}, parent)
    assert _error(accepted) == (409, "invitation_not_pending")
