"""New access codes: for a code mistyped five times, expired or lost, the parent (an approved
application), the invited person or the child's parent (an invitation), or the school's
administrator (an application) asks for a new one.

The new code replaces the old one under the same key, so the old code stops working in the same
write; it is counted against quotas first (an email to the holder each time) and recorded in the
child's audit trail. It is emailed the way the first one was: the renewal bumps the application's
or invitation's `code_generation`, and the table's stream turns that into the same access-code or
invitation email (domain/alert_rules.py), with the code derived from the id and the generation (domain/secrets.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.clock import iso_of_epoch
from chalicelib.dal import access_codes as store
from chalicelib.dal import accounts as account_store
from chalicelib.dal import applications as application_store
from chalicelib.dal import children as child_store
from chalicelib.dal.models import AccessCode, Invitation
from chalicelib.domain import quotas, secrets
from chalicelib.domain.applications import CODE_VALID_DAYS
from chalicelib.domain.children import INVITATION_VALID_DAYS, MAX_CODE_ATTEMPTS, require_guardian
from chalicelib.errors import AuthenticationError, ConflictError, NotFoundError
from chalicelib.records.applications import ApplicationRecord

CODE_PURPOSE = "access-code"  # the hash purpose every access code shares (domain/children.py)


def _issued(code: AccessCode) -> dict[str, Any]:
    return {"purpose": code.purpose, "ref_id": code.ref_id, "attempts_left": MAX_CODE_ATTEMPTS,
            "valid_until": iso_of_epoch(code.valid_until)}


def _charge(caller_id: str, target: str) -> None:
    # `target` is the application's or invitation's id: the quota's name keeps it apart from accounts.
    quotas.spend("too_many_access_codes", (quotas.NEW_ACCESS_CODES_PER_CODE_DAY, target),
                 (quotas.NEW_ACCESS_CODES_PER_ACCOUNT_HOUR, caller_id),
                 (quotas.NEW_ACCESS_CODES_PER_ACCOUNT_DAY, caller_id))


@dataclass(frozen=True)
class _Actor:
    """Who asks for the new code, as the child's audit trail names them (domain/children.py:
    AUDIT_ROLES): the name as it is now, read only when the caller's link does not keep it."""

    account_id: str
    role: str
    known_name: str | None = None

    def name(self) -> str | None:
        if self.known_name:
            return self.known_name
        account = account_store.get_account(self.account_id)
        return account.name if account is not None else None


# --- applications -----------------------------------------------------------------------------


def renew_for_parent(account_id: str, application_id: str) -> dict[str, Any]:
    """The parent asks for a new code for their own approved application."""
    application = application_store.get(account_id, application_id)
    if application is None:
        raise NotFoundError(code="application_not_found")
    return _renew_application(application, _Actor(account_id, application.relation))


def renew_by_school(school_id: str, application_id: str, admin_id: str) -> dict[str, Any]:
    """The school's administrator issues a new code for one of the school's applications."""
    application = application_store.get_by_id(application_id)
    if application is None or application.school_id != school_id:
        raise NotFoundError(code="application_not_found")
    return _renew_application(application, _Actor(admin_id, "administrator"))


def _renew_application(application: ApplicationRecord, actor: _Actor) -> dict[str, Any]:
    if application.state != "completed" or not application.student_id:
        raise ConflictError(code="application_not_completed")  # no code was ever issued
    link = child_store.access_of(application.student_id, application.account_id)
    if link is not None and link.is_parent:
        raise ConflictError(code="code_already_used")
    _charge(actor.account_id, application.application_id)
    generation = int(application.code_generation or 0) + 1
    code = child_store.new_code_item(
        store.account_holder(application.account_id), "application", application.application_id,
        secrets.digest(secrets.application_code(application.application_id, generation), CODE_PURPOSE),
        application.student_id, application.school_id, CODE_VALID_DAYS * 86_400)
    store.renew_application_code(application, code, actor.account_id, actor_name=actor.name(),
                                 actor_role=actor.role)
    return _issued(code)


# --- invitations ------------------------------------------------------------------------------


def renew_for_guardian(account_id: str, student_id: str, invitation_id: str) -> dict[str, Any]:
    """A parent of the child sends a pending invitation a new code (as they may revoke it)."""
    guardian = require_guardian(account_id, student_id)
    invitation = child_store.get_invitation(student_id, invitation_id)
    if invitation is None:
        raise NotFoundError(code="invitation_not_found")
    return _renew_invitation(invitation, _Actor(account_id, guardian.relation or "unknown", guardian.name))


def renew_for_invitee(account_id: str, invitation_id: str) -> dict[str, Any]:
    """The invited person asks for a new code: only the account registered with the invited
    address finds the invitation, through the code its address holds."""
    account = account_store.get_account(account_id)
    if account is None:
        raise AuthenticationError()
    held = store.get_code(store.address_holder(account.email), "invitation", invitation_id)
    invitation = child_store.get_invitation(held.student_id, invitation_id) if held else None
    if invitation is None or invitation.email != account.email:
        raise NotFoundError(code="invitation_not_found")
    return _renew_invitation(invitation, _Actor(account_id, invitation.role, account.name))


def _renew_invitation(invitation: Invitation, actor: _Actor) -> dict[str, Any]:
    if invitation.state != "pending":
        raise ConflictError(code="invitation_not_pending")
    _charge(actor.account_id, invitation.invitation_id)
    generation = int(invitation.code_generation or 0) + 1
    code = child_store.new_code_item(
        store.address_holder(invitation.email), "invitation", invitation.invitation_id,
        secrets.digest(secrets.invitation_code(invitation.invitation_id, generation), CODE_PURPOSE),
        invitation.student_id, invitation.school_id, INVITATION_VALID_DAYS * 86_400)
    store.renew_invitation_code(invitation, code, actor.account_id, actor_name=actor.name(),
                                actor_role=actor.role)
    return _issued(code)
