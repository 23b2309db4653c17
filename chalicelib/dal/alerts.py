"""Stored alert data: preferences, families of a child or a class, deliveries, held alerts, news,
and the alerts queue itself."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib import aws, settings
from chalicelib.dal.models import (
    Account,
    Alert,
    AlertPreferences,
    DiaryItem,
    Guardianship,
    HeldAlert,
    News,
    SchoolClass,
    Student,
    Viewer,
)
from chalicelib.dal.store import get_many, now_iso, storing
from chalicelib.errors import UnavailableError

KEEP_ALERT = timedelta(days=30)
SQS_BATCH = 10


def prefs_sk(account_id: str) -> str:
    """Key of a person's alert choices within the child's partition."""
    return f"ALERTS#{account_id}"


def family(student_id: str) -> tuple[list[Guardianship | Viewer], dict[str, AlertPreferences]]:
    """A child's parents and viewers and their alert choices, in one Query (both sit in the
    child's partition, ACCESS# sorting just before ALERTS#)."""
    links: list[Guardianship | Viewer] = []
    prefs: dict[str, AlertPreferences] = {}
    with storing():
        for item in DiaryItem.query(f"STUDENT#{student_id}", DiaryItem.sk.between("ACCESS#", "ALERTS#~")):
            if isinstance(item, Guardianship | Viewer):
                links.append(item)
            elif isinstance(item, AlertPreferences):
                prefs[item.account_id] = item
    return links, prefs


def get_preferences(student_id: str, account_id: str) -> AlertPreferences | None:
    """One person's alert choices for a child."""
    with storing():
        try:
            return AlertPreferences.get(f"STUDENT#{student_id}", prefs_sk(account_id))
        except AlertPreferences.DoesNotExist:
            return None


def save_preferences(item: AlertPreferences) -> None:
    """Store a person's alert choices (the whole item: the last writer wins, as in a settings form)."""
    item.pk, item.sk = f"STUDENT#{item.student_id}", prefs_sk(item.account_id)
    item.created_at = item.created_at or now_iso()
    with storing():
        item.save()


def students_of_classes(school_id: str, class_ids: Iterable[str]) -> list[Student]:
    """Every student of these classes."""
    with storing():
        return [s for class_id in class_ids for s in Student.gsi1.query(f"CLASS#{school_id}#{class_id}")
                if isinstance(s, Student)]


def class_ids_of_school(school_id: str) -> list[str]:
    """Every class of a school."""
    with storing():
        return [c.class_id for c in SchoolClass.query(f"SCHOOL#{school_id}", SchoolClass.sk.startswith("CLASS#"))]


def accounts(account_ids: Iterable[str]) -> dict[str, Account]:
    """Accounts by id, read in batches of 100."""
    keys = [(f"ACCOUNT#{a}", "ACCOUNT") for a in dict.fromkeys(account_ids)]
    with storing():
        return {a.account_id: a for a in Account.batch_get(keys)} if keys else {}


def names(school_id: str, with_school: bool, subject_ids: Iterable[str],
          account_ids: Iterable[str]) -> tuple[tuple[str, str] | None, dict[str, str], dict[str, str]]:
    """What an alert names, as stored now, in one BatchGetItem: the school's name and time zone
    (when `with_school`), its subjects' names and people's names (absent ones are left out)."""
    subjects = {(f"SCHOOL#{school_id}", f"SUBJECT#{s}"): s for s in subject_ids}
    people = {(f"ACCOUNT#{a}", "ACCOUNT"): a for a in account_ids}
    school_key = (f"SCHOOL#{school_id}", "SCHOOL")
    keys = ([school_key] if with_school else []) + list(subjects) + list(people)
    found = get_many(keys, attributes=("name", "timezone")) if keys else {}

    def text(raw: dict[str, Any], attribute: str) -> str:
        return str(raw.get(attribute, {}).get("S", ""))

    school = found.get(school_key)
    return ((text(school, "name"), text(school, "timezone")) if school else None,
            {sid: text(found[key], "name") for key, sid in subjects.items() if key in found},
            {aid: text(found[key], "name") for key, aid in people.items() if key in found})


def suppress_email(account_id: str) -> None:
    """SES said this address bounces or complains: stop emailing it."""
    with storing():
        Account(f"ACCOUNT#{account_id}", "ACCOUNT").update(actions=[Account.email_suppressed.set(True)])


# --- deliveries -------------------------------------------------------------------------------


def record_attempt(key: str, account_id: str, kind: str, channel: str, status: str, error: str | None,
                   attempt: bool = True) -> None:
    """Count one delivery attempt of an alert and how it ended (or only its status, when held)."""
    item = Alert(f"ALERT#{key}", "ALERT")
    actions: list[Action] = [
        Alert.account_id.set(account_id), Alert.alert_kind.set(kind), Alert.channel.set(channel),
        Alert.status.set(status), Alert.attempts.add(1 if attempt else 0),
        Alert.expires_at.set(datetime.now(UTC) + KEEP_ALERT)]
    actions.append(Alert.error.set(error) if error else Alert.error.remove())
    with storing():
        item.update(actions=actions)


def get_alert(key: str) -> Alert | None:
    """How one alert's delivery went."""
    with storing():
        try:
            return Alert.get(f"ALERT#{key}", "ALERT")
        except Alert.DoesNotExist:
            return None


def hold(slot: str, account_id: str, key: str, job: dict[str, Any]) -> None:
    """Keep an alert until its slot begins (the same alert held twice stays one item)."""
    item = HeldAlert(f"HELD#{slot}", f"{account_id}#{key}", job=json.dumps(job, ensure_ascii=False))
    item.expires_at = timedelta(days=3)
    with storing():
        item.save()


def held_in(slot: str) -> list[HeldAlert]:
    """Alerts waiting for this slot."""
    with storing():
        return list(HeldAlert.query(f"HELD#{slot}"))


def release_held(items: list[HeldAlert]) -> None:
    """Held alerts that were queued: forget them."""
    with storing(), HeldAlert.batch_write() as batch:
        for item in items:
            batch.delete(item)


def release_cursor() -> str | None:
    """The last slot whose held alerts were released."""
    with storing():
        try:
            return str(HeldAlert.get("HELD#CURSOR", "CURSOR").job)
        except HeldAlert.DoesNotExist:
            return None


def set_release_cursor(slot: str) -> None:
    """Remember the last released slot."""
    with storing():
        HeldAlert("HELD#CURSOR", "CURSOR", job=slot).save()


# --- news -------------------------------------------------------------------------------------


def create_news(news: News) -> None:
    """Store news; the stream picks it up and starts the fan-out."""
    news.pk, news.sk = f"SCHOOL#{news.school_id}", f"NEWS#{news.news_id}"
    news.created_at = now_iso()
    with storing():
        news.save(condition=News.pk.does_not_exist())


def get_news(school_id: str, news_id: str) -> News | None:
    """One news item with its delivery counts."""
    with storing():
        try:
            return News.get(f"SCHOOL#{school_id}", f"NEWS#{news_id}", consistent_read=True)
        except News.DoesNotExist:
            return None


def news_planned(school_id: str, news_id: str, recipients: int, batches: int) -> None:
    """The fan-out is planned: how many people and batches to expect."""
    with storing():
        News(f"SCHOOL#{school_id}", f"NEWS#{news_id}").update(actions=[
            News.recipients.set(recipients), News.batches_total.set(batches),
            News.state.set("sending" if batches else "done")])


def news_batch_done(school_id: str, news_id: str, emails: int, sms: int, failed: int) -> None:
    """Add one batch's counts (called once per batch: the batch is claimed first)."""
    with storing():
        news = News(f"SCHOOL#{school_id}", f"NEWS#{news_id}")
        news.update(actions=[News.batches_done.add(1), News.emails_sent.add(emails), News.sms_sent.add(sms),
                             News.failed.add(failed)])
        if news.batches_done >= news.batches_total:
            news.update(actions=[News.state.set("done")])


# --- the queue --------------------------------------------------------------------------------


def enqueue(jobs: list[dict[str, Any]], delay_seconds: int = 0) -> None:
    """Put jobs on the alerts queue, ten to a call."""
    from botocore.exceptions import BotoCoreError, ClientError

    url = aws.queue_url(settings.alerts_queue_name())
    for start in range(0, len(jobs), SQS_BATCH):
        entries = [{"Id": str(i), "MessageBody": json.dumps(job, ensure_ascii=False, default=str),
                    "DelaySeconds": delay_seconds}
                   for i, job in enumerate(jobs[start:start + SQS_BATCH])]
        try:
            result = aws.client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError() from exc
        if result.get("Failed"):
            raise UnavailableError()


def dead_letter(job: dict[str, Any], error: str) -> None:
    """Park a job that can never succeed (a rejected send) in the dead-letter queue, with why."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("sqs").send_message(
            QueueUrl=aws.queue_url(settings.alerts_dead_letter_queue_name()),
            MessageBody=json.dumps(job, ensure_ascii=False, default=str),
            MessageAttributes={"error": {"DataType": "String", "StringValue": error or "unknown"}})
    except (BotoCoreError, ClientError) as exc:
        raise UnavailableError() from exc
