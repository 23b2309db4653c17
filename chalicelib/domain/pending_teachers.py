"""Teachers a school's upload names before they have registered (or before they teach there).

A teaching row whose address is not a teacher of the school is not refused: it waits under that
address, and the school invites the address to register, once (the invitation mark stays until
the role is taken up; the outbox's send-once key covers a chunk delivered twice). The first
sign-in with the address, or the verified registration, makes the account a teacher of every
school waiting for it and the waiting teachings real Teachings, in one transaction per school;
a second run finds nothing waiting. Naming an address gives its owner nothing until they prove
the mailbox is theirs: a verified account, signing in.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import outbox
from chalicelib.dal import pending_teachers as store
from chalicelib.dal import schools as school_store
from chalicelib.records.accounts import AccountRecord
from chalicelib.records.paging import PageCursor

INVITATION = "teacher_invitation"  # chalicelib/templates/messages/teacher_invitation.<lang>.j2


def invite(school_id: str, emails: Iterable[str]) -> None:
    """Send each address the school's invitation to register, unless it went already."""
    waiting = sorted(set(emails))
    if not waiting:
        return
    from chalicelib.mail.links import page  # the cabinet's registration page, the address filled in

    school = school_store.find_school(school_id)
    name = school.name if school is not None else ""
    for email in waiting:
        if store.invited(school_id, email):
            continue
        # Queued before it is marked: a crash between the two invites again, and the outbox's key
        # makes that the same email, so the worst case is none lost, never two sent.
        outbox.send_email(to=email, template=INVITATION, language="ru",
                          data={"school": name, "email": email, "link": page("/register", email=email)},
                          dedupe_key=f"teacher-invitation:{school_id}:{email}")
        store.note_invitation(school_id, email)


def take_up(account: AccountRecord) -> int:
    """The account signed in (or verified its address): what schools' uploads left waiting for its
    address becomes its own. Returns how many teachings were taken up."""
    if not account.verified:
        return 0
    waiting = sorted(store.waiting_for(account.email), key=lambda p: p.school_id)
    taken = 0
    for school_id, group in groupby(waiting, key=lambda p: p.school_id):
        teachings = list(group)
        for start in range(0, len(teachings), store.PER_TRANSACTION):
            part = teachings[start:start + store.PER_TRANSACTION]
            for _ in range(2):  # the role may appear between the read and the write: once more without it
                holds = account_store.has_role(account.account_id, "teacher", school_id)
                if store.take_up(account, school_id, part, grant_role=not holds):
                    taken += len(part)
                    break
    return taken


def list_pending(school_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The school's teachings waiting for their teachers' first sign-in, by address."""
    found = store.pending_page(school_id, limit, cursor)
    return {"items": [{"email": p.email, "class_id": p.class_id, "subject_id": p.subject_id} for p in found.items],
            "next_cursor": found.next_cursor}
