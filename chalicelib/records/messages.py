"""A message thread as the domain reads and writes it: the thread, each participant's inbox, the
messages.

The domain builds a new thread and its inboxes (`domain/messages.py`); the data layer stores them
(`dal.messages.start_thread`, `add_message`, `mark_read`), building the items and keys there, and
hands back what it reads as these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ThreadRecord:
    """A conversation about one child between its family and the school; participants are fixed
    when it starts (each has an inbox), so a reply reaches exactly who the first message did."""

    thread_id: str
    school_id: str
    class_id: str
    student_id: str
    started_by: str
    participant_ids: set[str] = field(default_factory=set)
    subject: str | None = None


@dataclass
class InboxRecord:
    """One participant's view of a thread: how many messages they have not read, and how far they
    have read (visible to the other side)."""

    thread_id: str
    account_id: str
    side: str  # family | school
    school_id: str
    class_id: str
    student_id: str
    name: str | None = None
    student_name: str | None = None
    subject: str | None = None
    participant_ids: set[str] = field(default_factory=set)
    unread: int = 0
    read_up_to: str | None = None  # the position of the newest message read
    read_at: str | None = None
    last_message: str | None = None  # the position of the thread's newest message
    last_message_at: str | None = None
    last_sender_id: str | None = None
    preview: str | None = None


@dataclass
class MessageRecord:
    """One message of a thread; `position` orders it in its thread, and an inbox has read it once
    its `read_up_to` reaches it."""

    message_id: str
    thread_id: str
    position: str
    school_id: str
    class_id: str
    student_id: str
    sender_account_id: str
    body: str
    recipient_account_ids: set[str] = field(default_factory=set)
    created_at: str = ""  # stamped when the data layer makes it (`dal.messages.new_message`)
