"""Mail and SMS to addresses the caller does not own (issue 12, items 13 and 14): invitations are
counted per parent and per child, atomically; SMS alerts go only to a phone its owner confirmed
with a texted code."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import sent_emails, unique_email
from tests.journeys import get, linked_parent, login, post, verified_account


@pytest.fixture
def mid_hour(monkeypatch):
    """Every quota is counted at the middle of the current hour, so no window ends inside a test."""
    from chalicelib.domain import quotas

    at = int(time.time()) // 3600 * 3600 + 1800
    monkeypatch.setattr(quotas, "now", lambda: at)
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
    from tests.test_alerts import link

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
