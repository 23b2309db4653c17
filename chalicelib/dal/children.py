"""Who may see a child: one-time codes, guardianships, viewers, invitations, and the audit trail."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib import aws, clock, settings
from chalicelib.dal.keys import (
    AUDIT_PREFIX,
    CODE_PREFIX,
    INVITATION_PREFIX,
    LINK_PREFIX,
    account_holder,
    account_key,
    address_holder,
    audit_sk,
    children_pk,
    code_sk,
    former_viewer_key,
    holder_of,
    holder_pk,
    invitation_key,
    link_key,
)
from chalicelib.dal.keys import child_pk as student_pk
from chalicelib.dal.models import AccessCode, AuditEntry, DiaryItem, FormerViewer, Guardianship, Invitation, Viewer
from chalicelib.dal.store import (
    Found,
    PageCursor,
    Reading,
    connection,
    decode_cursor,
    epoch,
    get_many,
    now_iso,
    page,
    storing,
)
from chalicelib.errors import ConflictError
from chalicelib.records.family import PARENT, VIEWER, AuditEntryRecord, AuditPeople, HeldCode, Link

access_key = link_key  # the name older callers know


RENEWABLE_AFTER_EXPIRY = 30 * 86_400


def new_code_item(holder: str, purpose: str, ref_id: str, code_hash: str, student_id: str, school_id: str,
                  valid_seconds: int) -> AccessCode:
    """An unsaved one-time code item."""
    item = AccessCode(holder_pk(holder), code_sk(purpose, ref_id), purpose=purpose, ref_id=ref_id,
                      code_hash=code_hash, attempts=0, valid_until=epoch() + valid_seconds,
                      student_id=student_id, school_id=school_id)
    # TTL tidies up a month after it stops working: until then its holder can still ask for a new one.
    item.expires_at = timedelta(seconds=valid_seconds + RENEWABLE_AFTER_EXPIRY)
    return item


def codes_held_by(account_id: str, email: str) -> list[HeldCode]:
    """The codes an account may redeem: an application's (held by the account) and an
    invitation's (held by the address it was sent to, so only the account registered with it)."""
    return [HeldCode(holder_of(c.pk), c.purpose, c.ref_id, c.code_hash, int(c.attempts or 0), int(c.valid_until),
                     c.student_id, c.school_id) for c in codes_of([account_holder(account_id), address_holder(email)])]


def codes_of(holders: list[str]) -> list[AccessCode]:
    """Every code held by these holders (a handful at most)."""
    with storing():
        return [code for holder in holders
                for code in AccessCode.query(holder_pk(holder), AccessCode.sk.startswith(CODE_PREFIX))]


def save_code(code: AccessCode) -> None:
    """Store a code (an invitation's)."""
    code.created_at = now_iso()
    with storing():
        code.save()


def count_failed_code(code: AccessCode) -> None:
    """One more wrong code typed by its holder."""
    with storing():
        code.update(actions=[AccessCode.attempts.add(1)])


def delete_code(holder: str, purpose: str, ref_id: str) -> None:
    """Spend or withdraw a code."""
    with storing():
        AccessCode(holder_pk(holder), code_sk(purpose, ref_id)).delete()


def _link_record(item: object) -> Link | None:
    """A stored guardianship or viewer as the domain reads it (anything else: None)."""
    if isinstance(item, Guardianship):
        return Link(PARENT, item.account_id, item.student_id, item.school_id, item.name,
                    frozenset(item.unseen_grade_ids or ()), relation=item.relation,
                    application_id=item.application_id, created_at=item.created_at)
    if isinstance(item, Viewer):
        return Link(VIEWER, item.account_id, item.student_id, item.school_id, item.name,
                    frozenset(item.unseen_grade_ids or ()), role=item.role, scope=frozenset(item.scope or ()),
                    invitation_id=item.invitation_id, invited_by=item.invited_by, email=item.email,
                    created_at=item.created_at)
    return None


def link_from_raw(raw: dict[str, Any] | None) -> Link | None:
    """A link read with the low-level client (a page reading it with its data in one call)."""
    return _link_record(DiaryItem.from_raw_data(raw)) if raw else None


def links_among(found: Found, student_id: str, *accounts: str) -> dict[str, Link | None]:
    """The links of these accounts among items read together (None: read, and not there)."""
    return {who: link_from_raw(found.get(link_key(student_id, who))) for who in accounts if who}


def access_of(student_id: str, account_id: str) -> Link | None:
    """The account's link to the child, read fresh on every request (revocation is immediate)."""
    with storing():
        try:
            item = DiaryItem.get(*link_key(student_id, account_id), consistent_read=True)
        except DiaryItem.DoesNotExist:
            return None
    return _link_record(item)


def links_of_child(student_id: str) -> list[Link]:
    """Parents and viewers of a child."""
    with storing():
        items = DiaryItem.query(student_pk(student_id), DiaryItem.sk.startswith(LINK_PREFIX))
        return [link for item in items if (link := _link_record(item)) is not None]


def children_of(account_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of the account's links to children (stored items: for tools and tests)."""
    with storing():
        return Reading(DiaryItem.gsi1.query(children_pk(account_id), limit=limit, last_evaluated_key=start))


def child_links(account_id: str, limit: int, cursor: PageCursor | None = None) -> tuple[list[Link], str | None]:
    """A page of the account's links to children and the cursor after it (bound as `cursor` is)."""
    items, next_cursor = page(children_of(account_id, limit, decode_cursor(cursor)), cursor)
    return [link for item in items if (link := _link_record(item)) is not None], next_cursor


def _audit(student_id: str, actor_id: str, action: str, part: str | None, subject: str | None,
           actor_name: str | None = None, actor_role: str | None = None, subject_name: str | None = None,
           subject_role: str | None = None) -> AuditEntry:
    at = now_iso()
    # Microseconds in the key keep entries of the same second in the order they happened.
    stamp = clock.ordered_stamp()
    entry = AuditEntry(student_pk(student_id), audit_sk(stamp, uuid.uuid4().hex[:8]), student_id=student_id,
                       actor_id=actor_id, action=action, part=part, subject=subject, actor_name=actor_name,
                       actor_role=actor_role, subject_name=subject_name, subject_role=subject_role)
    entry.created_at = at
    return entry


def audit_entry(student_id: str, actor_id: str, action: str, subject: str | None, *,
                actor_name: str | None = None, actor_role: str | None = None) -> AuditEntry:
    """An unsaved access-change entry, for a write that stores it beside the change."""
    return _audit(student_id, actor_id, action, None, subject, actor_name, actor_role)


def record(student_id: str, actor_id: str, action: str, part: str | None = None, subject: str | None = None, *,
           actor_name: str | None = None, actor_role: str | None = None, subject_name: str | None = None,
           subject_role: str | None = None) -> None:
    """Write one audit entry now (a change beside which it is recorded). Name the actor as they
    are now and give their role's code (domain/children.py: AUDIT_ROLES), e.g.
    `record(student_id, admin_id, "code_reissued", actor_name=admin.name, actor_role="administrator")`."""
    with storing():
        _audit(student_id, actor_id, action, part, subject, actor_name, actor_role, subject_name, subject_role).save()


def record_opening(student_id: str, actor_id: str, part: str, actor_name: str | None = None,
                   actor_role: str | None = None) -> None:
    """An opening of the child's data goes to the trail through the log (dal/audit_log.py)."""
    from chalicelib.dal import audit_log

    audit_log.emit(_audit(student_id, actor_id, audit_log.OPENED, part, None, actor_name, actor_role))


def note_grades(student_id: str, account_id: str, grade_ids: set[str], unseen: bool) -> None:
    """ADD grade ids to a link's unseen set (posted) or DELETE them (seen, or the grade is gone).
    Set operations, so a replayed stream batch changes nothing; a link revoked meanwhile is left
    alone rather than brought back as a fragment."""
    if not grade_ids:
        return
    pk, sk = access_key(student_id, account_id)
    with suppress(ConflictError), storing():  # the condition failed: the link is gone
        aws.client("dynamodb").update_item(
            TableName=settings.table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression=f"{'ADD' if unseen else 'DELETE'} unseen_grade_ids :ids",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":ids": {"SS": sorted(grade_ids)}})


def _link_item(link: Link) -> Guardianship | Viewer:
    if link.is_parent:
        return Guardianship(*link_key(link.student_id, link.account_id), account_id=link.account_id,
                            student_id=link.student_id, school_id=link.school_id, relation=link.relation,
                            application_id=link.application_id, name=link.name)
    return Viewer(*link_key(link.student_id, link.account_id), account_id=link.account_id,
                  student_id=link.student_id, school_id=link.school_id, role=link.role, scope=set(link.scope),
                  invitation_id=link.invitation_id, invited_by=link.invited_by, name=link.name, email=link.email)


def link(new_link: Link, code: HeldCode, audit_action: str, invitation: Invitation | None = None) -> Link:
    """Spend the code and create the link (and its audit entry) together: a code links once."""
    access = _link_item(new_link)
    access.gsi1pk, access.gsi1sk = children_pk(access.account_id), access.student_id
    access.created_at = now_iso()
    role = new_link.relation if new_link.is_parent else new_link.role
    entry = _audit(access.student_id, access.account_id, audit_action, None, access.account_id,
                   access.name, role, access.name, role)
    with storing(conflict=ConflictError(field="code", code="code_invalid")), \
            TransactWrite(connection=connection()) as tx:
        # The very code typed: one renewed meanwhile (a new hash under the same key) links nothing.
        tx.delete(AccessCode(holder_pk(code.holder), code_sk(code.purpose, code.ref_id)),
                  condition=AccessCode.code_hash == code.code_hash)
        tx.save(access)
        tx.save(entry)
        if invitation is not None:
            tx.update(invitation, actions=[Invitation.state.set("accepted"),
                                           Invitation.accepted_by.set(access.account_id)],
                      condition=Invitation.state == "pending")
    return _link_record(access) or new_link


def new_invitation(invitation_id: str, student_id: str, school_id: str, email: str, role: str, scope: set[str],
                   invited_by: str, valid_until: int) -> Invitation:
    """An unsaved pending invitation (`create_invitation` stores it with its code)."""
    return Invitation(*invitation_key(student_id, invitation_id), invitation_id=invitation_id, student_id=student_id,
                      school_id=school_id, email=email, role=role, scope=scope, state="pending",
                      invited_by=invited_by, valid_until=valid_until)


def create_invitation(invitation: Invitation, code: AccessCode, actor_id: str, actor_name: str | None = None,
                      actor_role: str | None = None) -> None:
    """Store the invitation, its code and the audit entry together."""
    invitation.pk, invitation.sk = invitation_key(invitation.student_id, invitation.invitation_id)
    invitation.created_at = code.created_at = now_iso()
    entry = _audit(invitation.student_id, actor_id, "invitation_sent", None, invitation.email, actor_name, actor_role,
                   None, invitation.role)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.save(invitation, condition=Invitation.pk.does_not_exist())
        tx.save(code)
        tx.save(entry)


def get_invitation(student_id: str, invitation_id: str) -> Invitation | None:
    """One invitation of a child."""
    with storing():
        try:
            return Invitation.get(*invitation_key(student_id, invitation_id))
        except Invitation.DoesNotExist:
            return None


def pending_invitations(student_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a child's invitations not yet accepted or revoked."""
    with storing():
        return Reading(Invitation.query(student_pk(student_id), Invitation.sk.startswith(INVITATION_PREFIX),
                                        filter_condition=Invitation.state == "pending", limit=limit,
                                        last_evaluated_key=start))


def revoke_invitation(invitation: Invitation, actor_id: str, actor_name: str | None = None,
                      actor_role: str | None = None) -> None:
    """Withdraw a pending invitation and its code."""
    entry = _audit(invitation.student_id, actor_id, "invitation_revoked", None, invitation.email, actor_name,
                   actor_role, None, invitation.role)
    with storing(conflict=ConflictError(code="invitation_not_pending")), \
            TransactWrite(connection=connection()) as tx:
        tx.update(invitation, actions=[Invitation.state.set("revoked")], condition=Invitation.state == "pending")
        tx.delete(AccessCode(holder_pk(address_holder(invitation.email)),
                             code_sk("invitation", invitation.invitation_id)))
        tx.save(entry)


def revoke_viewer(viewer: Link, actor_id: str, actor_name: str | None = None, actor_role: str | None = None) -> None:
    """End a viewer's access: the next request of theirs finds no link. Who they were stays, for
    the audit trail (a later invitation and revocation of the same person overwrites it)."""
    entry = _audit(viewer.student_id, actor_id, "viewer_revoked", None, viewer.account_id, actor_name, actor_role,
                   viewer.name, viewer.role)
    former = FormerViewer(*former_viewer_key(viewer.student_id, viewer.account_id), account_id=viewer.account_id,
                          student_id=viewer.student_id, name=viewer.name, role=viewer.role,
                          revoked_at=entry.created_at, revoked_by=actor_id)
    with storing(), TransactWrite(connection=connection()) as tx:
        tx.delete(Viewer(*link_key(viewer.student_id, viewer.account_id)), condition=Viewer.pk.exists())
        tx.save(entry)
        tx.save(former)


def people_of(student_id: str, unnamed: set[str], viewers: set[str]) -> AuditPeople:
    """Who the accounts of an audit page are, in one BatchGetItem: the accounts' names now (for
    `unnamed`: entries written before names were kept), and for `viewers` the live link and the
    revoked viewer's record."""
    keys = [account_key(a) for a in sorted(unnamed)]
    keys += [key for a in sorted(viewers) for key in (link_key(student_id, a), former_viewer_key(student_id, a))]
    found = {key: DiaryItem.from_raw_data(raw) for key, raw in (get_many(keys) if keys else {}).items()}
    names = {a: name for a in unnamed if (name := getattr(found.get(account_key(a)), "name", None))}
    linked = frozenset(a for a in viewers if link_key(student_id, a) in found)
    revoked = {a: (getattr(item, "revoked_at", None), getattr(item, "role", None))
               for a in viewers if (item := found.get(former_viewer_key(student_id, a))) is not None}
    return AuditPeople(names, linked, revoked)


def rename_links(account_id: str, name: str) -> None:
    """Carry a new name onto the account's links, so the entries of its next openings name it so
    (entries already written keep the name they were written with). A handful of children."""
    with storing():
        links = [link for link in DiaryItem.gsi1.query(children_pk(account_id))
                 if isinstance(link, Guardianship | Viewer) and link.name != name]
    for link in links:
        with suppress(ConflictError), storing():  # revoked meanwhile: nothing to carry
            link.update(actions=[type(link).name.set(name)], condition=DiaryItem.pk.exists())


def audit_of(student_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a child's audit trail, newest first."""
    with storing():
        return Reading(AuditEntry.query(student_pk(student_id), AuditEntry.sk.startswith(AUDIT_PREFIX),
                                        scan_index_forward=False, limit=limit, last_evaluated_key=start))


def audit_page(student_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[AuditEntryRecord], str | None]:
    """A page of a child's audit trail, newest first, and the cursor after it."""
    items, next_cursor = page(audit_of(student_id, limit, decode_cursor(cursor)), cursor)
    return [AuditEntryRecord(i.created_at, i.actor_id, i.action, i.part, i.subject, i.actor_name, i.actor_role,
                             i.subject_name, i.subject_role) for i in items], next_cursor


def invitations_page(student_id: str, limit: int, cursor: PageCursor | None) -> tuple[list[Invitation], str | None]:
    """A page of a child's pending invitations and the cursor after it."""
    return page(pending_invitations(student_id, limit, decode_cursor(cursor)), cursor)
