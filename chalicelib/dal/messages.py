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
from chalicelib.records.messages import InboxRecord, MessageRecord, ThreadRecord

PREVIEW_CHARS = 120


UNREAD_THREADS_READ = 100  # the most recently active threads; an older one with unread news is rare


def message_stamp() -> str:
    """A sort stamp for a new message: microseconds keep messages of one second in order, the
    suffix keeps two of the same microsecond apart."""
    return f"{clock.ordered_stamp()}#{uuid.uuid4().hex[:12]}"


def _thread_of(item: MessageThread) -> ThreadRecord:
    return ThreadRecord(thread_id=item.thread_id, school_id=item.school_id, class_id=item.class_id,
                        student_id=item.student_id, started_by=item.started_by,
                        participant_ids=set(item.participant_ids or ()), subject=item.subject)


def _inbox_of(item: ThreadInbox) -> InboxRecord:
    return InboxRecord(thread_id=item.thread_id, account_id=item.account_id, side=item.side,
                       school_id=item.school_id, class_id=item.class_id, student_id=item.student_id,
                       name=item.name, student_name=item.student_name, subject=item.subject,
                       participant_ids=set(item.participant_ids or ()), unread=int(item.unread or 0),
                       read_up_to=item.read_up_to, read_at=item.read_at, last_message=item.last_message_sk,
                       last_message_at=item.last_message_at, last_sender_id=item.last_sender_id,
                       preview=item.preview)


def _message_of(item: Message) -> MessageRecord:
    return MessageRecord(message_id=item.message_id, thread_id=item.thread_id, position=item.sk,
                         school_id=item.school_id, class_id=item.class_id, student_id=item.student_id,
                         sender_account_id=item.sender_account_id, body=item.body,
                         recipient_account_ids=set(item.recipient_account_ids or ()), created_at=item.created_at or "")


def _message_item(message: MessageRecord) -> Message:
    item = Message(thread_pk(message.thread_id), message.position, message_id=message.message_id,
                   thread_id=message.thread_id, school_id=message.school_id, class_id=message.class_id,
                   student_id=message.student_id, sender_account_id=message.sender_account_id,
                   recipient_account_ids=message.recipient_account_ids, body=message.body)
    item.created_at = message.created_at
    return item


def new_message(thread: ThreadRecord, sender_id: str, body: str) -> MessageRecord:
    """An unsaved message of the thread from `sender_id` to every other participant."""
    stamp = message_stamp()
    recipients = set(thread.participant_ids) - {sender_id}
    return MessageRecord(message_id=stamp.rsplit("#", 1)[1], thread_id=thread.thread_id, position=message_sk(stamp),
                         school_id=thread.school_id, class_id=thread.class_id, student_id=thread.student_id,
                         sender_account_id=sender_id, recipient_account_ids=recipients, body=body,
                         created_at=now_iso())


def _preview(body: str) -> str:
    return body if len(body) <= PREVIEW_CHARS else body[: PREVIEW_CHARS - 1] + "…"


def start_thread(thread: ThreadRecord, inboxes: list[InboxRecord], message: MessageRecord) -> None:
    """Store a new thread, its participants' inbox items and its first message, all or nothing
    (the inbox records learn the first message: their owners' views show it)."""
    pk = thread_pk(thread.thread_id)
    thread_item = MessageThread(pk, THREAD_SK, thread_id=thread.thread_id, school_id=thread.school_id,
                                class_id=thread.class_id, student_id=thread.student_id, subject=thread.subject,
                                started_by=thread.started_by, participant_ids=set(thread.participant_ids))
    thread_item.created_at = message.created_at
    thread_item.last_message_sk, thread_item.message_count = message.position, 1
    inbox_items = []
    for inbox in inboxes:
        inbox.last_message, inbox.last_message_at = message.position, message.created_at
        inbox.last_sender_id, inbox.preview = message.sender_account_id, _preview(message.body)
        inbox.unread = 0 if inbox.account_id == message.sender_account_id else 1
        item = ThreadInbox(pk, inbox_sk(inbox.account_id), thread_id=inbox.thread_id, account_id=inbox.account_id,
                           name=inbox.name, side=inbox.side, school_id=inbox.school_id, class_id=inbox.class_id,
                           student_id=inbox.student_id, student_name=inbox.student_name, subject=inbox.subject,
                           participant_ids=set(inbox.participant_ids), unread=inbox.unread,
                           last_message_sk=inbox.last_message, last_message_at=inbox.last_message_at,
                           last_sender_id=inbox.last_sender_id, preview=inbox.preview)
        item.gsi1pk, item.gsi1sk = inbox_pk(inbox.account_id), f"{message.position[4:]}#{thread.thread_id}"
        item.created_at = message.created_at
        inbox_items.append(item)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(thread_item, condition=MessageThread.pk.does_not_exist())
        for item in inbox_items:
            tx.save(item)
        tx.save(_message_item(message), condition=Message.pk.does_not_exist())


def add_message(thread: ThreadRecord, message: MessageRecord) -> None:
    """Append a reply: the message, the thread's newest key, and every participant's inbox moved to
    the top with one more unread for each recipient."""
    moved = f"{message.position[4:]}#{thread.thread_id}"
    preview = _preview(message.body)
    pk = thread_pk(thread.thread_id)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(_message_item(message), condition=Message.pk.does_not_exist())
        tx.update(MessageThread(pk, THREAD_SK),
                  actions=[MessageThread.last_message_sk.set(message.position), MessageThread.message_count.add(1)],
                  condition=MessageThread.pk.exists())
        for account_id in thread.participant_ids:
            actions: list[Any] = [
                ThreadInbox.gsi1sk.set(moved), ThreadInbox.last_message_sk.set(message.position),
                ThreadInbox.last_message_at.set(message.created_at),
                ThreadInbox.last_sender_id.set(message.sender_account_id), ThreadInbox.preview.set(preview),
            ]
            if account_id != message.sender_account_id:
                actions.append(ThreadInbox.unread.add(1))
            tx.update(ThreadInbox(pk, inbox_sk(account_id)), actions=actions,
                      condition=ThreadInbox.pk.exists())


def get_thread(thread_id: str) -> ThreadRecord | None:
    """A thread by id."""
    with storing():
        try:
            return _thread_of(MessageThread.get(thread_pk(thread_id), THREAD_SK))
        except MessageThread.DoesNotExist:
            return None


def get_inbox(thread_id: str, account_id: str) -> InboxRecord | None:
    """The account's inbox item of the thread: none means the account is not in it."""
    with storing():
        try:
            return _inbox_of(ThreadInbox.get(thread_pk(thread_id), inbox_sk(account_id), consistent_read=True))
        except ThreadInbox.DoesNotExist:
            return None


def inboxes_of_thread(thread_id: str) -> list[InboxRecord]:
    """Every participant's inbox item of a thread (a handful)."""
    with storing():
        return [_inbox_of(item) for item in ThreadInbox.query(thread_pk(thread_id),
                                                               ThreadInbox.sk.startswith(INBOX_PREFIX),
                                                               consistent_read=True)]


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


def mark_read(inbox: InboxRecord) -> None:
    """Everything up to the newest message the inbox item knows of is read. Refused (409) if a
    message arrived since the item was read, so a message nobody saw is never counted as read.
    The record is the item as stored after the write (the update answers with it)."""
    item = ThreadInbox(thread_pk(inbox.thread_id), inbox_sk(inbox.account_id))
    with storing(conflict=ConflictError(code="thread_moved_on")):
        read_up_to = ThreadInbox.read_up_to
        item.update(actions=[ThreadInbox.unread.set(0),
                             read_up_to.set(inbox.last_message) if inbox.last_message else read_up_to.remove(),
                             ThreadInbox.read_at.set(now_iso())],
                    condition=ThreadInbox.last_message_sk == inbox.last_message)
    for name, value in vars(_inbox_of(item)).items():
        setattr(inbox, name, value)


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


def threads_page(account_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[InboxRecord], str | None]:
    """A page of the account's threads (their inbox items) and the cursor after it."""
    items, next_cursor = page(threads_of(account_id, limit, decode_cursor(cursor)), cursor)
    return [_inbox_of(item) for item in items], next_cursor


def messages_page(thread_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[MessageRecord], str | None]:
    """A page of a thread's messages, newest first, and the cursor after it."""
    items, next_cursor = page(messages_of(thread_id, limit, decode_cursor(cursor)), cursor)
    return [_message_of(item) for item in items], next_cursor
