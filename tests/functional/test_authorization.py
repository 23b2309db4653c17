"""Built from the app's own route table: every route refuses every actor its rule excludes."""

from __future__ import annotations

import re

import jwt
import pytest

import app as _app  # noqa: F401  (registers every route, so ENDPOINTS is complete at collection)
from chalicelib.api import access
from chalicelib.api.routing import ENDPOINTS
from tests.journeys import login, post, school_with_admin, verified_account

# Who must be refused by each rule. A new rule without an entry here fails the test.
ANONYMOUS = {"anonymous", "forged"}
# A school's information system (machine token) passes no rule but the uploader's, and only its school's.
MACHINES = {"machine_a", "machine_b"}
REFUSED = {
    "public": set(),
    "account": ANONYMOUS | MACHINES,
    "operator": ANONYMOUS | MACHINES | {"parent", "admin_a", "teacher_a"},
    "school_admin": ANONYMOUS | MACHINES | {"parent", "operator", "admin_b", "teacher_a"},
    "school_staff": ANONYMOUS | MACHINES | {"parent", "operator", "admin_b", "teacher_b"},
    "operator_or_school_admin": ANONYMOUS | MACHINES | {"parent", "admin_b", "teacher_a"},
    "school_uploader": ANONYMOUS | {"machine_b", "parent", "operator", "admin_b", "teacher_a"},
}


@pytest.fixture(scope="module")
def actors(app, aws):
    """Tokens of one actor of each kind, with school A as the school in every path."""
    from chalice.test import Client

    from chalicelib.dal import accounts as store
    from tests.journeys import operator_token

    with Client(app, stage_name="test") as client:
        from ops.pump import Pump

        pump = Pump(app, schedules=False)
        store.clear_throttle("client", "127.0.0.1")
        school_a, admin_a = school_with_admin(client, pump)
        school_b, admin_b = school_with_admin(client, pump)
        forged = jwt.encode({"sub": "x", "roles": ["operator"], "exp": 4_000_000_000, "iat": 0},
                            "a-forged-key-that-is-long-enough-0123456789", "HS256")
        tokens = {"anonymous": None, "forged": forged, "operator": operator_token(client),
                  "admin_a": admin_a, "admin_b": admin_b,
                  "parent": login(client, verified_account(client, pump))["access_token"]}
        for name, school, admin in [("teacher_a", school_a, admin_a), ("teacher_b", school_b, admin_b)]:
            email = verified_account(client, pump, name="Учитель Тестовый")
            assert post(client, f"/schools/{school}/teachers", {"email": email}, admin).status_code == 201
            tokens[name] = login(client, email)["access_token"]
        for name, school, admin in [("machine_a", school_a, admin_a), ("machine_b", school_b, admin_b)]:
            issued = post(client, f"/schools/{school}/credentials", {"name": "АИС «Школа»"}, admin)
            assert issued.status_code == 201, issued.body
            traded = post(client, "/machine/token", {"credential": issued.json_body["secret"]})
            tokens[name] = traded.json_body["access_token"]
        return school_a, tokens


def test_every_route_has_a_known_rule():
    known = {rule.name for rule in vars(access).values() if isinstance(rule, access.Access)}
    for spec in ENDPOINTS:
        assert spec.allow.name in known
        assert spec.allow.name in REFUSED, f"{spec.method} {spec.path}: no refusal expectations for its rule"


@pytest.mark.parametrize("spec", ENDPOINTS, ids=lambda s: f"{s.method} {s.path}")
def test_route_refuses_every_actor_its_rule_excludes(spec, actors, client):
    school_a, tokens = actors
    path = re.sub(r"{(\w+)}", lambda m: school_a if m.group(1) == "school_id" else "0" * 32, spec.path)
    for actor in sorted(REFUSED[spec.allow.name]):
        headers = {"Content-Type": "application/json"}
        if tokens[actor]:
            headers["Authorization"] = f"Bearer {tokens[actor]}"
        response = client.http.request(spec.method, path, headers=headers, body=b"{}")
        expected = 401 if actor in ANONYMOUS else 403
        assert response.status_code == expected, f"{actor} reached {spec.method} {spec.path}"
        # Refused before any data is read: the answer is the bare error, naming nothing. With no
        # Authorization header the gateway itself answers (ops/local_gateway.py; in AWS a gateway response).
        assert set(response.json_body) == {"error"}
        assert response.json_body["error"]["code"] in {"unauthenticated", "token_invalid", "forbidden"}
        assert response.json_body["error"]["field"] is None


CHILD_ROUTES = [spec for spec in ENDPOINTS if spec.path.startswith("/children/{student_id}")]


@pytest.fixture(scope="module")
def strangers(app, aws):
    """A child, a parent of another child, and a viewer of the child whose access was revoked."""
    from chalice.test import Client

    from chalicelib.dal import accounts as store
    from ops.pump import Pump
    from tests.journeys import emailed_access_code, get, linked_parent

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        store.clear_throttle("client", "127.0.0.1")
        _, _, child, _, parent = linked_parent(client, pump)
        _, _, _, _, other_parent = linked_parent(client, pump)
        viewer_email = verified_account(client, pump)
        viewer = login(client, viewer_email)["access_token"]
        post(client, f"/children/{child}/invitations", {"email": viewer_email, "role": "tutor",
                                                         "scope": ["grades", "homework"]}, parent)
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, viewer_email)},
                    viewer).status_code == 200
        viewer_id = get(client, "/me", viewer).json_body["account_id"]
        assert client.http.delete(f"/children/{child}/viewers/{viewer_id}",
                                  headers={"Authorization": f"Bearer {parent}"}).status_code == 204
        tutor_email = verified_account(client, pump)
        tutor = login(client, tutor_email)["access_token"]
        post(client, f"/children/{child}/invitations", {"email": tutor_email, "role": "tutor",
                                                         "scope": ["homework"]}, parent)
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)},
                    tutor).status_code == 200
        # …who does reach what their scope opens, so a refusal below is the scope's doing
        assert get(client, f"/children/{child}/homework", tutor).status_code == 200
        assert get(client, f"/children/{child}/grades", tutor).status_code == 403
        return child, {"parent of another child": other_parent, "revoked viewer": viewer,
                       "viewer outside scope": tutor}


# What a viewer whose scope is only "homework" may still reach: the child's card, the homework,
# their own calendar feed and alert preferences (within scope). Everything else must refuse them.
IN_SCOPE_OF_HOMEWORK = {
    ("GET", "/children/{student_id}"),
    ("GET", "/children/{student_id}/homework"),
    ("POST", "/children/{student_id}/calendar-token"),
    ("GET", "/children/{student_id}/alert-preferences"),
    ("PUT", "/children/{student_id}/alert-preferences"),
}


def test_there_are_child_routes_to_guard():
    assert len(CHILD_ROUTES) >= 10


@pytest.mark.parametrize("spec", CHILD_ROUTES, ids=lambda s: f"{s.method} {s.path}")
def test_child_route_refuses_strangers_to_the_child(spec, strangers, client):
    child, tokens = strangers
    path = re.sub(r"{(\w+)}", lambda m: child if m.group(1) == "student_id" else "0" * 32, spec.path)
    for actor, token in tokens.items():
        if actor == "viewer outside scope" and (spec.method, spec.path) in IN_SCOPE_OF_HOMEWORK:
            continue
        response = client.http.request(spec.method, path, body=b"{}", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        assert response.status_code in (403, 404, 422), f"{actor} reached {spec.method} {spec.path}"
        # A refusal names nothing of the child's
        assert set(response.json_body) == {"error"}, f"{actor}: {response.json_body}"
