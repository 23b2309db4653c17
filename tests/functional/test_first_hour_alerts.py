"""Issue 17, items 9 and 17: a restarted pump goes on where it was, no alert tells of a change older
than the reader's link, and unsubscribing is a page that asks, then a POST (RFC 8058 one-click)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest
from chalice import Chalice

from ops.pump import POSITIONS_FILE, Pump
from tests.conftest import sent_emails
from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    patch,
    post,
    school_class,
    school_with_admin,
    verified_account,
)

# --- the pump keeps its place -------------------------------------------------------------------


def _table_with_stream() -> str:
    """A table of its own, so the stream holds only this test's records."""
    name = f"pump-{uuid.uuid4().hex[:10]}"
    ddb = boto3.client("dynamodb")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name


def _put(table: str, key: str) -> None:
    boto3.client("dynamodb").put_item(TableName=table, Item={"PK": {"S": key}})


def _listener(table: str, received: list[str]) -> Chalice:
    app = Chalice(app_name="positions-test")

    @app.on_dynamodb_record(stream_arn=f"arn:aws:dynamodb:eu-central-1:123456789012:table/{table}/stream/x",
                            starting_position="TRIM_HORIZON")
    def changes(event: Any) -> None:
        received.extend(r.keys["PK"]["S"] for r in event)

    return app


def test_a_restarted_pump_goes_on_after_the_last_record_it_handed_over(aws, tmp_path):
    # Given a pump that handed two records of a stream to its handler, then stopped
    table = _table_with_stream()
    received: list[str] = []
    app = _listener(table, received)
    _put(table, "before-1")
    _put(table, "before-2")
    Pump(app, schedules=False, state_dir=tmp_path).drain(timeout=10, settle_rounds=2)
    assert received == ["before-1", "before-2"]
    assert (tmp_path / POSITIONS_FILE).exists()
    # When another record is written while it is down, and a new pump starts over the same state
    _put(table, "while-down")
    Pump(app, schedules=False, state_dir=tmp_path).drain(timeout=10, settle_rounds=2)
    # Then only the new record reaches the handler: nothing handled before comes again
    assert received == ["before-1", "before-2", "while-down"]


def test_a_pump_whose_saved_place_is_gone_reads_from_the_oldest_record_still_there(aws, tmp_path):
    # Given saved positions that point at a record the shard no longer has (as after a long stop:
    # the service says TrimmedDataAccessException, DynamoDB Local "Invalid SequenceNumber")
    table = _table_with_stream()
    received: list[str] = []
    app = _listener(table, received)
    _put(table, "kept")
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    [shard] = boto3.client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    (tmp_path / POSITIONS_FILE).write_text(json.dumps({"changes": {"stream_arn": arn, "shards": {
        shard["ShardId"]: {"after": "0" * 20 + "1", "closed": False}}}}))
    # When the pump starts, it is not stuck on the lost place
    Pump(app, schedules=False, state_dir=tmp_path).drain(timeout=10, settle_rounds=2)
    assert received == ["kept"]


def test_positions_of_a_table_made_again_are_not_used(aws, tmp_path):
    table = _table_with_stream()
    received: list[str] = []
    app = _listener(table, received)
    (tmp_path / POSITIONS_FILE).write_text(json.dumps({"changes": {"stream_arn": "arn:of:an:older:stream",
                                                                   "shards": {"shard-0": {"after": "1"}}}}))
    _put(table, "new-table")
    Pump(app, schedules=False, state_dir=tmp_path).drain(timeout=10, settle_rounds=2)
    assert received == ["new-table"]


# --- no alert about a change older than the reader's link ---------------------------------------


def test_a_change_is_told_only_to_links_no_newer_than_it():
    from chalicelib.domain.alert_rules import change_time, told_to

    # A new item's own stamp is exact; the stream's is rounded down to its minute, so an edit, a
    # moved item or an uploaded row (no stamp of its own) is placed at the end of that minute
    assert change_time({"created_at": "2026-09-07T09:00:41+00:00"}, "2026-09-07T09:00:00+00:00") \
        == "2026-09-07T09:00:41+00:00"
    assert change_time({"created_at": "2026-09-01T08:00:00+00:00"}, "2026-09-07T09:00:00+00:00") \
        == "2026-09-07T09:00:59+00:00"
    assert change_time({}, "2026-09-07T09:00:00+00:00") == "2026-09-07T09:00:59+00:00"
    assert not told_to("2026-09-07T09:01:00+00:00", change_time({}, "2026-09-07T09:00:00+00:00"))
    assert change_time({"created_at": "2026-09-01T08:00:00+00:00"}, None) == "2026-09-01T08:00:00+00:00"
    assert change_time({}, None) is None
    assert not told_to("2026-09-07T09:00:42+00:00", "2026-09-07T09:00:41+00:00")
    assert told_to("2026-09-07T09:00:41+00:00", "2026-09-07T09:00:41+00:00")
    assert told_to("2026-09-07T09:00:40+00:00", "2026-09-07T09:00:41+00:00")
    assert told_to(None, "2026-09-07T09:00:41+00:00") and told_to("2026-09-07T09:00:41+00:00", None)


@pytest.fixture(scope="module")
def school(app, pump):
    """A school with 5А, a subject, its teacher and a lesson."""
    from chalice.test import Client

    with Client(app, stage_name="test") as client:
        school_id, admin = school_with_admin(client, pump)
        path = f"/schools/{school_id}"
        class_id = school_class(client, school_id, admin)
        subject = post(client, f"{path}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
        teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
        teacher_id = post(client, f"{path}/teachers", {"email": teacher_email}, admin).json_body["account_id"]
        post(client, f"{path}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": subject},
             admin)
        lesson = post(client, f"{path}/classes/{class_id}/lessons", {
            "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": subject,
            "teacher_id": teacher_id, "room": "214"}, admin).json_body["lesson_id"]
        return {"id": school_id, "admin": admin, "class_id": class_id,
                "teacher": login(client, teacher_email)["access_token"],
                "lesson_path": f"{path}/classes/{class_id}/lessons/{lesson}"}


def _alert_emails(to: str) -> list[dict[str, Any]]:
    return [m for m in sent_emails(to) if "/alerts/unsubscribe" in m["body"]]


def _grade(client: Any, school: dict[str, Any], student_id: str, value: int) -> str:
    response = post(client, f"{school['lesson_path']}/grades", {"student_id": student_id, "value": value},
                    school["teacher"])
    assert response.status_code == 201, response.body
    return str(response.json_body["grade_id"])


def _next_second() -> None:
    """Links and changes are compared to the second: let the clock's second turn."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.02)


_births = iter(range(1, 28))


def _family(client: Any, pump: Any, school: dict[str, Any]) -> dict[str, Any]:
    """A child on the roster and a parent approved for them; `link()` redeems the emailed code."""
    child = {**CHILD, "child_first_name": "Вера", "child_birth_date": f"2015-03-{next(_births):02d}"}
    student_id = enrol(client, school["id"], school["admin"], school["class_id"], child)
    email = verified_account(client, pump, name="Соколова Ольга Ивановна")
    token = str(login(client, email)["access_token"])
    check_and_approve(client, school["id"], school["admin"], apply(client, token, school["id"], child))
    code = emailed_access_code(pump, email)

    def link() -> None:
        assert post(client, "/children/redeem", {"code": code}, token).status_code == 200

    return {"student_id": student_id, "email": email, "token": token, "link": link,
            "account_id": get(client, "/me", token).json_body["account_id"],
            "prefs": f"/children/{student_id}/alert-preferences"}


def test_a_grade_older_than_the_parents_link_alerts_nobody_even_when_its_record_comes_again(
        app, client, pump, school, monkeypatch):
    from ops.pump import LambdaContext

    # Given a parent approved for a child (not linked yet) and a grade posted meanwhile, whose
    # stream records we keep
    family = _family(client, pump, school)
    handled: list[dict[str, Any]] = []
    produce = app.handler_map["produce_alerts"]

    def keeping(event: dict[str, Any], context: Any) -> Any:
        handled.append(json.loads(json.dumps(event)))
        return produce(event, context)

    monkeypatch.setitem(app.handler_map, "produce_alerts", keeping)
    early = _grade(client, school, family["student_id"], 2)
    pump.drain()
    replay = [r for event in handled for r in event["Records"]
              if r["dynamodb"].get("NewImage", {}).get("grade_id", {}).get("S") == early]
    assert replay
    _next_second()
    # When the parent links to the child, and the grade's record comes again (a restart, a redrive)
    family["link"]()
    produce({"Records": replay}, LambdaContext("produce_alerts"))
    pump.drain()
    # Then nobody is told of the old grade
    assert _alert_emails(family["email"]) == []
    # And a grade posted after the link reaches the parent, once
    _grade(client, school, family["student_id"], 3)
    pump.drain()
    assert len(_alert_emails(family["email"])) == 1


# --- unsubscribing: a page that asks, a POST that changes, one click from the mail client ----------

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def alerted(client, pump, school):
    """A linked parent who got one grade alert; its List-Unsubscribe link."""
    family = _family(client, pump, school)
    family["link"]()
    _grade(client, school, family["student_id"], 4)
    pump.drain()
    [email] = _alert_emails(family["email"])
    return {**family, "email_sent": email}


def _channel(client: Any, family: dict[str, Any], kind: str = "new_grade") -> str:
    return str(get(client, family["prefs"], family["token"]).json_body["channels"][kind])


def _path(link: str) -> str:
    return link[link.index("/alerts/unsubscribe"):]


def test_alert_emails_carry_one_click_headers_and_the_link_shows_a_page_that_changes_nothing(client, alerted):
    # The alert email offers the mail client's own button (RFC 2369, RFC 8058)
    headers = alerted["email_sent"]["headers"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"].strip("<>")
    assert headers["List-Unsubscribe"] == f"<{link}>" and "/alerts/unsubscribe?token=" in link
    assert link in alerted["email_sent"]["body"]  # the same link as the one in the text
    # Opening it shows, in the reader's language, what would stop, and a button that POSTs
    page = client.http.get(_path(link), headers=HTML)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.body.decode()
    assert "Не присылать уведомления о новых оценках?" in text and "Вера" in text
    assert '<form method="post">' in text and "<script" not in text
    assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'none' covers it
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert patch(client, "/me", {"language": "en"}, alerted["token"]).status_code == 200
    english = client.http.get(_path(link), headers=HTML).body.decode()
    assert "Stop alerts about new grades?" in english and '<html lang="en">' in english
    # … and changes nothing, however often it is opened (a link scanner, a preview)
    assert _channel(client, alerted) == "email"


def test_the_pages_button_posts_and_switches_that_kind_off(client, pump, school, alerted):
    link = alerted["email_sent"]["headers"]["List-Unsubscribe"].strip("<>")
    done = client.http.post(_path(link), headers={**HTML, **ONE_CLICK}, body="List-Unsubscribe=One-Click")
    assert done.status_code == 200, done.body
    assert "Готово" in done.body.decode()
    assert _channel(client, alerted) == "none"
    assert _channel(client, alerted, "homework") == "email"  # only that kind
    _grade(client, school, alerted["student_id"], 5)
    pump.drain()
    assert len(_alert_emails(alerted["email"])) == 1  # no new alert


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"),
    ("multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"'
                                        "\r\n\r\nOne-Click\r\n--b--\r\n"),
])
def test_the_mail_clients_one_click_post_switches_it_off(client, alerted, content_type, body):
    link = alerted["email_sent"]["headers"]["List-Unsubscribe"].strip("<>")
    # A mail client posts the RFC 8058 body, with no cookie, no token but the link's, no Accept
    done = client.http.post(_path(link), headers={"Content-Type": content_type}, body=body)
    assert done.status_code == 200, done.body
    assert _channel(client, alerted) == "none"


def test_a_forged_or_altered_token_is_refused_and_changes_nothing(client, alerted):
    import base64

    link = alerted["email_sent"]["headers"]["List-Unsubscribe"].strip("<>")
    token = link.split("token=", 1)[1]
    payload, signature = token.split(".")
    plain = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    other_kind = base64.urlsafe_b64encode(plain.replace("new_grade", "homework").encode()).decode().rstrip("=")
    for forged in [token[:-3] + "xyz", f"{other_kind}.{signature}"]:
        page = client.http.get(f"/alerts/unsubscribe?token={forged}", headers=HTML)
        assert page.status_code == 400 and page.headers["Content-Type"].startswith("text/html")
        assert "Ссылка не подходит" in page.body.decode()
        refused = client.http.post(f"/alerts/unsubscribe?token={forged}", headers=ONE_CLICK,
                                   body="List-Unsubscribe=One-Click")
        assert refused.status_code == 400
        assert json.loads(refused.body)["error"]["code"] == "unsubscribe_token_invalid"
    assert (_channel(client, alerted), _channel(client, alerted, "homework")) == ("email", "email")


def test_a_link_whose_holder_is_no_longer_linked_is_refused(client, school, alerted):
    from chalicelib.dal.models import Guardianship

    link = alerted["email_sent"]["headers"]["List-Unsubscribe"].strip("<>")
    Guardianship(f"STUDENT#{alerted['student_id']}", f"ACCESS#{alerted['account_id']}").delete()
    refused = client.http.post(_path(link), headers=ONE_CLICK, body="List-Unsubscribe=One-Click")
    assert refused.status_code == 404
    assert json.loads(refused.body)["error"]["code"] == "unsubscribe_link_ended"
