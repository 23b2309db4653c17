"""The alerts package: one dispatcher for typed jobs, one send-once protocol, old jobs still read,
and the mail layer free of the domain."""

from __future__ import annotations

import ast
import json
import threading
import uuid
from pathlib import Path

import pytest

from tests.functional.test_alerts import alert_emails, base, daytime, school  # noqa: F401  (the alert tests' school)

ROOT = Path(__file__).resolve().parents[2]


# --- one dispatcher ---------------------------------------------------------------------------

EVENT = {"kind": "new_grade", "school_id": "sch", "identity": "id-1", "student_id": "s1", "class_ids": [],
         "account_ids": [], "data": {"value": 5}, "changed_at": None}
DELIVER = {"type": "deliver", "key": "alert:k1", "kind": "new_grade", "channel": "email", "account_id": "a1",
           "student_id": "s1", "language": "ru", "to": "a1@example.ru", "data": {"value": 5}}
JOBS = {
    "expand": {"type": "event", "event": EVENT},
    "plan_news": {"type": "event", "event": {**EVENT, "kind": "news", "student_id": None, "data": {"news_id": "n1"}}},
    "send_transactional": {"type": "event", "event": {**EVENT, "kind": "invitation", "data": {"invitation_id": "i"}}},
    "deliver": DELIVER,
    "deliver_digest": {"type": "digest", "key": "digest:d1", "account_id": "a1", "to": "a1@example.ru",
                       "language": "ru", "entries": [DELIVER]},
    "send_news_emails": {"type": "news_email", "school_id": "sch", "news_id": "n1", "key": "news:n1:email:ru:0",
                         "language": "ru", "destinations": [{"to": "a1@example.ru", "language": "ru",
                                                             "unsubscribe": "https://x"}]},
    "send_news_sms": {"type": "news_sms", "channel": "sms", "school_id": "sch", "news_id": "n1",
                      "key": "news:n1:sms:0", "phones": [["+79165550000", "ru", "a1"]]},
}


@pytest.fixture
def handlers(monkeypatch):
    """Every handler of the dispatcher replaced by one that records the typed job it was given."""
    from chalicelib.domain.alerts import dispatch

    seen: list[tuple[str, object]] = []
    for name in JOBS:
        def record(job, *rest, name=name):
            seen.append((name, job))
        monkeypatch.setattr(dispatch, name, record)
    parked: list[tuple[dict, str]] = []
    monkeypatch.setattr(dispatch.store, "dead_letter", lambda job, error: parked.append((job, error)))
    return seen, parked


@pytest.mark.parametrize("handler", sorted(JOBS))
def test_each_job_type_reaches_its_one_handler_as_a_typed_job(handlers, handler):
    from chalicelib.domain.alerts import handle, jobs

    seen, parked = handlers
    handle(json.loads(json.dumps(JOBS[handler])))  # as it comes off the queue
    assert [name for name, _ in seen] == [handler] and parked == []
    job = seen[0][1]
    expected = {"expand": jobs.AlertEvent, "plan_news": jobs.AlertEvent, "send_transactional": jobs.AlertEvent,
                "deliver": jobs.DeliverJob, "deliver_digest": jobs.DigestJob,
                "send_news_emails": jobs.NewsEmailJob, "send_news_sms": jobs.NewsSmsJob}[handler]
    assert isinstance(job, expected)
    # and it goes back onto the queue as it came
    if not isinstance(job, jobs.AlertEvent):
        assert job.wire() == JOBS[handler]


@pytest.mark.parametrize(("raw", "reason"), [
    ({"type": "mystery", "key": "x"}, "unknown_job_type"),
    ({"key": "no type at all"}, "unknown_job_type"),
    ({"type": "deliver", "key": "alert:half"}, "malformed_job"),
    ({"type": "digest", "key": "d", "account_id": "a", "to": "t", "language": "ru", "entries": [7]}, "malformed_job"),
    ({"type": "event", "event": {"kind": "new_grade"}}, "malformed_job"),
])
def test_a_job_nobody_knows_is_parked_with_why_and_not_retried(handlers, raw, reason):
    from chalicelib.domain.alerts import handle

    seen, parked = handlers
    handle(raw)  # returns: the queue does not retry it five times before giving up
    assert seen == [] and parked == [(raw, reason)]


def test_an_unknown_job_on_the_queue_lands_in_the_dead_letter_queue_once(app, pump):
    from chalicelib import aws, settings
    from chalicelib.dal import alerts as store

    marker = uuid.uuid4().hex
    store.enqueue([{"type": "from-the-future", "marker": marker}])
    pump.drain()  # finishes: no crash loop
    sqs = aws.client("sqs")
    url = aws.queue_url(settings.alerts_dead_letter_queue_name())
    parked = []
    for _ in range(20):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                     WaitTimeSeconds=1)
        messages = answer.get("Messages", [])
        if not messages:
            break
        for message in messages:
            if marker in message["Body"]:
                parked.append(message["MessageAttributes"]["error"]["StringValue"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert parked == ["unknown_job_type"]


# --- one send-once protocol -------------------------------------------------------------------


def test_a_redelivered_message_is_sent_once_and_a_failed_send_is_sent_by_the_retry(app):
    from chalicelib.domain.send_once import send_once

    key, sends = f"test:{uuid.uuid4().hex}", []
    for _ in range(3):  # the queue delivered it three times
        with send_once(key, "email") as mine:
            if mine:
                sends.append("sent")
    assert sends == ["sent"]

    failing = f"test:{uuid.uuid4().hex}"
    with pytest.raises(ConnectionError), send_once(failing, "sms") as mine:
        assert mine
        raise ConnectionError("SNS timed out")
    with send_once(failing, "sms") as mine:  # the retry may claim it again
        assert mine


def test_two_deliveries_at_once_send_once(app):
    from chalicelib.domain.send_once import send_once

    key, sends, outcomes = f"test:{uuid.uuid4().hex}", [], []
    start = threading.Barrier(2)

    def delivery():
        start.wait(timeout=120)
        with send_once(key, "email") as mine:
            outcomes.append(mine)
            if mine:
                sends.append(threading.get_ident())

    threads = [threading.Thread(target=delivery) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert sorted(outcomes) == [False, True] and len(sends) == 1


def test_a_delivery_while_another_holds_the_lease_sends_nothing(app):
    from chalicelib.domain.send_once import send_once

    key, sends = f"test:{uuid.uuid4().hex}", []
    holding, second_done, second = threading.Event(), threading.Event(), []

    def first():
        with send_once(key, "email") as mine:
            holding.set()
            second_done.wait(timeout=300)  # still sending when the duplicate arrives
            if mine:
                sends.append("first")

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(timeout=300)
    with send_once(key, "email") as mine:
        second.append(mine)
        if mine:
            sends.append("second")
    second_done.set()
    thread.join(timeout=300)
    assert second == [False] and sends == ["first"]


# --- jobs queued by the code before the package -----------------------------------------------


def test_jobs_queued_by_the_old_code_are_still_delivered(client, pump, school, daytime):  # noqa: F811
    """Messages exactly as the single-module code wrote them (json.dumps of its dicts)."""
    from chalicelib.dal import alerts as store

    old_deliver = ('{"type": "deliver", "key": "alert:old-%s", "kind": "remark", "channel": "email", '
                   '"account_id": "%s", "student_id": "%s", "language": "ru", "to": "%s", '
                   '"data": {"child": "Пётр", "remark": "Забыл тетрадь", "subject": "Математика", '
                   '"date": "2026-09-07", "teacher": "", "school": ""}}')
    tag = uuid.uuid4().hex[:8]
    deliver = json.loads(old_deliver % (tag, school["parent_id"], school["pupil"], school["parent_email"]))
    old_digest = {"type": "digest", "key": f"digest:old-{tag}", "account_id": school["parent_id"],
                  "to": school["parent_email"], "language": "ru",
                  "entries": [{**deliver, "key": f"alert:old-entry-{tag}"}]}
    store.enqueue([deliver, old_digest])
    pump.drain()
    mails = alert_emails(school["parent_email"])
    assert len(mails) == 2, [m["subject"] for m in mails]
    assert all("Забыл тетрадь" in m["body"] for m in mails)  # the alert, and the digest that carries it
    assert store.get_alert(f"alert:old-{tag}").status == "sent"
    assert store.get_alert(f"alert:old-entry-{tag}").status == "sent"
    store.enqueue([deliver, old_digest])  # and a redelivery of either sends nothing more
    pump.drain()
    assert len(alert_emails(school["parent_email"])) == 2


def test_an_old_event_job_without_the_fields_added_since_is_expanded(client, pump, school, daytime):  # noqa: F811
    from chalicelib.dal import alerts as store

    # Before `changed_at` and `account_ids` were added, an event job carried only these.
    old_event = {"type": "event", "event": {"kind": "remark", "school_id": school["id"],
                                            "identity": f"old-event-{uuid.uuid4().hex}",
                                            "student_id": school["pupil"], "class_ids": [],
                                            "data": {"remark": "Отвечал у доски", "date": "2026-09-07"}}}
    store.enqueue([old_event])
    pump.drain()
    assert any("Отвечал у доски" in m["body"] for m in alert_emails(school["parent_email"]))


# --- layers -----------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_mail_imports_nothing_from_the_domain():
    offenders = {str(p.relative_to(ROOT)): sorted(i for i in _imports(p) if i.startswith("chalicelib.domain"))
                 for p in (ROOT / "chalicelib" / "mail").glob("*.py")}
    assert {p: i for p, i in offenders.items() if i} == {}


def test_alerts_reach_the_data_only_through_dal_functions():
    banned = ("chalicelib.dal.models", "pynamodb", "boto3", "botocore")
    files = [*(ROOT / "chalicelib" / "domain" / "alerts").glob("*.py"), ROOT / "chalicelib" / "domain" / "send_once.py"]
    offenders = {str(p.relative_to(ROOT)): sorted(i for i in _imports(p) if i.startswith(banned)) for p in files}
    assert len(files) >= 9 and {p: i for p, i in offenders.items() if i} == {}
