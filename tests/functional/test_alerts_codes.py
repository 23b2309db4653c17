"""Application results and invitations are alerts too: made from the table's stream (never in the
request), HTML and plain text in the recipient's language, recorded, and sent once however often
the stream or the queue delivers them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sent_emails
from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    enrol,
    get,
    linked_parent,
    login,
    patch,
    post,
    school_class,
    school_with_admin,
    verified_account,
)


@pytest.fixture
def ses_calls():
    """The SendEmail requests the app makes (moto keeps only one body of each)."""
    from chalicelib import aws

    calls: list[dict] = []

    def record(params, **_):
        calls.append(params)

    events = aws.client("sesv2").meta.events
    events.register("provide-client-params.sesv2.SendEmail", record)
    yield calls
    events.unregister("provide-client-params.sesv2.SendEmail", record)


def bodies_to(calls, address):
    """(subject, text, html) of each SendEmail to an address."""
    out = []
    for call in calls:
        if call["Destination"]["ToAddresses"] == [address]:
            simple = call["Content"]["Simple"]
            out.append((simple["Subject"]["Data"], simple["Body"]["Text"]["Data"], simple["Body"]["Html"]["Data"]))
    return out


def stream_image(item):
    """The plain new image the stream carries for a stored item."""
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    return {k: des.deserialize(v) for k, v in item.serialize().items()}


def parent(client, pump, language="ru"):
    email = verified_account(client, pump)
    token = login(client, email)["access_token"]
    if language != "ru":
        assert patch(client, "/me", {"language": language}, token).status_code == 200
    return email, token


def test_a_rejection_is_an_alert_from_the_stream_in_the_parents_language(client, pump, ses_calls):
    from chalicelib.dal import alerts as store
    from chalicelib.dal import applications as application_store
    from chalicelib.domain import alerts
    from chalicelib.domain.alerts import alert_key

    school_id, admin = school_with_admin(client, pump)
    email, token = parent(client, pump, "en")
    application_id = apply(client, token, school_id)
    ses_calls.clear()  # the verification code
    rejected = post(client, f"/schools/{school_id}/applications/{application_id}/reject",
                    {"reason": "Ребёнок не учится в нашей школе"}, admin)
    assert rejected.status_code == 200, rejected.body
    assert sent_emails(email)[1:] == []  # only the verification code so far: nothing left in the request
    pump.drain()
    [(subject, text, html)] = bodies_to(ses_calls, email)
    assert subject == "Your application for diary access was rejected"
    assert "Ребёнок не учится в нашей школе" in text and "<" not in text
    assert "<p>" in html and "Ребёнок не учится в нашей школе" in html
    # The stream delivers the change again (Lambda retried the batch): the parent hears once
    item = application_store.stored_by_id(application_id)
    image = stream_image(item)
    assert alerts.produce([("replayed-1", {**image, "state": "pending"}, image),
                           ("replayed-2", {**image, "state": "pending"}, image)]) == 2
    pump.drain()
    assert len(bodies_to(ses_calls, email)) == 1
    account_id = get(client, "/me", token).json_body["account_id"]
    alert = store.get_alert(alert_key(f"application:{application_id}:rejected", account_id, "email"))
    assert (alert.alert_kind, alert.status, alert.attempts) == ("application_result", "sent", 1)


def test_an_approval_emails_the_code_once_and_ignores_preferences(client, pump, ses_calls):
    school_id, admin = school_with_admin(client, pump)
    enrol(client, school_id, admin, school_class(client, school_id, admin))
    email, token = parent(client, pump)
    ses_calls.clear()
    check_and_approve(client, school_id, admin, apply(client, token, school_id))
    pump.drain()
    [(subject, text, html)] = bodies_to(ses_calls, email)
    assert subject == "Доступ к дневнику: Соколов Иван Петрович"
    code = re.search(r"Ваш код: ([A-Z2-9]{8})", text).group(1)
    assert f"<b>{code}</b>" in html
    assert "/alerts/unsubscribe" not in text  # turning it off would lose the only copy of the code
    assert post(client, "/children/redeem", {"code": code}, token).status_code == 200


def test_preferences_offer_no_switch_for_the_emails_that_carry_codes(client, pump):
    _, _, student_id, _, token = linked_parent(client, pump)
    prefs = get(client, f"/children/{student_id}/alert-preferences", token)
    assert prefs.status_code == 200, prefs.body
    assert not {"application_result", "invitation"} & set(prefs.json_body["channels"])
    refused = client.http.put(f"/children/{student_id}/alert-preferences",
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                              body='{"channels": {"invitation": "none"}}')
    assert refused.status_code == 422


def test_an_invitation_is_emailed_from_the_stream_once_in_the_invitees_language(client, pump, ses_calls):
    from chalicelib.dal import children as child_store
    from chalicelib.domain import alerts

    _, _, student_id, _, token = linked_parent(client, pump)
    invitee, _ = parent(client, pump, "en")
    ses_calls.clear()
    invited = post(client, f"/children/{student_id}/invitations",
                   {"email": invitee, "role": "tutor", "scope": ["homework"]}, token)
    assert invited.status_code == 201, invited.body
    pump.drain()
    [(subject, text, html)] = bodies_to(ses_calls, invitee)
    assert subject == "An invitation to the e-diary"
    code = re.search(r"Your code: ([A-Z2-9]{8})", text).group(1)
    assert f"<b>{code}</b>" in html
    item = child_store.get_invitation(student_id, invited.json_body["invitation_id"])
    alerts.produce([("again", None, stream_image(item))])
    pump.drain()
    assert len(bodies_to(ses_calls, invitee)) == 1
    assert post(client, "/children/redeem", {"code": code}, login(client, invitee)["access_token"]).status_code \
        == 200


def test_an_invitation_revoked_before_its_email_left_is_not_sent(client, pump, ses_calls):
    _, _, student_id, _, token = linked_parent(client, pump)
    invitee = "late-" + verified_account(client, pump)
    invited = post(client, f"/children/{student_id}/invitations",
                   {"email": invitee, "role": "relative", "scope": ["grades"]}, token)
    revoked = client.http.delete(f"/children/{student_id}/invitations/{invited.json_body['invitation_id']}",
                                 headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 204, revoked.body
    pump.drain()
    assert bodies_to(ses_calls, invitee) == []


def test_a_suppressed_address_gets_no_code_email_and_the_alert_says_why(client, pump, ses_calls):
    from chalicelib.dal import alerts as store
    from chalicelib.domain.alerts import alert_key

    school_id, admin = school_with_admin(client, pump)
    email, token = parent(client, pump)
    account_id = get(client, "/me", token).json_body["account_id"]
    store.suppress_email(account_id)
    ses_calls.clear()
    application_id = apply(client, token, school_id, {**CHILD, "child_first_name": "Мария"})
    post(client, f"/schools/{school_id}/applications/{application_id}/reject", {"reason": "Нет мест"}, admin)
    pump.drain()
    assert bodies_to(ses_calls, email) == []
    alert = store.get_alert(alert_key(f"application:{application_id}:rejected", account_id, "email"))
    assert (alert.status, alert.error) == ("skipped", "email_suppressed")
