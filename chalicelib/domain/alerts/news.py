"""School news: stored from the API, fanned out from the stream in batches at the API-call floor
(one bulk SES call per 50 families of a language, one SNS Publish per opted-in number)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.dal import alerts as store
from chalicelib.dal import schools as school_store
from chalicelib.domain.alert_rules import AlertEvent, effective, slot_of, sms_due
from chalicelib.domain.alerts.delivery import dead_letter
from chalicelib.domain.alerts.expansion import recipients
from chalicelib.domain.alerts.jobs import NewsEmailJob, NewsSmsJob
from chalicelib.domain.alerts.names import school
from chalicelib.domain.alerts.preferences import unsubscribe_link
from chalicelib.domain.ids import new_id
from chalicelib.domain.send_once import send_once
from chalicelib.errors import NotFoundError
from chalicelib.mail.failures import PermanentSendError
from chalicelib.records.alerts import NewsItem
from chalicelib.records.paging import PageCursor

NEWS_BATCH = 50  # SES bulk email takes 50 destinations a call


def publish_news(school_id: str, author_id: str, title: str, body: str, class_ids: list[str]) -> dict[str, Any]:
    """Store news for the school or some classes; the fan-out starts from the stream."""
    for class_id in class_ids:
        if school_store.get_class(school_id, class_id) is None:
            raise NotFoundError(field="class_ids", code="class_not_found")
    return news_view(store.create_news(new_id(), school_id, author_id, title, body, class_ids))


def news_view(news: NewsItem) -> dict[str, Any]:
    """News with how its delivery is going."""
    return {"news_id": news.news_id, "school_id": news.school_id, "title": news.title, "body": news.body,
            "class_ids": sorted(news.class_ids), "created_at": news.created_at, "state": news.state,
            "recipients": news.recipients, "batches_total": news.batches_total, "batches_done": news.batches_done,
            "emails_sent": news.emails_sent, "sms_sent": news.sms_sent, "failed": news.failed, "held": news.held}


def list_news(school_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The school's news, newest first, each with its delivery counts."""
    found = store.news_page(school_id, limit, cursor)
    return {"items": [news_view(n) for n in found.items], "next_cursor": found.next_cursor}


def get_news(school_id: str, news_id: str) -> dict[str, Any]:
    """One news item and its delivery counts."""
    news = store.get_news(school_id, news_id)
    if news is None:
        raise NotFoundError(code="news_not_found")
    return news_view(news)


def plan_news(event: AlertEvent, now: datetime) -> None:
    """Everyone who wants the school's news, once per person, in batches of 50 per language; SMS to
    someone inside their quiet hours wait for the morning like every other SMS."""
    from chalicelib.mail.sms import opted_out_numbers  # mail loads on the fan-out, not on the API's cold start

    news_id, timezone = event.data["news_id"], school(event.school_id)[1]
    emails: dict[str, dict[str, str]] = {}
    phones: dict[str, tuple[str, str | None, str]] = {}  # phone → (language, slot held for or None, account)
    for person, student_id, role, scope, prefs in recipients(event):
        channel = effective(prefs, role, scope).channel("news")
        if channel in ("email", "both") and not person.email_suppressed:
            emails.setdefault(person.account_id, {"to": person.email, "language": person.language or "ru",
                                                  "unsubscribe": unsubscribe_link(person.account_id, student_id,
                                                                                  "news")})
        if channel in ("sms", "both") and person.phone and person.may_text:
            due = sms_due(now, timezone, prefs.quiet_hours)
            phones.setdefault(person.phone, (person.language or "ru", slot_of(due) if due else None,
                                             person.account_id))
    blocked = opted_out_numbers() if phones else set()
    jobs: list[dict[str, Any]] = []
    for language in ("ru", "en"):
        batch = [e for e in emails.values() if e["language"] == language]
        for n, start in enumerate(range(0, len(batch), NEWS_BATCH)):
            jobs.append(NewsEmailJob(event.school_id, news_id, f"news:{news_id}:email:{language}:{n}", language,
                                     tuple(batch[start:start + NEWS_BATCH])).wire())
    held: list[tuple[str, NewsSmsJob]] = []
    by_slot: dict[str | None, list[tuple[str, str, str]]] = {}
    for phone, (language, slot, account_id) in sorted(phones.items()):
        if phone not in blocked:
            by_slot.setdefault(slot, []).append((phone, language, account_id))
    for slot, numbers in by_slot.items():
        for n, start in enumerate(range(0, len(numbers), NEWS_BATCH)):
            job = NewsSmsJob(event.school_id, news_id, f"news:{news_id}:sms:{slot + ':' if slot else ''}{n}",
                             tuple(numbers[start:start + NEWS_BATCH]))
            if slot:
                held.append((slot, job))
            else:
                jobs.append(job.wire())
    recipients_count = len(emails) + sum(len(numbers) for numbers in by_slot.values())
    # Held batches count as batches: the news stays "sending" until the morning's SMS have left.
    store.news_planned(event.school_id, news_id, recipients_count, len(jobs) + len(held),
                       sum(len(sms_job.phones) for _, sms_job in held))
    for slot, sms_job in held:
        store.hold(slot, f"news:{news_id}", sms_job.key, sms_job.wire())
    store.enqueue(jobs)


def _news_content(school_id: str, news_id: str) -> NewsItem:
    news = store.get_news(school_id, news_id)
    if news is None:
        raise ValueError(f"news {news_id} vanished")
    return news


def send_news_emails(job: NewsEmailJob) -> None:
    """One bulk SES call for a batch of up to 50 families."""
    from chalicelib.mail.bulk import send_bulk

    with send_once(job.key, "email") as mine:
        if not mine:
            return
        news = _news_content(job.school_id, job.news_id)
        name = school(job.school_id)[0]
        destinations = [(d["to"], {"title": news.title, "body": news.body, "school": name,
                                   "unsubscribe": d["unsubscribe"]}) for d in job.destinations]
        try:
            statuses = send_bulk("news", job.language, destinations)
        except PermanentSendError as exc:
            dead_letter(job.wire(), exc.code)
            statuses = ["Failed"] * len(destinations)
    sent = sum(1 for s in statuses if s == "Success")
    store.news_batch_done(job.school_id, job.news_id, sent, 0, len(destinations) - sent)


def send_news_sms(job: NewsSmsJob) -> None:
    """One SMS per opted-in phone; each phone is sent once on its own, so a retried batch skips the sent."""
    from chalicelib.mail.sms import render_sms, send_sms

    with send_once(job.key, "sms-batch") as mine:
        if not mine:
            return
        news = _news_content(job.school_id, job.news_id)
        name = school(job.school_id)[0]
        # Read again at sending time (one BatchGetItem): a number replaced or unconfirmed since the
        # plan, e.g. while held for the morning, gets nothing; an entry without its account (planned
        # before numbers were confirmed) cannot be checked, so it is not sent either.
        owners = store.accounts(entry[2] for entry in job.phones if len(entry) > 2)
        sent = failed = 0
        for phone, language, *owner in job.phones:
            person = owners.get(owner[0]) if owner else None
            if not (person is not None and person.may_text and person.phone == phone):
                continue
            key = f"news:{job.news_id}:sms:{phone}"
            with send_once(key, "sms") as this_one:
                if not this_one:
                    sent += 1  # sent by an earlier attempt of this batch, whose lease lapsed
                    continue
                try:
                    send_sms(phone, render_sms("news", language, {"title": news.title, "school": name}))
                    sent += 1
                except PermanentSendError as exc:
                    failed += 1  # that one phone, parked with why; the batch goes on
                    dead_letter({"type": "news_sms", "key": key, "school_id": job.school_id,
                                 "news_id": job.news_id, "phone": phone, "language": language}, exc.code)
    # A batch held for the morning has its slot in its key (news:<id>:sms:<slot>:<n>).
    released = len(job.phones) if ":" in job.key.split(":sms:", 1)[-1] else 0
    store.news_batch_done(job.school_id, job.news_id, 0, sent, failed, released)
