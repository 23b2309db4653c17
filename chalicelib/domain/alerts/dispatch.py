"""The one dispatcher of the alerts queue: a message is read into its typed job (jobs.py) and
handed to the one function that does that job."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.dal import alerts as store
from chalicelib.domain.alert_rules import TRANSACTIONAL_KINDS
from chalicelib.domain.alerts.delivery import deliver, deliver_digest
from chalicelib.domain.alerts.expansion import expand, send_transactional
from chalicelib.domain.alerts.jobs import (
    DeliverJob,
    DigestJob,
    EventJob,
    Job,
    MalformedJobError,
    NewsEmailJob,
    NewsSmsJob,
    read,
)
from chalicelib.domain.alerts.names import fresh_names
from chalicelib.domain.alerts.news import plan_news, send_news_emails, send_news_sms

log = logging.getLogger(__name__)


def handle(raw: dict[str, Any], now: datetime | None = None) -> None:
    """One message from the alerts queue. A message that is no job this code knows is parked in
    the dead-letter queue with why, and not raised: retrying it could only fail again."""
    try:
        job = read(raw)
    except MalformedJobError as exc:
        log.warning("alert job refused (%s): %.300s", exc, raw)
        store.dead_letter(raw if isinstance(raw, dict) else {"body": raw}, exc.reason)
        return
    with fresh_names():
        run(job, now or clock.now())


def run(job: Job, now: datetime) -> None:
    """Do one job."""
    if isinstance(job, EventJob):
        if job.event.kind == "news":
            plan_news(job.event, now)
        elif job.event.kind in TRANSACTIONAL_KINDS:
            send_transactional(job.event)
        else:
            expand(job.event, now)
    elif isinstance(job, DeliverJob):
        deliver(job)
    elif isinstance(job, DigestJob):
        deliver_digest(job)
    elif isinstance(job, NewsEmailJob):
        send_news_emails(job)
    elif isinstance(job, NewsSmsJob):
        send_news_sms(job)
