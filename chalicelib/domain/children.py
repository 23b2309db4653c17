"""A family's access to a child's diary: codes, parents and viewers, invitations, the audit trail.

Every request for a child's data goes through `open_child`, which reads the link from the
database each time (never from the token), so a revocation takes effect on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.dal import accounts as account_store
from chalicelib.dal import applications as application_store
from chalicelib.dal import children as store
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import AuditEntry, Guardianship, Invitation, Viewer
from chalicelib.dal.store import decode_cursor, epoch, page
from chalicelib.domain import secrets
from chalicelib.domain.accounts import new_id
from chalicelib.errors import (
    AuthenticationError,
    ConflictError,
    DiaryError,
    ForbiddenError,
    NotFoundError,
    TooManyAttemptsError,
)
from chalicelib.settings import get_settings

# The parts of a child's diary a viewer may be given. "profile" (whose diary this is: name,
# class, school) is not among them: every linked viewer sees it, or the rest would be nameless.
SCOPED_PARTS = ("grades", "homework", "attendance", "schedule", "events", "meetings", "statistics")
ALWAYS_VISIBLE = ("profile",)
PARTS = ALWAYS_VISIBLE + SCOPED_PARTS
VIEWER_ROLES = ("student", "relative", "tutor")
CODE_PURPOSE = "access-code"  # application and invitation codes share one format and hash purpose
MAX_CODE_ATTEMPTS = 5
INVITATION_VALID_DAYS = 7


@dataclass(frozen=True)
class ChildAccess:
    """What the caller may do with the child, as found in the database just now."""

    account_id: str
    student_id: str
    school_id: str
    role: str  # "parent" or a viewer's role
    scope: frozenset[str]

    @property
    def is_guardian(self) -> bool:
        """A parent linked through an application: sees all, invites, reads the audit."""
        return self.role == "parent"


def may_see(role: str, scope: frozenset[str] | set[str], part: str) -> bool:
    """Whether a link of this role and scope opens this part of the child's data."""
    if part not in PARTS:
        return False
    if role == "parent" or part in ALWAYS_VISIBLE:
        return True
    return part in scope


def _access(link: Guardianship | Viewer) -> ChildAccess:
    if isinstance(link, Guardianship):
        return ChildAccess(link.account_id, link.student_id, link.school_id, "parent", frozenset(PARTS))
    return ChildAccess(link.account_id, link.student_id, link.school_id, link.role, frozenset(link.scope or ()))


def _link(account_id: str, student_id: str) -> ChildAccess:
    link = store.access_of(student_id, account_id)
    if link is None:
        raise ForbiddenError(code="child_not_linked")
    # A viewer sees the child only through the parent who invited them: no parent, no viewer.
    if isinstance(link, Viewer) and not isinstance(store.access_of(student_id, link.invited_by), Guardianship):
        raise ForbiddenError(code="child_not_linked")
    return _access(link)


def link_of(caller_account_id: str, student_id: str) -> ChildAccess:
    """The caller's live link to the child (parent or viewer), without auditing an opening:
    for settings about the child, such as alert preferences."""
    return _link(caller_account_id, student_id)


def open_child(caller_account_id: str, student_id: str, part: str) -> ChildAccess:
    """The one access check for a child's data: refuses an unlinked caller or a part outside a
    viewer's scope, and records the opening in the child's audit trail."""
    if part not in PARTS:
        raise NotFoundError(code="unknown_part")
    access = _link(caller_account_id, student_id)
    if not may_see(access.role, access.scope, part):
        raise ForbiddenError(code="part_out_of_scope")
    store.record(student_id, caller_account_id, "opened", part=part)
    return access


def require_guardian(caller_account_id: str, student_id: str) -> ChildAccess:
    """Only a parent may manage who sees the child."""
    access = _link(caller_account_id, student_id)
    if not access.is_guardian:
        raise ForbiddenError(code="guardian_only")
    return access


def _card(access: ChildAccess) -> dict[str, Any]:
    student = school_store.get_student(access.school_id, access.student_id)
    if student is None:
        raise NotFoundError(code="child_not_found")
    school = school_store.get_school(access.school_id)
    klass = school_store.get_class(access.school_id, student.class_id)
    return {
        "student_id": student.student_id, "school_id": access.school_id,
        "school_name": school.name if school else "", "class_id": student.class_id,
        "class_name": klass.name if klass else "", "last_name": student.last_name,
        "first_name": student.first_name, "middle_name": student.middle_name,
        "role": access.role, "scope": sorted(access.scope),
    }


def child_profile(caller_account_id: str, student_id: str) -> dict[str, Any]:
    """The child's card (name, class, school): the "profile" part."""
    return {**_card(open_child(caller_account_id, student_id, "profile")), "part": "profile"}


def list_children(account_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    """The children this account is linked to, as a parent or a viewer."""
    items, next_cursor = page(store.children_of(account_id, limit, decode_cursor(cursor)))
    return {"items": [_card(_access(link)) for link in items], "next_cursor": next_cursor}


# --- redeeming a code -----------------------------------------------------------------


def redeem(caller_account_id: str, code: str) -> dict[str, Any]:
    """Trade a one-time code (from an approved application or an invitation) for a link."""
    account = account_store.get_account(caller_account_id)
    if account is None:
        raise AuthenticationError()
    typed = secrets.normalise_access_code(code)
    # Invitation codes are held by the address they were sent to, so only the account
    # registered with that address finds them.
    codes = store.codes_of([f"ACCOUNT#{account.account_id}", f"EMAIL#{account.email}"])
    now = epoch()
    match = next((c for c in codes if secrets.same_digest(typed, CODE_PURPOSE, c.code_hash)), None)
    if match is None:
        for held in codes:  # a guess counts against every live code of the guesser
            if held.valid_until > now:
                store.count_failed_code(held)
        raise DiaryError(field="code", code="code_invalid")
    if match.valid_until <= now:
        raise DiaryError(field="code", code="code_expired")
    if match.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    holder = match.pk.removeprefix("HOLDER#")
    existing = store.access_of(match.student_id, account.account_id)
    if match.purpose == "application":
        application = application_store.get(account.account_id, match.ref_id)
        link: Guardianship | Viewer = Guardianship(
            account_id=account.account_id, student_id=match.student_id, school_id=match.school_id,
            relation=application.relation if application else "other", application_id=match.ref_id)
        store.link(link, match, holder, "guardian_linked")
    else:
        invitation = store.get_invitation(match.student_id, match.ref_id)
        if invitation is None or invitation.state != "pending":
            raise DiaryError(field="code", code="code_invalid")
        if isinstance(existing, Guardianship):
            raise ConflictError(field="code", code="already_linked")
        link = Viewer(account_id=account.account_id, student_id=match.student_id, school_id=match.school_id,
                      role=invitation.role, scope=set(invitation.scope), invitation_id=invitation.invitation_id,
                      invited_by=invitation.invited_by, name=account.name, email=account.email)
        store.link(link, match, holder, "invitation_accepted", invitation=invitation)
    return _card(_access(link))


# --- invitations and viewers (parents only) -------------------------------------------


def invitation_view(item: Invitation) -> dict[str, Any]:
    """An invitation as its parent sees it."""
    return {"invitation_id": item.invitation_id, "student_id": item.student_id, "email": item.email,
            "role": item.role, "scope": sorted(item.scope or ()), "state": item.state,
            "created_at": item.created_at, "valid_until": int(item.valid_until)}


def invite(caller_account_id: str, student_id: str, email: str, role: str, scope: list[str]) -> dict[str, Any]:
    """A parent invites someone to see part of the child's diary; the code goes to that address."""
    access = require_guardian(caller_account_id, student_id)
    if role not in VIEWER_ROLES or not scope or not set(scope) <= set(SCOPED_PARTS):
        raise DiaryError(field="scope", code="validation_failed")
    inviter = account_store.get_account(caller_account_id)
    student = school_store.get_student(access.school_id, student_id)
    if inviter is None or student is None:
        raise NotFoundError(code="child_not_found")
    valid = INVITATION_VALID_DAYS * 86_400
    invitation = Invitation(invitation_id=new_id(), student_id=student_id, school_id=access.school_id,
                            email=email, role=role, scope=set(scope), state="pending",
                            invited_by=caller_account_id, valid_until=epoch() + valid)
    stored = store.new_code_item(f"EMAIL#{email}", "invitation", invitation.invitation_id,
                                 secrets.digest(invitation_code(invitation.invitation_id), CODE_PURPOSE),
                                 student_id, access.school_id, valid)
    # The email with the code is an alert made from the new invitation on the table's stream
    # (domain/alerts.py): the request only stores, so a failed send never half-writes it.
    store.create_invitation(invitation, stored, caller_account_id)
    return invitation_view(invitation)


def invitation_code(invitation_id: str) -> str:
    """The invitation's code, derived (keyed) from its id: the stream handler that emails it can
    make it again, while only its hash is stored."""
    return secrets.derived_access_code(f"invitation:{invitation_id}")


def invitation_email(student_id: str, invitation_id: str) -> dict[str, Any] | None:
    """To whom and what the invitation email says; None once the invitation is no longer pending."""
    invitation = store.get_invitation(student_id, invitation_id)
    if invitation is None or invitation.state != "pending":
        return None
    inviter = account_store.get_account(invitation.invited_by)
    student = school_store.get_student(invitation.school_id, student_id)
    invitee_id = account_store.find_account_id(invitation.email)
    invitee = account_store.get_account(invitee_id) if invitee_id else None
    language = (invitee.language if invitee else inviter.language if inviter else None) or "ru"
    data = {"inviter": inviter.name if inviter else "", "role": invitation.role,
            "child_name": f"{student.first_name} {student.last_name}" if student else "",
            "scope": sorted(invitation.scope or ()), "code": invitation_code(invitation_id),
            "valid_days": INVITATION_VALID_DAYS, "link": f"{get_settings().public_url}/children"}
    return {"account_id": invitee_id or "", "to": invitation.email, "language": language,
            "suppressed": bool(invitee and invitee.email_suppressed), "template": "invitation", "data": data}


def list_invitations(caller_account_id: str, student_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    """The child's invitations still waiting to be accepted."""
    require_guardian(caller_account_id, student_id)
    items, next_cursor = page(store.pending_invitations(student_id, limit, decode_cursor(cursor)))
    return {"items": [invitation_view(i) for i in items], "next_cursor": next_cursor}


def revoke_invitation(caller_account_id: str, student_id: str, invitation_id: str) -> None:
    """Withdraw an invitation before it is accepted."""
    require_guardian(caller_account_id, student_id)
    invitation = store.get_invitation(student_id, invitation_id)
    if invitation is None:
        raise NotFoundError(code="invitation_not_found")
    store.revoke_invitation(invitation, caller_account_id)


def viewer_view(item: Viewer) -> dict[str, Any]:
    """A viewer as the child's parent sees them."""
    return {"account_id": item.account_id, "name": item.name, "email": item.email, "role": item.role,
            "scope": sorted(item.scope or ()), "since": item.created_at}


def list_viewers(caller_account_id: str, student_id: str) -> dict[str, Any]:
    """Everyone a parent let see the child, with what they see."""
    require_guardian(caller_account_id, student_id)
    viewers = [link for link in store.links_of_child(student_id) if isinstance(link, Viewer)]
    return {"items": [viewer_view(v) for v in viewers], "next_cursor": None}


def revoke_viewer(caller_account_id: str, student_id: str, account_id: str) -> None:
    """End a viewer's access; their very next request is refused."""
    require_guardian(caller_account_id, student_id)
    link = store.access_of(student_id, account_id)
    if not isinstance(link, Viewer):
        raise NotFoundError(code="viewer_not_found")
    store.revoke_viewer(link, caller_account_id)


def audit_view(item: AuditEntry) -> dict[str, Any]:
    """One audit entry."""
    return {"at": item.created_at, "actor_account_id": item.actor_id, "action": item.action, "part": item.part,
            "subject": item.subject}


def audit(caller_account_id: str, student_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    """Who opened the child's data and who changed access to it, newest first (parents only)."""
    require_guardian(caller_account_id, student_id)
    items, next_cursor = page(store.audit_of(student_id, limit, decode_cursor(cursor)))
    return {"items": [audit_view(i) for i in items], "next_cursor": next_cursor}
