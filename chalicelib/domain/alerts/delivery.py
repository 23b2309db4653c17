"""Delivery: one alert, or one evening digest, sent once (domain/send_once.py); SES feedback.

A transient failure lets the lease go and raises (the queue retries); a permanent one (SES or SNS
rejected it) is recorded on the alert, parked in the dead-letter queue, and never retried.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import alerts as store
from chalicelib.domain.alert_rules import TRANSACTIONAL_KINDS
from chalicelib.domain.alerts.jobs import DeliverJob, DigestJob
from chalicelib.domain.alerts.preferences import list_unsubscribe, unsubscribe_link
from chalicelib.domain.send_once import mark_sent_with, send_once
from chalicelib.mail.failures import PermanentSendError, sending


def deliver(job: DeliverJob) -> None:
    """Send one alert once."""
    status, error, reason = "sent", None, None
    with send_once(job.key, job.channel) as mine:
        if not mine:
            return
        try:
            status, reason = _send(job)
        except PermanentSendError as exc:
            status, error = "failed", exc.code
            dead_letter(job.wire(), exc.code)
        except Exception as exc:
            store.record_attempt(job.key, job.account_id, job.kind, job.channel, "retrying", type(exc).__name__)
            raise
    store.record_attempt(job.key, job.account_id, job.kind, job.channel, status, error or reason)


def _send(job: DeliverJob) -> tuple[str, str | None]:
    """Send by the job's channel; (status, why it was skipped)."""
    # Rendering and sending load on the first delivery, not on the API's cold start.
    from chalicelib.mail.render import render_email
    from chalicelib.mail.send import send_email
    from chalicelib.mail.sms import opted_out, render_sms, send_sms

    if job.channel == "email" and job.kind in TRANSACTIONAL_KINDS:
        rendered = render_email(job.template or "", job.language, job.data)
        with sending():
            send_email(job.to, rendered)
    elif job.channel == "email":
        link = unsubscribe_link(job.account_id, job.student_id, job.kind)
        from chalicelib.mail.links import alert_page

        rendered = render_email(f"alert_{job.kind}", job.language, {
            **job.data, "unsubscribe": link, "page": alert_page(job.kind, job.student_id, job.data)})
        with sending():
            send_email(job.to, rendered, list_unsubscribe(link))
    elif not _texts_to(job.account_id, job.to):
        return "skipped", "phone_unverified"  # changed or unconfirmed since it was planned
    elif opted_out(job.to):
        return "skipped", None
    else:
        send_sms(job.to, render_sms(job.kind, job.language, job.data))
    return "sent", None


def _texts_to(account_id: str, phone: str) -> bool:
    """Whether the account's number is still this one, confirmed: an SMS held for the morning (or
    queued a moment ago) never goes to a number its owner replaced or has not confirmed."""
    person = store.person(account_id)
    return person is not None and person.may_text and person.phone == phone


def dead_letter(job: dict[str, Any], error: str) -> None:
    """Retrying a rejected send cannot help, so the job goes straight to the dead-letter queue (an
    alarm watches it). Raised inside a send-once block, a failure here lets the lease go and the
    whole job is retried."""
    store.dead_letter(job, error)


def deliver_digest(job: DigestJob) -> None:
    """One email with everything a person chose to read in the evening."""
    from chalicelib.mail.render import render_email
    from chalicelib.mail.send import send_email

    with send_once(job.key, "email") as mine:
        if not mine:
            return
        from chalicelib.mail.links import alert_page

        entries = [{**e.data, "kind": e.kind, "page": alert_page(e.kind, e.student_id, e.data),
                    "unsubscribe": unsubscribe_link(e.account_id, e.student_id, e.kind)}
                   for e in job.entries]
        # One click can switch off one kind about one child: a digest of just that carries the headers.
        only = {(e.student_id, e.kind) for e in job.entries}
        headers = list_unsubscribe(entries[0]["unsubscribe"]) if len(only) == 1 else None
        failed = None
        try:
            with sending():
                send_email(job.to, render_email("alert_digest", job.language, {"entries": entries}), headers)
        except PermanentSendError as exc:
            failed = exc.code
            dead_letter(job.wire(), exc.code)
    if failed is not None:
        store.record_attempt(job.key, job.account_id, "digest", "email", "failed", failed)
        return
    for entry in job.entries:  # each alert in it was delivered, once, by this email
        mark_sent_with(entry.key, "email")
        store.record_attempt(entry.key, entry.account_id, entry.kind, "email", "sent", None)


def suppress(addresses: Iterable[str]) -> int:
    """SES reported these addresses as bouncing or complaining: no more email to them."""
    count = 0
    for address in addresses:
        account_id = account_store.find_account_id(address.strip().lower())
        if account_id:
            store.suppress_email(account_id)
            count += 1
    return count
