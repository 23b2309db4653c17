"""Steps that many tests share: a verified account, a logged-in caller, a school with staff."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import sent_emails, unique_email

PASSWORD = "Parol-2026-secure"
JSON = {"Content-Type": "application/json"}


def post(client: Any, path: str, body: dict[str, Any], token: str | None = None, **headers: str) -> Any:
    """POST a JSON body, optionally as a logged-in caller."""
    return client.http.post(path, headers=_headers(token, headers), body=json.dumps(body))


def patch(client: Any, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    """PATCH a JSON body."""
    return client.http.patch(path, headers=_headers(token, {}), body=json.dumps(body))


def get(client: Any, path: str, token: str | None = None, **headers: str) -> Any:
    """GET, optionally as a logged-in caller."""
    return client.http.get(path, headers=_headers(token, headers))


def _headers(token: str | None, extra: dict[str, str]) -> dict[str, str]:
    headers = dict(JSON)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    headers.update({k.replace("_", "-"): v for k, v in extra.items()})
    return headers


def emailed_code(pump: Any, email: str) -> str:
    """The latest six-digit code emailed to the address (after the outbox queue is drained)."""
    pump.drain()
    messages = sent_emails(email)
    assert messages, f"no email was sent to {email}"
    match = re.search(r"\b(\d{6})\b", messages[-1]["body"])
    assert match, messages[-1]["body"]
    return match.group(1)


def register(client: Any, email: str | None = None, name: str = "Иванова Мария Петровна", **extra: Any) -> str:
    """Register an account (not yet verified, no password yet); returns its email."""
    email = email or unique_email()
    response = post(client, "/auth/register", {"email": email, "name": name, **extra})
    assert response.status_code == 202, response.body
    return email


def verify(client: Any, pump: Any, email: str, password: str = PASSWORD) -> Any:
    """Type the emailed code and choose the password; returns the answer."""
    return post(client, "/auth/verify-email", {"email": email, "code": emailed_code(pump, email), "password": password})


def verified_account(client: Any, pump: Any, email: str | None = None, name: str = "Иванова Мария Петровна") -> str:
    """Register and verify (the password is PASSWORD); returns the email."""
    email = register(client, email, name)
    response = verify(client, pump, email)
    assert response.status_code == 204, response.body
    return email


def login(client: Any, email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Log in; returns the token pair."""
    response = post(client, "/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def operator_token(client: Any) -> str:
    """A city operator, created the way the command does it."""
    from chalicelib.domain.accounts import bootstrap_operator

    email = unique_email("operator")
    bootstrap_operator(email, PASSWORD, "Оператор Города")
    return str(login(client, email)["access_token"])


def school_with_admin(client: Any, pump: Any) -> tuple[str, str]:
    """A registered school and an administrator's access token."""
    operator = operator_token(client)
    school = post(client, "/schools", {"name": "ГБОУ Школа № 239", "address": "Кирочная ул., 8"}, operator)
    assert school.status_code == 201, school.body
    school_id = school.json_body["school_id"]
    admin_email = verified_account(client, pump, name="Смирнов Алексей Викторович")
    granted = post(client, f"/schools/{school_id}/administrators", {"email": admin_email}, operator)
    assert granted.status_code == 201, granted.body
    return school_id, str(login(client, admin_email)["access_token"])


# --- the access journey: applications, codes, children ------------------------------------

CHILD = {"child_last_name": "Соколов", "child_first_name": "Иван", "child_middle_name": "Петрович",
         "child_birth_date": "2015-04-12", "class_name": "5А", "relation": "mother"}


def emailed_access_code(pump: Any, email: str) -> str:
    """The latest eight-character access or invitation code emailed to the address."""
    pump.drain()
    messages = sent_emails(email)
    assert messages, f"no email was sent to {email}"
    match = re.search(r"(?:код|code):\s*(?:<b>)?([A-Z2-9]{8})\b", messages[-1]["body"])
    assert match, messages[-1]["body"]
    return match.group(1)


def school_class(client: Any, school_id: str, admin: str, name: str = "5А") -> str:
    """A class of the school; returns its id."""
    response = post(client, f"/schools/{school_id}/classes", {"name": name, "grade_level": 5}, admin)
    assert response.status_code == 201, response.body
    return str(response.json_body["class_id"])


def enrol(client: Any, school_id: str, admin: str, class_id: str, child: dict[str, Any] = CHILD) -> str:
    """Put the child of an application on the school's roster; returns the student id."""
    body = {"last_name": child["child_last_name"], "first_name": child["child_first_name"],
            "middle_name": child.get("child_middle_name"), "birth_date": child["child_birth_date"],
            "class_id": class_id}
    response = post(client, f"/schools/{school_id}/students", body, admin)
    assert response.status_code == 201, response.body
    return str(response.json_body["student_id"])


def apply(client: Any, parent: str, school_id: str, child: dict[str, Any] = CHILD) -> str:
    """File an application; returns its id."""
    response = post(client, "/applications", {"school_id": school_id, **child}, parent)
    assert response.status_code == 201, response.body
    return str(response.json_body["application_id"])


def check_and_approve(client: Any, school_id: str, admin: str, application_id: str) -> None:
    """The administrator records the in-person check and approves."""
    base = f"/schools/{school_id}/applications/{application_id}"
    assert post(client, f"{base}/check", {"confirmed": True}, admin).status_code == 200
    approved = post(client, f"{base}/approve", {}, admin)
    assert approved.status_code == 200, approved.body


def linked_parent(client: Any, pump: Any) -> tuple[str, str, str, str, str]:
    """A school, its admin token, an enrolled child, and a parent linked to the child through the
    whole journey (apply, in-person check, approve, emailed code, redeem)."""
    school_id, admin = school_with_admin(client, pump)
    student_id = enrol(client, school_id, admin, school_class(client, school_id, admin))
    parent_email = verified_account(client, pump)
    parent = str(login(client, parent_email)["access_token"])
    check_and_approve(client, school_id, admin, apply(client, parent, school_id))
    redeemed = post(client, "/children/redeem", {"code": emailed_access_code(pump, parent_email)}, parent)
    assert redeemed.status_code == 200, redeemed.body
    return school_id, admin, student_id, parent_email, parent
