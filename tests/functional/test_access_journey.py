"""The access journey: apply, in-person check, approval on the queue, code, child, viewers, audit."""

from __future__ import annotations

import json

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
from tests.journeys import (
    linked_parent as _linked_parent,
)


def _parent(client, pump, email=None):
    email = verified_account(client, pump, email)
    return email, login(client, email)["access_token"]


def _state(client, parent, application_id):
    mine = get(client, "/applications", parent).json_body["items"]
    return next(a["state"] for a in mine if a["application_id"] == application_id)


def test_roster_first_then_application_links_the_child(client, pump):
    school_id, admin = school_with_admin(client, pump)
    student_id = enrol(client, school_id, admin, school_class(client, school_id, admin))
    parent_email, parent = _parent(client, pump)
    # A parent types the name differently from the school: case and "ё" do not matter
    application_id = apply(client, parent, school_id, {**CHILD, "child_last_name": "СОКОЛОВ"})
    pending = get(client, f"/schools/{school_id}/applications", admin).json_body["items"]
    assert [a["application_id"] for a in pending] == [application_id]

    check = post(client, f"/schools/{school_id}/applications/{application_id}/check", {"confirmed": True}, admin)
    admin_id = get(client, "/me", admin).json_body["account_id"]
    assert check.json_body["checked_by"] == admin_id and check.json_body["checked_at"]
    approved = post(client, f"/schools/{school_id}/applications/{application_id}/approve", {}, admin)
    assert approved.json_body["state"] == "approved"
    assert get(client, "/children", parent).json_body["items"] == []

    code = emailed_access_code(pump, parent_email)
    assert _state(client, parent, application_id) == "completed"
    assert f"/#/code?code={code}" in sent_emails(parent_email)[-1]["text"]  # the cabinet's code page, filled in
    redeemed = post(client, "/children/redeem", {"code": code.lower()}, parent)
    assert redeemed.status_code == 200, redeemed.body
    children = get(client, "/children", parent).json_body["items"]
    assert [(c["student_id"], c["role"], c["class_name"]) for c in children] == [(student_id, "parent", "5А")]
    card = get(client, f"/children/{student_id}", parent)
    assert card.status_code == 200
    assert card.json_body["part"] == "profile" and card.json_body["last_name"] == "Соколов"
    # The code works once
    again = post(client, "/children/redeem", {"code": code}, parent)
    assert again.status_code == 400 and again.json_body["error"]["code"] == "code_invalid"


def test_application_waits_for_the_roster_and_completes_when_the_child_is_added(client, pump):
    school_id, admin = school_with_admin(client, pump)
    class_id = school_class(client, school_id, admin)
    parent_email, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)
    check_and_approve(client, school_id, admin, application_id)
    pump.drain()
    assert _state(client, parent, application_id) == "awaiting_school_data"
    waiting = get(client, f"/schools/{school_id}/applications?state=awaiting_school_data", admin).json_body
    assert [a["application_id"] for a in waiting["items"]] == [application_id]
    assert not sent_emails(parent_email)[1:]  # only the verification email so far

    student_id = enrol(client, school_id, admin, class_id)
    code = emailed_access_code(pump, parent_email)
    assert _state(client, parent, application_id) == "completed"
    assert post(client, "/children/redeem", {"code": code}, parent).status_code == 200
    assert [c["student_id"] for c in get(client, "/children", parent).json_body["items"]] == [student_id]


def test_the_same_queue_message_twice_gives_one_code_and_one_email(client, pump):
    from chalicelib import aws, settings
    from chalicelib.dal import children as store

    school_id, admin = school_with_admin(client, pump)
    enrol(client, school_id, admin, school_class(client, school_id, admin))
    parent_email, parent = _parent(client, pump)
    account_id = get(client, "/me", parent).json_body["account_id"]
    application_id = apply(client, parent, school_id)
    check_and_approve(client, school_id, admin, application_id)
    url = aws.queue_url(settings.applications_queue_name())
    for _ in range(2):
        aws.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"application_id": application_id}))
    pump.drain()
    codes = store.codes_of([f"ACCOUNT#{account_id}"])
    assert len(codes) == 1
    assert len(sent_emails(parent_email)) == 2  # verification + one access code


def test_duplicate_application_is_refused_until_withdrawn(client, pump):
    school_id, _ = school_with_admin(client, pump)
    _, parent = _parent(client, pump)
    first = apply(client, parent, school_id)
    same_child = {**CHILD, "child_first_name": " иван ", "class_name": "5Б"}
    duplicate = post(client, "/applications", {"school_id": school_id, **same_child}, parent)
    assert duplicate.status_code == 409
    assert duplicate.json_body["error"]["code"] == "application_exists"
    withdrawn = post(client, f"/applications/{first}/withdraw", {}, parent)
    assert withdrawn.json_body["state"] == "withdrawn"
    assert post(client, f"/applications/{first}/withdraw", {}, parent).status_code == 409
    assert post(client, "/applications", {"school_id": school_id, **same_child}, parent).status_code == 201


def test_approval_needs_the_in_person_check_and_never_takes_document_data(client, pump):
    school_id, admin = school_with_admin(client, pump)
    _, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)
    base = f"/schools/{school_id}/applications/{application_id}"
    unchecked = post(client, f"{base}/approve", {}, admin)
    assert unchecked.status_code == 409
    assert unchecked.json_body["error"]["code"] == "application_not_checked"
    passport = post(client, f"{base}/check", {"confirmed": True, "passport_number": "4510 123456"}, admin)
    assert passport.status_code == 422
    assert passport.json_body["error"]["details"][0]["code"] == "extra_forbidden"
    assert _state(client, parent, application_id) == "pending"


def test_another_schools_admin_is_refused(client, pump):
    school_id, _ = school_with_admin(client, pump)
    _, other_admin = school_with_admin(client, pump)
    _, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)
    assert get(client, f"/schools/{school_id}/applications", other_admin).status_code == 403
    refused = post(client, f"/schools/{school_id}/applications/{application_id}/check", {"confirmed": True},
                   other_admin)
    assert refused.status_code == 403


def test_rejection_is_emailed_with_the_reason(client, pump):
    school_id, admin = school_with_admin(client, pump)
    parent_email, parent = _parent(client, pump)
    application_id = apply(client, parent, school_id)
    rejected = post(client, f"/schools/{school_id}/applications/{application_id}/reject",
                    {"reason": "Ребёнок не учится в нашей школе"}, admin)
    assert rejected.status_code == 200 and rejected.json_body["state"] == "rejected"
    pump.drain()
    assert "Ребёнок не учится в нашей школе" in sent_emails(parent_email)[-1]["body"]
    assert post(client, f"/schools/{school_id}/applications/{application_id}/approve", {}, admin).status_code == 409


def test_wrong_expired_and_exhausted_codes(client, pump):
    from chalicelib.dal import children as store
    from chalicelib.dal.models import AccessCode

    school_id, admin = school_with_admin(client, pump)
    class_id = school_class(client, school_id, admin)
    enrol(client, school_id, admin, class_id)
    other = {**CHILD, "child_first_name": "Мария", "child_middle_name": None}
    enrol(client, school_id, admin, class_id, other)
    parent_email, parent = _parent(client, pump)
    account_id = get(client, "/me", parent).json_body["account_id"]
    check_and_approve(client, school_id, admin, apply(client, parent, school_id))
    code = emailed_access_code(pump, parent_email)

    for _ in range(5):
        wrong = post(client, "/children/redeem", {"code": "ZZZZZZZZ"}, parent)
        assert wrong.status_code == 400 and wrong.json_body["error"]["code"] == "code_invalid"
    exhausted = post(client, "/children/redeem", {"code": code}, parent)
    assert exhausted.status_code == 429
    assert exhausted.json_body["error"]["code"] == "code_attempts_exceeded"

    check_and_approve(client, school_id, admin, apply(client, parent, school_id, other))
    second = emailed_access_code(pump, parent_email)
    held = [c for c in store.codes_of([f"ACCOUNT#{account_id}"]) if c.attempts == 0]
    assert len(held) == 1
    held[0].update(actions=[AccessCode.valid_until.set(0)])  # fourteen days later
    expired = post(client, "/children/redeem", {"code": second}, parent)
    assert expired.status_code == 400 and expired.json_body["error"]["code"] == "code_expired"
    assert get(client, "/children", parent).json_body["items"] == []


def test_tutor_sees_only_the_profile_until_revoked(client, pump):
    _, _, student_id, _, parent = _linked_parent(client, pump)
    tutor_email, tutor = _parent(client, pump)
    invited = post(client, f"/children/{student_id}/invitations",
                   {"email": tutor_email, "role": "tutor", "scope": ["homework", "grades"]}, parent)
    assert invited.status_code == 201, invited.body
    invitation_id = invited.json_body["invitation_id"]
    pending = get(client, f"/children/{student_id}/invitations", parent).json_body["items"]
    assert [i["invitation_id"] for i in pending] == [invitation_id]

    redeemed = post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)}, tutor)
    assert redeemed.status_code == 200, redeemed.body
    assert redeemed.json_body["role"] == "tutor" and redeemed.json_body["scope"] == ["grades", "homework"]
    assert get(client, f"/children/{student_id}/invitations", parent).json_body["items"] == []
    viewers = get(client, f"/children/{student_id}/viewers", parent).json_body["items"]
    assert [(v["email"], v["role"]) for v in viewers] == [(tutor_email, "tutor")]
    assert get(client, f"/children/{student_id}", tutor).status_code == 200

    # A viewer cannot invite, nor read the audit
    refused = post(client, f"/children/{student_id}/invitations",
                   {"email": "x@example.ru", "role": "relative", "scope": ["grades"]}, tutor)
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "guardian_only"
    assert get(client, f"/children/{student_id}/audit", tutor).status_code == 403

    tutor_id = viewers[0]["account_id"]
    # The check other issues' endpoints call: the scope holds, outside it is refused
    from chalicelib.domain.children import open_child
    from chalicelib.errors import ForbiddenError

    assert open_child(tutor_id, student_id, "homework").role == "tutor"
    with pytest.raises(ForbiddenError) as outside:
        open_child(tutor_id, student_id, "attendance")
    assert outside.value.code == "part_out_of_scope"

    assert client.http.delete(f"/children/{student_id}/viewers/{tutor_id}",
                              headers={"Authorization": f"Bearer {parent}"}).status_code == 204
    # The same (still valid) token is refused on the very next request
    gone = get(client, f"/children/{student_id}", tutor)
    assert gone.status_code == 403 and gone.json_body["error"]["code"] == "child_not_linked"
    assert get(client, "/children", tutor).json_body["items"] == []


def test_invitation_is_redeemed_only_by_the_invited_address_and_can_be_revoked(client, pump):
    _, _, student_id, _, parent = _linked_parent(client, pump)
    invited_email, _ = _parent(client, pump)
    _, stranger = _parent(client, pump)
    invited = post(client, f"/children/{student_id}/invitations",
                   {"email": invited_email, "role": "relative", "scope": ["grades"]}, parent)
    code = emailed_access_code(pump, invited_email)
    wrong_person = post(client, "/children/redeem", {"code": code}, stranger)
    assert wrong_person.status_code == 400 and wrong_person.json_body["error"]["code"] == "code_invalid"
    assert get(client, f"/children/{student_id}", stranger).status_code == 403

    invitation_id = invited.json_body["invitation_id"]
    revoked = client.http.delete(f"/children/{student_id}/invitations/{invitation_id}",
                                 headers={"Authorization": f"Bearer {parent}"})
    assert revoked.status_code == 204
    invited_token = login(client, invited_email)["access_token"]
    late = post(client, "/children/redeem", {"code": code}, invited_token)
    assert late.status_code == 400


def test_audit_records_openings_and_access_changes_newest_first(client, pump):
    _, _, student_id, _, parent = _linked_parent(client, pump)
    tutor_email, tutor = _parent(client, pump)
    post(client, f"/children/{student_id}/invitations",
         {"email": tutor_email, "role": "tutor", "scope": ["homework"]}, parent)
    post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)}, tutor)
    get(client, f"/children/{student_id}", tutor)
    pump.drain()  # openings reach the trail through the API's log
    first = get(client, f"/children/{student_id}/audit?limit=2", parent)
    assert first.status_code == 200
    assert [e["action"] for e in first.json_body["items"]] == ["opened", "invitation_accepted"]
    assert first.json_body["items"][0]["part"] == "profile"
    rest = get(client, f"/children/{student_id}/audit?cursor={first.json_body['next_cursor']}", parent)
    assert [e["action"] for e in rest.json_body["items"]] == ["invitation_sent", "guardian_linked"]


def test_scope_rules():
    from chalicelib.domain.children import may_see

    assert may_see("parent", frozenset(), "grades")
    assert may_see("tutor", frozenset({"homework"}), "profile")
    assert may_see("tutor", frozenset({"homework"}), "homework")
    assert not may_see("tutor", frozenset({"homework"}), "grades")
    assert not may_see("relative", frozenset({"grades"}), "passport")


def test_a_viewer_loses_access_with_the_parent_who_invited_them(client, pump):
    _, _, student_id, _, parent = _linked_parent(client, pump)
    tutor_email, tutor = _parent(client, pump)
    post(client, f"/children/{student_id}/invitations", {"email": tutor_email, "role": "tutor", "scope": ["grades"]},
         parent)
    assert post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)}, tutor).status_code == 200
    assert get(client, f"/children/{student_id}", tutor).status_code == 200
    # When the parent's own link ends (here removed at the source), the tutor's goes with it
    from chalicelib.dal.models import DiaryItem

    parent_id = get(client, "/me", parent).json_body["account_id"]
    DiaryItem(f"STUDENT#{student_id}", f"ACCESS#{parent_id}").delete()
    refused = get(client, f"/children/{student_id}", tutor)
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "child_not_linked"
