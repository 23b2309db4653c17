"""Page cursors are opaque and bound: nothing of the key is readable in them, and a cursor opens only
the list it was handed out for, to the caller it was handed to (issue 12, item 11)."""

from __future__ import annotations

import base64

import pytest

from tests.journeys import CHILD, get, login, post, school_with_admin, verified_account


def _bytes(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


def _refused(response) -> bool:
    return response.status_code == 400 and response.json_body["error"]["code"] == "invalid_cursor"


@pytest.fixture(scope="module")
def roster(app, aws):
    """A school with two classes of three students, its administrator and one of its teachers."""
    from chalice.test import Client

    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        school, admin = school_with_admin(client, pump)
        base = f"/schools/{school}"
        classes = [post(client, f"{base}/classes", {"name": name, "grade_level": 6}, admin).json_body["class_id"]
                   for name in ("6А", "6Б")]
        for class_id in classes:
            for surname in ("Абрамова", "Белоусов", "Воронцова"):
                created = post(client, f"{base}/students", {"last_name": surname, "first_name": "Ксения",
                                                            "birth_date": "2014-03-03", "class_id": class_id}, admin)
                assert created.status_code == 201, created.body
        post(client, f"{base}/subjects", {"name": "Алгебра"}, admin)
        post(client, f"{base}/subjects", {"name": "Геометрия"}, admin)
        teacher_email = verified_account(client, pump, name="Орлова Нина Сергеевна")
        assert post(client, f"{base}/teachers", {"email": teacher_email}, admin).status_code == 201
        return base, classes, admin, login(client, teacher_email)["access_token"]


def _first_cursor(client, path: str, token: str) -> str:
    answer = get(client, path, token)
    assert answer.status_code == 200, answer.body
    assert answer.json_body["next_cursor"], "the list should have a second page"
    return str(answer.json_body["next_cursor"])


def test_a_roster_cursor_shows_nothing_of_the_key(client, roster):
    base, classes, admin, _ = roster
    cursor = _first_cursor(client, f"{base}/students?class_id={classes[0]}&limit=1", admin)
    raw = _bytes(cursor)
    school_id = base.rsplit("/", 1)[-1]
    for secret in ("Абрамова", classes[0], school_id, "CLASS#", "PK"):
        assert secret.encode() not in raw
    assert b'{"S":"' not in raw  # no key in clear, not even its shape


def test_a_valid_cursor_pages_on_to_the_end(client, roster):
    base, classes, admin, _ = roster
    seen, cursor = [], None
    while True:
        path = f"{base}/students?class_id={classes[1]}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = get(client, path, admin)
        assert page.status_code == 200, page.body
        seen += [s["last_name"] for s in page.json_body["items"]]
        cursor = page.json_body["next_cursor"]
        if not cursor:
            break
    assert seen == ["Абрамова", "Белоусов", "Воронцова"]


def test_a_cursor_opens_only_its_own_list(client, roster):
    base, classes, admin, _ = roster
    cursor = _first_cursor(client, f"{base}/students?class_id={classes[0]}&limit=1", admin)
    # the same route with another filter, another route of the same school, another route altogether
    assert _refused(get(client, f"{base}/students?class_id={classes[1]}&limit=1&cursor={cursor}", admin))
    assert _refused(get(client, f"{base}/subjects?cursor={cursor}", admin))
    assert _refused(get(client, f"{base}/classes?cursor={cursor}", admin))
    subjects = _first_cursor(client, f"{base}/subjects?limit=1", admin)
    assert _refused(get(client, f"{base}/classes?cursor={subjects}", admin))
    assert get(client, f"{base}/subjects?limit=1&cursor={subjects}", admin).status_code == 200


def test_a_cursor_opens_only_for_its_caller(client, roster):
    base, classes, admin, teacher = roster
    path = f"{base}/students?class_id={classes[0]}&limit=1"
    cursor = _first_cursor(client, path, admin)
    assert _refused(get(client, f"{path}&cursor={cursor}", teacher))
    assert get(client, f"{path}&cursor={cursor}", admin).status_code == 200


def test_another_familys_cursor_is_refused_not_a_500(client, pump):
    school, _ = school_with_admin(client, pump)
    families = []
    for _ in range(2):
        parent = login(client, verified_account(client, pump))["access_token"]
        for first_name in ("Иван", "Мария"):
            filed = post(client, "/applications", {"school_id": school, **CHILD, "child_first_name": first_name},
                         parent)
            assert filed.status_code == 201, filed.body
        families.append(parent)
    mine = _first_cursor(client, "/applications?limit=1", families[0])
    assert _refused(get(client, f"/applications?limit=1&cursor={mine}", families[1]))
    assert len(get(client, f"/applications?limit=1&cursor={mine}", families[0]).json_body["items"]) == 1


def test_a_tampered_cursor_is_refused(client, roster):
    base, classes, admin, _ = roster
    path = f"{base}/students?class_id={classes[0]}&limit=1"
    raw = bytearray(_bytes(_first_cursor(client, path, admin)))
    for at in (0, len(raw) // 2, len(raw) - 1):  # the nonce, the sealed key, the tag
        changed = bytearray(raw)
        changed[at] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(changed)).decode().rstrip("=")
        assert _refused(get(client, f"{path}&cursor={forged}", admin))
    for junk in ("forged", "eyJQSyI6IlgifQ", "%00", "A" * 2000):
        assert _refused(get(client, f"{path}&cursor={junk}", admin))


def test_cursors_are_bound_to_their_scope_in_the_data_layer(aws):
    from chalicelib.dal.store import PageCursor, decode_cursor, encode_cursor
    from chalicelib.errors import DiaryError

    key = {"PK": {"S": "SCHOOL#1"}, "SK": {"S": "CLASS#2"}}
    cursor = encode_cursor(key, "list A")
    assert decode_cursor(PageCursor(cursor, "list A")) == key
    assert encode_cursor(key, "list A") != cursor  # a fresh nonce each time: equal keys look unrelated
    with pytest.raises(DiaryError) as refused:
        decode_cursor(PageCursor(cursor, "list B"))
    assert refused.value.code == "invalid_cursor"


def test_every_list_declares_its_invalid_cursor_answer(client, app):
    from chalicelib.api.routing import ENDPOINTS, schema

    document = client.http.get("/openapi.json").json_body
    lists = [e for e in ENDPOINTS if e.query and "cursor" in schema(e.query).model_fields]
    assert len(lists) >= 15
    for spec in lists:
        assert "400" in document["paths"][spec.path][spec.method.lower()]["responses"], spec.path
