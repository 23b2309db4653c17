"""Stored alert data: preferences, families of a child or a class, deliveries, held alerts, news,
and the alerts queue itself. The domain gets records (chalicelib/records/alerts.py), never items;
keys come from dal/keys.py."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib import aws, clock, settings
from chalicelib.dal import keys
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
from chalicelib.dal.store import Reading, get_many, paged, storing
from chalicelib.errors import UnavailableError
from chalicelib.records.alerts import FamilyLink, HeldJob, NewsItem, Person, StoredPreferences
from chalicelib.records.paging import Page, PageCursor

KEEP_ALERT = timedelta(days=30)
SQS_BATCH = 10


def prefs_sk(account_id: str) -> str:
    """Key of a person's alert choices within the child's partition."""
    return keys.alert_preferences(account_id)


def _person(account: Account) -> Person:
    return Person(account_id=account.account_id, email=account.email, name=account.name or "",
                  language=account.language or "ru", phone=account.phone, phone_verified=bool(account.phone_verified),
                  email_suppressed=bool(account.email_suppressed))


def _link(item: Guardianship | Viewer) -> FamilyLink:
    if isinstance(item, Viewer):
        return FamilyLink(item.account_id, "viewer", frozenset(item.scope or ()), item.invited_by, item.created_at)
    return FamilyLink(item.account_id, "parent", frozenset(), None, item.created_at)


def _stored(item: AlertPreferences) -> StoredPreferences:
    return StoredPreferences(channels=json.loads(item.channels or "{}"), quiet_start=item.quiet_start,
                             quiet_end=item.quiet_end, digest=bool(item.digest),
                             grade_at_most=int(item.grade_at_most) if item.grade_at_most is not None else None,
                             absences=item.absences or "all", created_at=item.created_at)


def family(student_id: str) -> tuple[list[FamilyLink], dict[str, StoredPreferences]]:
    """A child's parents and viewers and their alert choices, in one Query (both sit in the
    child's partition, ACCESS# sorting just before ALERTS#)."""
    links: list[FamilyLink] = []
    prefs: dict[str, StoredPreferences] = {}
    with storing():
        for item in DiaryItem.query(keys.child_pk(student_id), DiaryItem.sk.between(*keys.family_range())):
            if isinstance(item, Guardianship | Viewer):
                links.append(_link(item))
            elif isinstance(item, AlertPreferences):
                prefs[item.account_id] = _stored(item)
    return links, prefs


def get_preferences(student_id: str, account_id: str) -> StoredPreferences | None:
    """One person's alert choices for a child."""
    with storing():
        try:
            return _stored(AlertPreferences.get(keys.child_pk(student_id), prefs_sk(account_id)))
        except AlertPreferences.DoesNotExist:
            return None


def save_preferences(student_id: str, account_id: str, prefs: StoredPreferences) -> None:
    """Store a person's alert choices (the whole item: the last writer wins, as in a settings form)."""
    item = AlertPreferences(keys.child_pk(student_id), prefs_sk(account_id), account_id=account_id,
                            student_id=student_id, channels=json.dumps(prefs.channels, sort_keys=True),
                            quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end, digest=prefs.digest,
                            grade_at_most=prefs.grade_at_most, absences=prefs.absences)
    item.created_at = prefs.created_at or clock.now_iso()
    with storing():
        item.save()


def students_of_classes(school_id: str, class_ids: Iterable[str]) -> list[str]:
    """The ids of every student of these classes."""
    with storing():
        return [s.student_id for class_id in class_ids
                for s in Student.gsi1.query(keys.class_students(school_id, class_id)) if isinstance(s, Student)]


def class_ids_of_school(school_id: str) -> list[str]:
    """Every class of a school."""
    with storing():
        return [c.class_id for c in SchoolClass.query(keys.school_partition(school_id),
                                                         SchoolClass.sk.startswith(keys.class_prefix()))]


def accounts(account_ids: Iterable[str]) -> dict[str, Person]:
    """Accounts by id, read in batches of 100."""
    wanted = [keys.account(a) for a in dict.fromkeys(account_ids)]
    with storing():
        return {a.account_id: _person(a) for a in Account.batch_get(wanted)} if wanted else {}


def person(account_id: str) -> Person | None:
    """One account as an alert addresses it."""
    with storing():
        try:
            return _person(Account.get(*keys.account(account_id)))
        except Account.DoesNotExist:
            return None


def names(school_id: str, with_school: bool, subject_ids: Iterable[str],
          account_ids: Iterable[str]) -> tuple[tuple[str, str] | None, dict[str, str], dict[str, str]]:
    """What an alert names, as stored now, in one BatchGetItem: the school's name and time zone
    (when `with_school`), its subjects' names and people's names (absent ones are left out)."""
    subjects = {keys.subject(school_id, s): s for s in subject_ids}
    people = {keys.account(a): a for a in account_ids}
    school_key = keys.school(school_id)
    wanted = ([school_key] if with_school else []) + list(subjects) + list(people)
    found = get_many(wanted, attributes=("name", "timezone")) if wanted else {}

    def text(raw: dict[str, Any], attribute: str) -> str:
        return str(raw.get(attribute, {}).get("S", ""))

    school = found.get(school_key)
    return ((text(school, "name"), text(school, "timezone")) if school else None,
            {sid: text(found[key], "name") for key, sid in subjects.items() if key in found},
            {aid: text(found[key], "name") for key, aid in people.items() if key in found})


def suppress_email(account_id: str) -> None:
    """SES said this address bounces or complains: stop emailing it."""
    with storing():
        Account(*keys.account(account_id)).update(actions=[Account.email_suppressed.set(True)])


# --- deliveries -------------------------------------------------------------------------------


def record_attempt(key: str, account_id: str, kind: str, channel: str, status: str, error: str | None,
                   attempt: bool = True) -> None:
    """Count one delivery attempt of an alert and how it ended (or only its status, when held)."""
    item = Alert(*keys.alert(key))
    actions: list[Action] = [
        Alert.account_id.set(account_id), Alert.alert_kind.set(kind), Alert.channel.set(channel),
        Alert.status.set(status), Alert.attempts.add(1 if attempt else 0),
        Alert.expires_at.set(clock.now() + KEEP_ALERT)]
    actions.append(Alert.error.set(error) if error else Alert.error.remove())
    with storing():
        item.update(actions=actions)


def get_alert(key: str) -> Alert | None:
    """How one alert's delivery went."""
    with storing():
        try:
            return Alert.get(*keys.alert(key))
        except Alert.DoesNotExist:
            return None


def hold(slot: str, account_id: str, key: str, job: dict[str, Any]) -> None:
    """Keep an alert until its slot begins (the same alert held twice stays one item)."""
    item = HeldAlert(*keys.held(slot, account_id, key), job=json.dumps(job, ensure_ascii=False))
    item.expires_at = timedelta(days=3)
    with storing():
        item.save()


def held_in(slot: str) -> list[HeldJob]:
    """Alerts waiting for this slot."""
    with storing():
        return [HeldJob((item.pk, item.sk), json.loads(item.job)) for item in HeldAlert.query(keys.held_slot(slot))]


def release_held(held: list[HeldJob]) -> None:
    """Held alerts that were queued: forget them."""
    with storing(), HeldAlert.batch_write() as batch:
        for entry in held:
            batch.delete(HeldAlert(*entry.ref))


def release_cursor() -> str | None:
    """The last slot whose held alerts were released."""
    with storing():
        try:
            return str(HeldAlert.get(*keys.release_cursor()).job)
        except HeldAlert.DoesNotExist:
            return None


def set_release_cursor(slot: str) -> None:
    """Remember the last released slot."""
    with storing():
        HeldAlert(*keys.release_cursor(), job=slot).save()


# --- news -------------------------------------------------------------------------------------


def _news(item: News) -> NewsItem:
    return NewsItem(news_id=item.news_id, school_id=item.school_id, title=item.title, body=item.body,
                    class_ids=tuple(sorted(item.class_ids or ())), created_by=item.created_by,
                    created_at=item.created_at, state=item.state, recipients=int(item.recipients or 0),
                    batches_total=int(item.batches_total or 0), batches_done=int(item.batches_done or 0),
                    emails_sent=int(item.emails_sent or 0), sms_sent=int(item.sms_sent or 0),
                    failed=int(item.failed or 0), held=int(item.held or 0))


def create_news(news_id: str, school_id: str, author_id: str, title: str, body: str,
                class_ids: Iterable[str]) -> NewsItem:
    """Store news; the stream picks it up and starts the fan-out."""
    item = News(*keys.news(school_id, news_id), news_id=news_id, school_id=school_id, title=title, body=body,
                class_ids=set(class_ids) or None, created_by=author_id, state="queued")
    item.created_at = clock.now_iso()
    item.gsi1pk, item.gsi1sk = keys.news_of(school_id), f"{item.created_at}#{news_id}"
    with storing():
        item.save(condition=News.pk.does_not_exist())
    return _news(item)


def news_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[NewsItem]:
    """A page of a school's news, newest first (one Query of GSI1)."""
    def read(start: dict[str, Any] | None) -> Any:
        with storing():
            return Reading(News.gsi1.query(keys.news_of(school_id), scan_index_forward=False, limit=limit,
                                           last_evaluated_key=start))

    return paged(read, cursor, _news)


def get_news(school_id: str, news_id: str) -> NewsItem | None:
    """One news item with its delivery counts."""
    with storing():
        try:
            return _news(News.get(*keys.news(school_id, news_id), consistent_read=True))
        except News.DoesNotExist:
            return None


def news_planned(school_id: str, news_id: str, recipients: int, batches: int, held: int = 0) -> None:
    """The fan-out is planned: how many people and batches to expect, how many SMS wait for the morning."""
    with storing():
        News(*keys.news(school_id, news_id)).update(actions=[
            News.recipients.set(recipients), News.batches_total.set(batches), News.held.set(held),
            News.state.set("sending" if batches else "done")])


def news_batch_done(school_id: str, news_id: str, emails: int, sms: int, failed: int, released: int = 0) -> None:
    """Add one batch's counts (called once per batch: the batch is claimed first); `released`: how
    many of the SMS held for the morning this batch carried."""
    with storing():
        news = News(*keys.news(school_id, news_id))
        news.update(actions=[News.batches_done.add(1), News.emails_sent.add(emails), News.sms_sent.add(sms),
                             News.failed.add(failed), News.held.add(-released)])
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
