"""Access codes spent one guess at a time, and renewed: a new code replaces its predecessor in
place (same holder, same key), so the old code stops working in the very write that issues it."""

from __future__ import annotations

from typing import Literal

from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.dal.children import audit_entry
from chalicelib.dal.keys import account_holder as account_holder  # its old home
from chalicelib.dal.keys import address_holder as address_holder
from chalicelib.dal.keys import application_key, code_sk, holder_pk, link_key
from chalicelib.dal.models import AccessCode, Application, Guardianship, Invitation
from chalicelib.dal.store import connection, now_iso, storing
from chalicelib.errors import ConflictError
from chalicelib.records.applications import ApplicationRecord
from chalicelib.records.family import HeldCode

Attempt = Literal["counted", "spent", "gone"]


def get_code(holder: str, purpose: str, ref_id: str) -> AccessCode | None:
    """One code of a holder, read consistently."""
    with storing():
        try:
            return AccessCode.get(holder_pk(holder), code_sk(purpose, ref_id), consistent_read=True)
        except AccessCode.DoesNotExist:
            return None


def take_attempt(code: HeldCode, limit: int) -> Attempt:
    """Count one guess at this very code before it is compared, atomically: "counted"; "spent" when
    its `limit` guesses are used; "gone" when it was redeemed or replaced since it was read."""
    try:
        with storing():
            AccessCode(holder_pk(code.holder), code_sk(code.purpose, code.ref_id)).update(
                actions=[AccessCode.attempts.add(1)],
                condition=(AccessCode.code_hash == code.code_hash)
                & (AccessCode.attempts.does_not_exist() | (AccessCode.attempts < limit)))
    except ConflictError:
        current = get_code(code.holder, code.purpose, code.ref_id)
        return "spent" if current is not None and current.code_hash == code.code_hash else "gone"
    return "counted"


def _generation_is(model: type[Application] | type[Invitation], generation: int) -> Condition:
    attribute = model.code_generation
    return attribute.does_not_exist() | (attribute == generation) if generation == 0 else attribute == generation


def renew_application_code(application: ApplicationRecord, code: AccessCode, actor_id: str, *,
                           actor_name: str | None = None, actor_role: str | None = None) -> None:
    """Replace the application's code with a new one, bump its generation (the stream emails the
    new code) and audit it, together; refused once the parent is linked or another renewal won."""
    generation = int(application.code_generation or 0)
    student_id = application.student_id or code.student_id
    entry = audit_entry(student_id, actor_id, "access_code_renewed", application.account_id,
                        actor_name=actor_name, actor_role=actor_role)
    code.created_at = now_iso()
    with storing(conflict=ConflictError(code="code_already_used")), TransactWrite(connection=connection()) as tx:
        tx.update(Application(*application_key(application.account_id, application.application_id)),
                  actions=[Application.code_generation.set(generation + 1)],
                  condition=(Application.state == "completed") & _generation_is(Application, generation))
        # No guardianship yet (absent, or a viewer's link, has no relation): a used code is not renewed.
        tx.condition_check(Guardianship, *link_key(student_id, application.account_id),
                           condition=Guardianship.relation.does_not_exist())
        tx.save(code)
        tx.save(entry)
    application.code_generation = generation + 1


def renew_invitation_code(invitation: Invitation, code: AccessCode, actor_id: str, *,
                          actor_name: str | None = None, actor_role: str | None = None) -> None:
    """Replace a pending invitation's code, extend the invitation to the new code's validity, bump
    its generation (the stream emails the new code) and audit it, together."""
    generation = int(invitation.code_generation or 0)
    entry = audit_entry(invitation.student_id, actor_id, "access_code_renewed", invitation.email,
                        actor_name=actor_name, actor_role=actor_role)
    code.created_at = now_iso()
    with storing(conflict=ConflictError(code="invitation_not_pending")), \
            TransactWrite(connection=connection()) as tx:
        tx.update(invitation, actions=[Invitation.code_generation.set(generation + 1),
                                       Invitation.valid_until.set(code.valid_until)],
                  condition=(Invitation.state == "pending") & _generation_is(Invitation, generation))
        tx.save(code)
        tx.save(entry)
    invitation.code_generation, invitation.valid_until = generation + 1, code.valid_until
