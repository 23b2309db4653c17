"""Endpoints of families: applications for a child, the children an account sees, invitations
and viewers, the audit trail. Any signed-in account may call them; whether it may see a given
child is decided from the database on every request (domain.children.open_child)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import ACCOUNT
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import applications, children

if TYPE_CHECKING:
    from chalicelib.api.schemas import (
        AccessCodeOut,
        ApplicationOut,
        ApplicationPage,
        AuditPage,
        ChildCard,
        ChildOut,
        ChildPage,
        InvitationOut,
        InvitationPage,
        ViewerPage,
    )

bp = Blueprint(__name__)

CHILD = (401, 403, 404)


@endpoint(bp, "POST", "/applications", allow=ACCOUNT, body="ApplicationCreate",
          status=201, errors=(401, 404, 409, 422), summary="Apply to a school for access to a child's diary")
def file_application(req: Request) -> Answer[ApplicationOut]:
    data = req.body.model_dump()
    return applications.file(req.account_id, data.pop("school_id"), data)


@endpoint(bp, "GET", "/applications", allow=ACCOUNT, query="PageQuery",
          errors=(400, 401, 422), summary="My applications")
def list_applications(req: Request) -> Answer[ApplicationPage]:
    return applications.list_mine(req.account_id, req.query.limit, req.cursor)


@endpoint(bp, "POST", "/applications/{application_id}/withdraw", allow=ACCOUNT,
          errors=(401, 404, 409), summary="Withdraw my application before the school decides")
def withdraw_application(req: Request) -> Answer[ApplicationOut]:
    return applications.withdraw(req.account_id, req.path["application_id"])


@endpoint(bp, "POST", "/children/redeem", allow=ACCOUNT, body="RedeemRequest",
          errors=(400, 401, 409, 422, 429), summary="Redeem a code from an approval or an invitation")
def redeem(req: Request) -> Answer[ChildOut]:
    b = req.body
    return children.redeem(req.account_id, b.code, b.application_id, b.invitation_id)


@endpoint(bp, "GET", "/children", allow=ACCOUNT, query="PageQuery",
          errors=(400, 401, 422), summary="The children I may see")
def list_children(req: Request) -> Answer[ChildPage]:
    return children.list_children(req.account_id, req.lang, req.query.limit, req.cursor)


@endpoint(bp, "GET", "/children/{student_id}", allow=ACCOUNT, errors=CHILD,
          summary="A child's card (the audited \"profile\" part, visible to every linked viewer)")
def child_card(req: Request) -> Answer[ChildCard]:
    return children.child_profile(req.account_id, req.path["student_id"])


@endpoint(bp, "POST", "/children/{student_id}/invitations", allow=ACCOUNT, body="InvitationCreate",
          status=201, errors=(*CHILD, 422, 429),
          summary="Invite someone to see part of the diary (parents only; 10 an hour, 30 a day, 20 a child a day)")
def invite(req: Request) -> Answer[InvitationOut]:
    b = req.body
    return children.invite(req.account_id, req.path["student_id"], b.email, b.role, list(b.scope))


@endpoint(bp, "GET", "/children/{student_id}/invitations", allow=ACCOUNT, query="PageQuery",
          errors=(*CHILD, 400, 422), summary="Pending invitations (parents only)")
def list_invitations(req: Request) -> Answer[InvitationPage]:
    q = req.query
    return children.list_invitations(req.account_id, req.path["student_id"], q.limit, req.cursor)


@endpoint(bp, "DELETE", "/children/{student_id}/invitations/{invitation_id}", allow=ACCOUNT, status=204,
          errors=(*CHILD, 409), summary="Revoke a pending invitation (parents only)")
def revoke_invitation(req: Request) -> Reply:
    children.revoke_invitation(req.account_id, req.path["student_id"], req.path["invitation_id"])
    return Reply(None, 204)


@endpoint(bp, "GET", "/children/{student_id}/viewers", allow=ACCOUNT, errors=CHILD,
          summary="Who sees the child's diary and what (parents only)")
def list_viewers(req: Request) -> Answer[ViewerPage]:
    return children.list_viewers(req.account_id, req.path["student_id"])


@endpoint(bp, "DELETE", "/children/{student_id}/viewers/{account_id}", allow=ACCOUNT, status=204,
          errors=CHILD, summary="End a viewer's access, effective on their next request (parents only)")
def revoke_viewer(req: Request) -> Reply:
    children.revoke_viewer(req.account_id, req.path["student_id"], req.path["account_id"])
    return Reply(None, 204)


@endpoint(bp, "GET", "/children/{student_id}/audit", allow=ACCOUNT, query="PageQuery",
          errors=(*CHILD, 400, 422), summary="Who opened the child's data and who changed access, newest first")
def audit(req: Request) -> Answer[AuditPage]:
    q = req.query
    return children.audit(req.account_id, req.path["student_id"], q.limit, req.cursor, req.lang)


# --- new access codes (a code mistyped five times, expired or lost) ---------------------------


@endpoint(bp, "POST", "/applications/{application_id}/code", allow=ACCOUNT,
          status=202, errors=(401, 404, 409, 429),
          summary="A new access code for my approved application, emailed; the old one stops working")
def renew_application_code(req: Request) -> Answer[AccessCodeOut]:
    from chalicelib.domain import access_codes

    return access_codes.renew_for_parent(req.account_id, req.path["application_id"])


@endpoint(bp, "POST", "/invitations/{invitation_id}/code", allow=ACCOUNT,
          status=202, errors=(401, 404, 409, 429),
          summary="A new code for an invitation to my address, emailed; the old one stops working")
def renew_my_invitation_code(req: Request) -> Answer[AccessCodeOut]:
    from chalicelib.domain import access_codes

    return access_codes.renew_for_invitee(req.account_id, req.path["invitation_id"])


@endpoint(bp, "POST", "/children/{student_id}/invitations/{invitation_id}/code", allow=ACCOUNT,
          status=202, errors=(*CHILD, 409, 429),
          summary="Send a pending invitation a new code (parents only); the old one stops working")
def renew_invitation_code(req: Request) -> Answer[AccessCodeOut]:
    from chalicelib.domain import access_codes

    path = req.path
    return access_codes.renew_for_guardian(req.account_id, path["student_id"], path["invitation_id"])
