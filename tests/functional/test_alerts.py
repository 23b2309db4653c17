"""Alerts end to end: a change in the journal reaches the family by email and SMS, once, as they chose."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from tests.conftest import sent_bulk, sent_emails, sent_sms, unique_email
from tests.journeys import get, login, patch, post, school_with_admin, verified_account


def put(client, path, body, token):
    return client.http.put(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                           body=json.dumps(body))


_phones = iter(range(1000, 9000))


def new_phone():
    """A Moscow mobile number no other test uses (moto treats numbers ending in 99 as opted out)."""
    return f"+7916555{next(_phones):04d}"


def link(student_id, account_id, school_id, scope=None, invited_by=None):
    """Link an account to a child as the access journey would (tested in test_access_journey)."""
    from chalicelib.dal.models import Guardianship, Viewer

    keys = {"pk": f"STUDENT#{student_id}", "sk": f"ACCESS#{account_id}", "gsi1pk": f"CHILDREN#{account_id}",
            "gsi1sk": student_id}
    if scope is None:
        item = Guardianship(account_id=account_id, student_id=student_id, school_id=school_id, relation="mother")
    else:
        item = Viewer(account_id=account_id, student_id=student_id, school_id=school_id, role="relative",
                      scope=set(scope), invitation_id="inv", invited_by=invited_by)
    for name, value in keys.items():
        setattr(item, name, value)
    item.save()


@pytest.fixture(scope="module")
def base(app, pump):
    """5А with a subject with a long name and its teacher, and a lesson: shared by the tests here."""
    from chalice.test import Client

    with Client(app, stage_name="test") as client:
        school_id, admin = school_with_admin(client, pump)
        path = f"/schools/{school_id}"
        class_id = post(client, f"{path}/classes", {"name": "5А", "grade_level": 5}, admin).json_body["class_id"]
        subject = post(client, f"{path}/subjects", {"name": "Основы безопасности жизнедеятельности"},
                       admin).json_body["subject_id"]
        teacher_email = verified_account(client, pump, name="Константинопольская Елизавета Александровна")
        teacher_id = post(client, f"{path}/teachers", {"email": teacher_email}, admin).json_body["account_id"]
        post(client, f"{path}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": subject},
             admin)
        lesson = post(client, f"{path}/classes/{class_id}/lessons", {
            "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": subject,
            "teacher_id": teacher_id, "room": "214"}, admin).json_body["lesson_id"]
        return {"id": school_id, "admin": admin, "class_id": class_id, "teacher_id": teacher_id,
                "teacher": login(client, teacher_email)["access_token"],
                "lesson_path": f"{path}/classes/{class_id}/lessons/{lesson}"}


_births = iter(range(1, 300))


@pytest.fixture
def school(client, pump, base):
    """A new pupil Пётр of 5А with a linked parent whose phone is set and confirmed (as if the
    texted code had been typed: the confirmation itself is tested in test_security_mail)."""
    n = next(_births)
    pupil = post(client, f"/schools/{base['id']}/students", {
        "last_name": "Иванов", "first_name": "Пётр", "birth_date": f"2015-{1 + n // 28:02d}-{1 + n % 28:02d}",
        "class_id": base["class_id"]}, base["admin"])
    assert pupil.status_code == 201, pupil.body
    pupil_id = pupil.json_body["student_id"]
    parent_email = verified_account(client, pump, name="Иванова Мария Петровна")
    parent = login(client, parent_email)["access_token"]
    from chalicelib.dal import phones

    phone = new_phone()
    parent_id = get(client, "/me", parent).json_body["account_id"]
    phones.set_verified_phone(parent_id, phone)
    link(pupil_id, parent_id, base["id"])
    return {**base, "pupil": pupil_id, "parent": parent, "parent_id": parent_id, "parent_email": parent_email,
            "phone": phone, "prefs": f"/children/{pupil_id}/alert-preferences"}


def alert_emails(to):
    """Alert emails (every one carries an unsubscribe link) sent to an address."""
    return [m for m in sent_emails(to) if "/alerts/unsubscribe" in m["body"]]


def grade(client, school, value, remark=None):
    body = {"student_id": school["pupil"], "value": value, **({"remark": remark} if remark else {})}
    response = post(client, f"{school['lesson_path']}/grades", body, school["teacher"])
    assert response.status_code == 201, response.body
    return response.json_body


@pytest.fixture
def daytime(monkeypatch):
    """Production happens at 12:00 Moscow time unless a test moves the clock."""
    from chalicelib import clock

    now = {"at": datetime(2026, 9, 7, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: now["at"])
    return now


def test_defaults_are_email_for_everything_and_sms_needs_a_phone(client, pump, school):
    prefs = get(client, school["prefs"], school["parent"])
    assert prefs.status_code == 200, prefs.body
    assert set(prefs.json_body["channels"].values()) == {"email"}
    assert prefs.json_body["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    assert prefs.json_body["sms_available"] is True
    no_phone_email = verified_account(client, pump)
    no_phone = login(client, no_phone_email)["access_token"]
    link(school["pupil"], get(client, "/me", no_phone).json_body["account_id"], school["id"])
    refused = put(client, school["prefs"], {"channels": {"new_grade": "sms"}}, no_phone)
    assert (refused.status_code, refused.json_body["error"]["code"]) == (400, "alerts_phone_required")
    stranger = login(client, verified_account(client, pump))["access_token"]
    assert get(client, school["prefs"], stranger).status_code == 403
    bad = put(client, school["prefs"], {"channels": {"new_grade": "pigeon"}}, school["parent"])
    assert bad.status_code == 422


def test_a_grade_reaches_the_parent_once_by_email_and_sms_in_their_language(client, pump, school, daytime):
    assert patch(client, "/me", {"language": "en"}, school["parent"]).status_code == 200
    chosen = put(client, school["prefs"], {"channels": {"new_grade": "both"}}, school["parent"])
    assert chosen.status_code == 200, chosen.body
    grade(client, school, 2, remark="Не выполнено домашнее задание")
    pump.drain()
    [email] = alert_emails(school["parent_email"])
    assert email["subject"] == "Пётр: grade 2 in Основы безопасности жизнедеятельности"
    assert "Не выполнено домашнее задание" in email["body"]  # the remark rides in the grade's alert
    [sms] = sent_sms(school["phone"])
    assert sms.startswith("Пётр: 2 in")
    # The same stream record again, and the same delivery job twice: nobody hears twice
    from chalicelib.domain import alerts

    image = {"PK": "STUDENT#x", "SK": "D#2026-09-07#G#replayed", "kind": "Grade", "school_id": school["id"],
             "student_id": school["pupil"], "value": 3, "date": "2026-09-07", "version": 1}
    assert alerts.produce([("ev-1", None, image), ("ev-1", None, image)]) == 2
    pump.drain()
    assert len(alert_emails(school["parent_email"])) == 2
    assert len(sent_sms(school["phone"])) == 2


def test_redelivered_stream_batch_and_duplicated_queue_message_send_one_email(client, pump, school, daytime):
    from chalicelib.dal import alerts as store
    from chalicelib.domain import alerts

    image = {"PK": "STUDENT#y", "SK": "D#2026-09-07#G#dup", "kind": "Grade", "school_id": school["id"],
             "student_id": school["pupil"], "value": 4, "date": "2026-09-07", "version": 1}
    alerts.produce([("ev-9", None, image)])
    alerts.produce([("ev-9", None, image)])  # Lambda retried the whole stream batch
    job = {"type": "deliver", "key": "alert:manual-duplicate", "kind": "new_grade", "channel": "email",
           "account_id": school["parent_id"], "student_id": school["pupil"], "language": "ru",
           "to": school["parent_email"], "data": {"child": "Пётр", "value": 5, "subject": "Математика",
                                                  "date": "2026-09-07", "teacher": "", "remark": None,
                                                  "corrected": False}}
    store.enqueue([job, job])  # SQS delivered a message twice
    pump.drain()
    subjects = [m["subject"] for m in alert_emails(school["parent_email"])]
    assert len(subjects) == 2, subjects
    assert store.get_alert("alert:manual-duplicate").status == "sent"


def test_quiet_hours_hold_the_sms_until_morning_while_email_goes_at_once(client, pump, school, daytime):
    from chalicelib.domain import alerts

    put(client, school["prefs"], {"channels": {"absence": "both"}}, school["parent"])
    daytime["at"] = datetime(2026, 9, 7, 19, 30, tzinfo=UTC)  # 22:30 at the school
    mark = put(client, f"{school['lesson_path']}/attendance/{school['pupil']}", {"mark": "absent"}, school["teacher"])
    assert mark.status_code == 200, mark.body
    pump.drain()
    assert len(alert_emails(school["parent_email"])) == 1
    assert sent_sms(school["phone"]) == []
    assert alerts.release_due(datetime(2026, 9, 8, 4, 50, tzinfo=UTC)) == 0  # 07:50: still quiet
    assert alerts.release_due(datetime(2026, 9, 8, 5, 5, tzinfo=UTC)) == 1  # 08:05
    pump.drain()
    [sms] = sent_sms(school["phone"])
    assert sms.startswith("Пётр: пропуск") and "7 сентября" in sms  # dates in words (docs/messages.md)


def test_digest_collects_the_days_alerts_into_one_evening_email(client, pump, school, daytime):
    from chalicelib.domain import alerts

    daytime["at"] = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
    assert put(client, school["prefs"], {"digest": True}, school["parent"]).json_body["digest"] is True
    grade(client, school, 5)
    grade(client, school, 3, remark="Невнимателен")
    pump.drain()
    assert alert_emails(school["parent_email"]) == []
    alerts.release_due(datetime(2026, 9, 10, 16, 1, tzinfo=UTC))  # 19:01 at the school
    pump.drain()
    [digest] = alert_emails(school["parent_email"])
    assert digest["subject"] == "Дневник за день: 2 события"
    assert "оценка 5" in digest["body"] and "Невнимателен" in digest["body"]


def test_thresholds_low_grades_and_unexcused_absences_only(client, pump, school, daytime):
    put(client, school["prefs"], {"grade_at_most": 3, "absences": "unexcused"}, school["parent"])
    grade(client, school, 5)
    put(client, f"{school['lesson_path']}/attendance/{school['pupil']}", {"mark": "absent", "excused": True},
        school["teacher"])
    pump.drain()
    assert alert_emails(school["parent_email"]) == []
    grade(client, school, 2)
    pump.drain()
    assert [m["subject"] for m in alert_emails(school["parent_email"])] == [
        "Пётр: оценка 2 по основам безопасности жизнедеятельности"]


def test_a_viewer_hears_only_within_scope_and_only_by_email(client, pump, school, daytime):
    viewer_email = verified_account(client, pump, name="Иванова Анна Ильинична")
    viewer = login(client, viewer_email)["access_token"]
    link(school["pupil"], get(client, "/me", viewer).json_body["account_id"], school["id"], scope=["homework"],
         invited_by=school["parent_id"])
    prefs = get(client, school["prefs"], viewer).json_body
    assert prefs["channels"]["homework"] == "email" and prefs["channels"]["new_grade"] == "none"
    assert put(client, school["prefs"], {"channels": {"new_grade": "email"}}, viewer).status_code == 403
    sms = put(client, school["prefs"], {"channels": {"homework": "both"}}, viewer)
    assert (sms.status_code, sms.json_body["error"]["code"]) == (400, "alerts_viewer_email_only")
    grade(client, school, 2)
    homework = put(client, f"{school['lesson_path']}/homework", {"text": "§ 3, вопросы 1–5", "due_date": "2026-09-09"},
                   school["teacher"])
    assert homework.status_code == 200, homework.body
    pump.drain()
    assert [m["subject"] for m in alert_emails(viewer_email)] == [
        "Пётр: домашнее задание по основам безопасности жизнедеятельности"]
    assert len(alert_emails(school["parent_email"])) == 2


def test_the_unsubscribe_link_turns_that_kind_off(client, pump, school, daytime):
    grade(client, school, 4)
    pump.drain()
    [email] = alert_emails(school["parent_email"])
    token = re.search(r"/alerts/unsubscribe\?token=([A-Za-z0-9_.-]+)", email["body"]).group(1)
    assert get(client, "/alerts/unsubscribe?token=" + token[:-3] + "xyz").status_code == 400
    assert get(client, f"/alerts/unsubscribe?token={token}").status_code == 200  # the page: nothing changes yet
    assert get(client, school["prefs"], school["parent"]).json_body["channels"]["new_grade"] == "email"
    done = client.http.post(f"/alerts/unsubscribe?token={token}",
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                            body="List-Unsubscribe=One-Click")
    assert done.status_code == 200, done.body
    assert get(client, school["prefs"], school["parent"]).json_body["channels"]["new_grade"] == "none"
    grade(client, school, 5)
    pump.drain()
    assert len(alert_emails(school["parent_email"])) == 1


def test_a_bounce_suppresses_the_address(client, pump, school, daytime):
    notice = {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": [
        {"emailAddress": school["parent_email"].upper()}]}}
    result = client.lambda_.invoke("ses_feedback", client.events.generate_sns_event(message=json.dumps(notice)))
    assert result.payload is None
    assert get(client, "/me", school["parent"]).json_body["email_suppressed"] is True
    grade(client, school, 2)
    pump.drain()
    assert alert_emails(school["parent_email"]) == []


def test_a_bounce_published_to_the_feedback_topic_reaches_the_account(client, pump, school, daytime):
    """The way it happens: SES publishes to the topic; locally the pump delivers it to the handler."""
    from chalicelib import aws, settings

    sns = aws.client("sns")
    topic = sns.create_topic(Name=settings.ses_feedback_topic_name())["TopicArn"]  # exists: returns its ARN
    bystander = login(client, verified_account(client, pump))["access_token"]
    for message in ("not json", json.dumps(["a list"]), json.dumps({"eventType": "Bounce", "bounce": "odd"}),
                    json.dumps({"eventType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": [
                        {"emailAddress": school["parent_email"]}]}}),
                    json.dumps({"eventType": "Delivery", "delivery": {}})):
        sns.publish(TopicArn=topic, Message=message)
    failed_before = pump.failed
    pump.drain()
    assert pump.failed == failed_before  # nothing unreadable is retried forever
    assert get(client, "/me", school["parent"]).json_body["email_suppressed"] is False
    # A v2 event destination's permanent bounce
    sns.publish(TopicArn=topic, Message=json.dumps({"eventType": "Bounce", "bounce": {
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": school["parent_email"], "status": "5.1.1"}]}}))
    pump.drain()
    assert get(client, "/me", school["parent"]).json_body["email_suppressed"] is True
    assert get(client, "/me", bystander).json_body["email_suppressed"] is False
    grade(client, school, 2)
    pump.drain()
    assert alert_emails(school["parent_email"]) == []


def test_a_new_message_alerts_the_other_side(client, pump, school, daytime):
    from chalicelib.dal.models import Message

    teacher_id = get(client, "/me", school["teacher"]).json_body["account_id"]
    message = Message("THREAD#alerts-test", "MSG#0001", message_id="m1", thread_id="alerts-test",
                      school_id=school["id"], class_id=school["class_id"], student_id=school["pupil"],
                      sender_account_id=teacher_id, recipient_account_ids={school["parent_id"], teacher_id},
                      body="Прошу зайти после уроков")
    message.save()
    pump.drain()
    [email] = alert_emails(school["parent_email"])
    assert email["subject"] == "Новое сообщение от Константинопольской Елизаветы Александровны"


def test_every_alert_is_delivered_exactly_once_when_a_fifth_of_sends_are_throttled(client, pump, school, daytime):
    from botocore.exceptions import ClientError

    from chalicelib import aws

    put(client, school["prefs"], {"channels": {"new_grade": "both"}, "quiet_hours": None}, school["parent"])
    calls = {"n": 0}

    def throttle_every_fifth(**kwargs):
        calls["n"] += 1
        if calls["n"] % 5 == 0:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, kwargs.get("event_name", "call"))

    ses, sns = aws.client("sesv2").meta.events, aws.client("sns").meta.events
    ses.register("before-call.sesv2.SendEmail", throttle_every_fifth)
    sns.register("before-call.sns.Publish", throttle_every_fifth)
    try:
        for value in (2, 3, 4, 5, 2, 3, 4, 5, 2, 3):
            grade(client, school, value)
        pump.drain(timeout=60)
    finally:
        ses.unregister("before-call.sesv2.SendEmail", throttle_every_fifth)
        sns.unregister("before-call.sns.Publish", throttle_every_fifth)
    assert calls["n"] >= 24  # 20 sends and the throttled ones again
    assert len(alert_emails(school["parent_email"])) == 10
    assert len(sent_sms(school["phone"])) == 10


def test_a_permanent_failure_is_recorded_and_not_retried(client, pump, school, daytime):
    from chalicelib.dal import alerts as store
    from chalicelib.domain.alerts import alert_key

    rejected = unique_email("bounce")
    job = {"type": "deliver", "key": alert_key("perm", "x", "email"), "kind": "new_grade", "channel": "email",
           "account_id": "x", "student_id": school["pupil"], "language": "ru", "to": rejected,
           "data": {"child": "Пётр", "value": 5, "subject": "Математика", "date": "2026-09-07", "teacher": "",
                    "remark": None, "corrected": False}}
    from botocore.exceptions import ClientError

    from chalicelib import aws

    def reject(**kwargs):
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}},
                          "SendEmail")

    events = aws.client("sesv2").meta.events
    events.register("before-call.sesv2.SendEmail", reject)
    try:
        store.enqueue([job])
        pump.drain()
    finally:
        events.unregister("before-call.sesv2.SendEmail", reject)
    alert = store.get_alert(job["key"])
    assert (alert.status, alert.attempts, alert.error) == ("failed", 1, "MessageRejected")
    # … and the job waits in the dead-letter queue, with why, for someone to look at
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="ediary-test-alerts-dlq")["QueueUrl"]
    parked = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    [mine] = [m for m in parked if json.loads(m["Body"])["key"] == job["key"]]
    assert mine["MessageAttributes"]["error"]["StringValue"] == "MessageRejected"


def test_school_news_reaches_every_family_in_bulk_with_counts(client, pump, school, daytime):
    put(client, school["prefs"], {"channels": {"news": "both"}, "quiet_hours": None}, school["parent"])
    news = post(client, f"/schools/{school['id']}/news", {"title": "Родительское собрание 15 сентября",
                                                         "body": "Собрание в актовом зале в 18:30."}, school["admin"])
    assert news.status_code == 201, news.body
    assert post(client, f"/schools/{school['id']}/news", {"title": "x", "body": "y"}, school["teacher"]).status_code \
        == 403
    pump.drain()
    state = get(client, f"/schools/{school['id']}/news/{news.json_body['news_id']}", school["admin"]).json_body
    # Every family of the school so far (this module's tests share it), each once
    assert (state["state"], state["sms_sent"], state["failed"]) == ("done", 1, 0)
    assert state["emails_sent"] == state["recipients"] - 1 >= 2
    assert len(sent_bulk(school["parent_email"])) == 1
    [sms] = sent_sms(school["phone"])
    assert "Родительское собрание" in sms


def test_news_sms_inside_quiet_hours_waits_for_the_morning_while_the_email_goes(client, pump, school, daytime):
    from chalicelib.domain import alerts

    # Default quiet hours (21:00–08:00 school time); the release cursor of earlier tests is days behind
    assert put(client, school["prefs"], {"channels": {"news": "both"}}, school["parent"]).status_code == 200
    daytime["at"] = datetime(2026, 9, 14, 19, 30, tzinfo=UTC)  # 22:30 in Moscow
    news = post(client, f"/schools/{school['id']}/news", {"title": "Завтра уроки с 10:00",
                                                         "body": "Первые два урока отменены."}, school["admin"])
    assert news.status_code == 201, news.body
    pump.drain()
    path = f"/schools/{school['id']}/news/{news.json_body['news_id']}"
    evening = get(client, path, school["admin"]).json_body
    assert sent_sms(school["phone"]) == []
    assert evening["state"] == "sending" and evening["batches_done"] == evening["batches_total"] - 1
    assert sent_bulk(school["parent_email"])
    alerts.release_due(datetime(2026, 9, 15, 4, 50, tzinfo=UTC))  # 07:50: still quiet
    pump.drain()
    assert sent_sms(school["phone"]) == []
    alerts.release_due(datetime(2026, 9, 15, 5, 5, tzinfo=UTC))  # 08:05
    pump.drain()
    [sms] = sent_sms(school["phone"])
    assert "Завтра уроки с 10:00" in sms
    morning = get(client, path, school["admin"]).json_body
    # Other families of the school without quiet hours were texted in the evening
    assert (morning["state"], morning["sms_sent"], morning["failed"]) == ("done", evening["sms_sent"] + 1, 0)


def test_a_news_sms_a_phone_refuses_is_counted_failed_and_parked(client, pump, school, daytime):
    from botocore.exceptions import ClientError

    from chalicelib import aws

    put(client, school["prefs"], {"channels": {"news": "both"}, "quiet_hours": None}, school["parent"])

    def refuse(params, **kwargs):
        if params.get("PhoneNumber") == school["phone"]:
            raise ClientError({"Error": {"Code": "InvalidParameter", "Message": "Invalid phone number"}}, "Publish")

    events = aws.client("sns").meta.events
    events.register("provide-client-params.sns.Publish", refuse)
    try:
        news = post(client, f"/schools/{school['id']}/news", {"title": "Экскурсия переносится",
                                                             "body": "Новая дата — в пятницу."}, school["admin"])
        assert news.status_code == 201, news.body
        pump.drain()
    finally:
        events.unregister("provide-client-params.sns.Publish", refuse)
    state = get(client, f"/schools/{school['id']}/news/{news.json_body['news_id']}", school["admin"]).json_body
    assert (state["state"], state["failed"]) == ("done", 1)
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="ediary-test-alerts-dlq")["QueueUrl"]
    parked = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert [(p["type"], p["phone"]) for p in parked if p.get("news_id") == news.json_body["news_id"]] == [
        ("news_sms", school["phone"])]
