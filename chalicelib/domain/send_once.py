"""Send once: the one protocol every sender follows (the outbox, alerts, digests, news).

A message is leased before it is sent (its mark says "sending" until the lease lapses), marked
"sent" after; if sending raises, the lease is let go so the queue's retry can claim it again. A
duplicate delivery, or a second delivery running at the same time, finds the mark and sends
nothing. A crash between the send and the mark leaves a lease that lapses: the one case where a
message can leave twice, which is why the lease is short (dal/outbox.py).

    with send_once(key, "email") as mine:
        if mine:
            send_email(...)

A failure the sender decides is final (SES rejected the address) is handled inside the block and
not raised: the message then counts as sent and is never retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalicelib.dal import outbox as marks


@contextmanager
def send_once(key: str, channel: str) -> Iterator[bool]:
    """Lease `key` for the block: True when this delivery holds it (send), False when it was sent
    or is being sent (do nothing). The block raising lets the lease go and re-raises."""
    if not marks.claim(key, channel):
        yield False
        return
    try:
        yield True
    except BaseException:
        marks.release(key)
        raise
    marks.mark_sent(key)


def mark_sent_with(key: str, channel: str) -> None:
    """Record that `key` left inside another message (an alert sent as part of a digest), so a
    later delivery of it on its own sends nothing."""
    with send_once(key, channel):
        pass
