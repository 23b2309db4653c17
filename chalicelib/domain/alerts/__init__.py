"""Alerts to families, one module per part:

- rules (no I/O): domain/alert_rules.py — kinds, preferences, what a change is worth telling,
  quiet hours, digests, unsubscribe tokens;
- preferences.py — each person's choices per child, the one-click unsubscribe link;
- production.py — the table's stream → "event" jobs (never in a request);
- expansion.py — an event → its families → one "deliver" job per person and channel (each with
  its idempotency key: change × person × channel), queued or held for quiet hours or the digest;
- delivery.py — one alert or digest sent once; SES feedback;
- news.py — school news and its fan-out in batches;
- jobs.py — the queue's jobs as typed records and their wire format; dispatch.py — the one
  dispatcher.

Every sender goes through domain/send_once.py (lease, send, mark sent). The names below are what
the API and the event handlers call.
"""

from __future__ import annotations

from chalicelib.domain.alert_rules import KINDS
from chalicelib.domain.alerts.delivery import suppress
from chalicelib.domain.alerts.dispatch import handle
from chalicelib.domain.alerts.expansion import alert_key, release_due
from chalicelib.domain.alerts.names import fresh_names
from chalicelib.domain.alerts.news import get_news, list_news, publish_news
from chalicelib.domain.alerts.preferences import (
    change_preferences,
    preferences_of,
    unsubscribe,
    unsubscribe_preview,
)
from chalicelib.domain.alerts.production import produce

__all__ = ["KINDS", "alert_key", "change_preferences", "fresh_names", "get_news", "handle", "list_news",
           "preferences_of", "produce", "publish_news", "release_due", "suppress", "unsubscribe", "unsubscribe_preview"]
