"""Teachings waiting for their teacher's first sign-in, and the school's one invitation per address.

An upload that names an address which is not a teacher of the school stores the teaching here,
under the school (the administrator lists them) and on GSI1 under the address (the sign-in finds
them at every school with one Query). Taking them up is one transaction per school: the teacher
role, the Teachings, and the waiting items and the invitation mark gone, all or nothing.
"""

from __future__ import annotations

from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.dal import keys
from chalicelib.dal.accounts import role_grant_item
from chalicelib.dal.models import PendingTeaching, RoleGrant, TeacherInvitation
from chalicelib.dal.schools import teaching_item
from chalicelib.dal.store import Reading, connection, now_iso, paged, storing
from chalicelib.errors import ConflictError
from chalicelib.records import school as records
from chalicelib.records.accounts import AccountRecord
from chalicelib.records.paging import Page, PageCursor

PER_TRANSACTION = 45  # waiting teachings taken up at once: 2 items each, the role and the mark, within 100


def pending_item(pending: records.PendingTeaching) -> PendingTeaching:
    """A waiting teaching as stored (written by the upload's batch, like every imported row)."""
    item = PendingTeaching(*keys.pending_teaching(pending.school_id, pending.email, pending.class_id,
                                                  pending.subject_id),
                           school_id=pending.school_id, email=pending.email, class_id=pending.class_id,
                           subject_id=pending.subject_id)
    item.gsi1pk = keys.waiting_for_address(pending.email)
    item.gsi1sk = keys.waiting_place(pending.school_id, pending.class_id, pending.subject_id)
    return item


def _record(item: PendingTeaching) -> records.PendingTeaching:
    return records.PendingTeaching(school_id=item.school_id, email=item.email, class_id=item.class_id,
                                   subject_id=item.subject_id)


def invited(school_id: str, email: str) -> bool:
    """Whether the school's invitation already went to this address."""
    with storing():
        try:
            TeacherInvitation.get(*keys.teacher_invitation(school_id, email))
            return True
        except TeacherInvitation.DoesNotExist:
            return False


def note_invitation(school_id: str, email: str) -> None:
    """Remember that the invitation went (a second mark of the same is the same)."""
    mark = TeacherInvitation(*keys.teacher_invitation(school_id, email), email=email)
    mark.created_at = now_iso()
    with storing():
        mark.save()


def waiting_for(email: str) -> list[records.PendingTeaching]:
    """Every teaching waiting for this address, at every school (a handful)."""
    with storing():
        return [_record(i) for i in PendingTeaching.gsi1.query(keys.waiting_for_address(email))
                if isinstance(i, PendingTeaching)]


def take_up(account: AccountRecord, school_id: str, waiting: list[records.PendingTeaching],
            grant_role: bool) -> bool:
    """Make these waiting teachings of one school real, in one transaction: the teacher role (when
    `grant_role`; it must not exist yet), each Teaching, each waiting item deleted (it must still
    be there) and, with the last of them, the invitation mark. False when another sign-in did it
    meanwhile, or the role appeared: nothing was written then."""
    try:
        with storing(), TransactWrite(connection=connection()) as tx:
            if grant_role:
                tx.save(role_grant_item(account, "teacher", school_id), condition=RoleGrant.pk.does_not_exist())
            for pending in waiting:
                teaching = teaching_item(records.Teaching(school_id=school_id, teacher_id=account.account_id,
                                                          class_id=pending.class_id, subject_id=pending.subject_id))
                teaching.created_at = now_iso()
                tx.save(teaching)
                tx.delete(pending_item(pending), condition=PendingTeaching.pk.exists())
            tx.delete(TeacherInvitation(*keys.teacher_invitation(school_id, account.email)))
    except ConflictError:
        return False
    return True


def _children(school_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    with storing():
        return Reading(PendingTeaching.query(keys.school_partition(school_id),
                                             PendingTeaching.sk.startswith(keys.PENDING_TEACHINGS),
                                             limit=limit, last_evaluated_key=start))


def pending_page(school_id: str, limit: int, cursor: PageCursor | None) -> Page[records.PendingTeaching]:
    """A page of the school's waiting teachings, by address."""
    return paged(lambda start: _children(school_id, limit, start), cursor, _record)
