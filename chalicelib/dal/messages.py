"""Stored message threads: the thread, one inbox item per participant, the messages, the send counter.

A message, its thread's bookkeeping and every participant's inbox item are written in one
transaction, so an inbox never shows a message that is not there, nor misses one in its count.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.dal.keys import (
    INBOX_PREFIX,
    MESSAGE_PREFIX,
    THREAD_SK,
    inbox_pk,
    inbox_sk,
    message_sk,
    send_counter_key,
    thread_pk,
)
from chalicelib.dal.models import Message, MessageThread, RateCounter, ThreadInbox
from chalicelib.dal.store import PageCursor, Reading, connection, decode_cursor, now_iso, page, storing
from chalicelib.errors import ConflictError

PREVIEW_CHARS = 120


UNREAD_THREADS_READ = 100  # the most recently active threads; an older one with unread news is rare


def message_stamp() -> str:
    """A sort stamp for a new message: microseconds keep messages of one second in order, the
    suffix keeps two of the same microsecond apart."""
    return f"{clock.ordered_stamp()}#{uuid.uuid4().hex[:12]}"


def new_message(thread: MessageThread, sender_id: str, body: str) -> Message:
    """An unsaved message of the thread from `sender_id` to every other participant."""
    stamp = message_stamp()
    recipients = set(thread.participant_ids) - {sender_id}
    message = Message(thread_pk(thread.thread_id), message_sk(stamp), message_id=stamp.rsplit("#", 1)[1],
                      thread_id=thread.thread_id, school_id=thread.school_id, class_id=thread.class_id,
                      student_id=thread.student_id, sender_account_id=sender_id, recipient_account_ids=recipients,
                      body=body)
    message.created_at = now_iso()
    return message


def _preview(body: str) -> str:
    return body if len(body) <= PREVIEW_CHARS else body[: PREVIEW_CHARS - 1] + "…"


def start_thread(thread: MessageThread, inboxes: list[ThreadInbox], message: Message) -> None:
    """Store a new thread, its participants' inbox items and its first message, all or nothing."""
    thread.pk, thread.sk = thread_pk(thread.thread_id), THREAD_SK
    thread.created_at = message.created_at
    thread.last_message_sk, thread.message_count = message.sk, 1
    for inbox in inboxes:
        inbox.pk, inbox.sk = thread.pk, inbox_sk(inbox.account_id)
        inbox.gsi1pk, inbox.gsi1sk = inbox_pk(inbox.account_id), f"{message.sk[4:]}#{thread.thread_id}"
        inbox.created_at = message.created_at
        inbox.last_message_sk, inbox.last_message_at = message.sk, message.created_at
        inbox.last_sender_id, inbox.preview = message.sender_account_id, _preview(message.body)
        inbox.unread = 0 if inbox.account_id == message.sender_account_id else 1
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(thread, condition=MessageThread.pk.does_not_exist())
        for inbox in inboxes:
            tx.save(inbox)
        tx.save(message, condition=Message.pk.does_not_exist())


def add_message(thread: MessageThread, message: Message) -> None:
    """Append a reply: the message, the thread's newest key, and every participant's inbox moved to
    the top with one more unread for each recipient."""
    moved = f"{message.sk[4:]}#{thread.thread_id}"
    preview = _preview(message.body)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(message, condition=Message.pk.does_not_exist())
        tx.update(MessageThread(thread.pk, thread.sk),
                  actions=[MessageThread.last_message_sk.set(message.sk), MessageThread.message_count.add(1)],
                  condition=MessageThread.pk.exists())
        for account_id in thread.participant_ids:
            actions: list[Any] = [
                ThreadInbox.gsi1sk.set(moved), ThreadInbox.last_message_sk.set(message.sk),
                ThreadInbox.last_message_at.set(message.created_at),
                ThreadInbox.last_sender_id.set(message.sender_account_id), ThreadInbox.preview.set(preview),
            ]
            if account_id != message.sender_account_id:
                actions.append(ThreadInbox.unread.add(1))
            tx.update(ThreadInbox(thread.pk, inbox_sk(account_id)), actions=actions,
                      condition=ThreadInbox.pk.exists())


def get_thread(thread_id: str) -> MessageThread | None:
    """A thread by id."""
    with storing():
        try:
            return MessageThread.get(thread_pk(thread_id), THREAD_SK)
        except MessageThread.DoesNotExist:
            return None


def get_inbox(thread_id: str, account_id: str) -> ThreadInbox | None:
    """The account's inbox item of the thread: none means the account is not in it."""
    with storing():
        try:
            return ThreadInbox.get(thread_pk(thread_id), inbox_sk(account_id), consistent_read=True)
        except ThreadInbox.DoesNotExist:
            return None


def inboxes_of_thread(thread_id: str) -> list[ThreadInbox]:
    """Every participant's inbox item of a thread (a handful)."""
    with storing():
        return list(ThreadInbox.query(thread_pk(thread_id), ThreadInbox.sk.startswith(INBOX_PREFIX),
                                      consistent_read=True))


def threads_of(account_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of the account's threads, the most recently active first."""
    with storing():
        return Reading(ThreadInbox.gsi1.query(inbox_pk(account_id), scan_index_forward=False, limit=limit,
                                              last_evaluated_key=start))


def unread_by_child(account_id: str, side: str) -> dict[str, int]:
    """Unread messages in the account's threads of one side, per child (one Query of its threads)."""
    unread: dict[str, int] = {}
    for inbox in threads_of(account_id, UNREAD_THREADS_READ, None):
        if inbox.side == side and inbox.unread:
            unread[inbox.student_id] = unread.get(inbox.student_id, 0) + int(inbox.unread)
    return unread


def messages_of(thread_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a thread's messages, newest first."""
    with storing():
        return Reading(Message.query(thread_pk(thread_id), Message.sk.startswith(MESSAGE_PREFIX),
                                     scan_index_forward=False, limit=limit, last_evaluated_key=start))


def mark_read(inbox: ThreadInbox) -> None:
    """Everything up to the newest message the inbox item knows of is read. Refused (409) if a
    message arrived since the item was read, so a message nobody saw is never counted as read."""
    with storing(conflict=ConflictError(code="thread_moved_on")):
        inbox.update(actions=[ThreadInbox.unread.set(0), ThreadInbox.read_up_to.set(inbox.last_message_sk),
                              ThreadInbox.read_at.set(now_iso())],
                     condition=ThreadInbox.last_message_sk == inbox.last_message_sk)


def count_send(account_id: str, window_seconds: int, now: int) -> tuple[int, int]:
    """Count one more message of the account in the current fixed window, atomically; returns the
    count so far and the second the window ends."""
    window = now // window_seconds
    ends = (window + 1) * window_seconds
    counter = RateCounter(*send_counter_key(account_id, window))
    with storing():
        counter.update(actions=[RateCounter.times.add(1),
                                RateCounter.expires_at.set(datetime.fromtimestamp(ends, UTC) + timedelta(hours=1))])
    return int(counter.times), ends


def threads_page(account_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[ThreadInbox], str | None]:
    """A page of the account's threads (their inbox items) and the cursor after it."""
    return page(threads_of(account_id, limit, decode_cursor(cursor)), cursor)


def messages_page(thread_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[Message], str | None]:
    """A page of a thread's messages, newest first, and the cursor after it."""
    return page(messages_of(thread_id, limit, decode_cursor(cursor)), cursor)
