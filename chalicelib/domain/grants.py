"""Roles as they stand now, not as they stood when the token was issued.

A token lists the roles granted at login (or refresh) and lives 15 minutes; a role can be removed
in between (a teacher leaves, the operator removes an administrator, an administrator revokes the
school system's credential). Routes of staff therefore read the role back before the handler runs,
the way family pages read the child's link: one consistent GetItem of the grant (a BatchGetItem
when the caller holds several roles the route admits). Family routes need no role and read none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chalicelib.dal import accounts as store
from chalicelib.domain import credentials
from chalicelib.domain.tokens import MACHINE_KIND, Caller, grant_of, role_claim


def confirm(caller: Caller, claims: Iterable[str]) -> Caller:
    """The caller with those of `claims` its token holds read back from the table: a role that
    no longer stands is taken out of the caller, so neither the rule nor the handler sees it."""
    held = [claim for claim in dict.fromkeys(claims) if caller.holds(claim) and claim not in caller.confirmed]
    if not held:
        return caller
    if caller.kind == MACHINE_KIND:
        standing = {claim for claim in held if credentials.stands(caller.account_id, grant_of(claim)[1] or "")}
    else:
        found = store.standing_roles(caller.account_id, [grant_of(claim) for claim in held])
        standing = {role_claim(role, school_id) for role, school_id in found}
    return replace(caller, roles=caller.roles - (set(held) - standing), confirmed=caller.confirmed | standing)


def still_admin_of(caller: Caller, school_id: str) -> bool:
    """Whether the caller administers this school now (for a school named by stored data, not by
    the path, which routing has already confirmed)."""
    return confirm(caller, [role_claim("admin", school_id)]).is_admin_of(school_id)
