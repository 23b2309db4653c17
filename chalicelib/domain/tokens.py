"""Short-lived access tokens (JWT, HS256) carrying who the caller is and which roles they hold.

A family's token also carries, per linked child, where the child's data lived when the token was
issued (school, class, time zone, the inviting parent of a viewer). That is a hint, never a
permission: it lets a diary page read the link together with the page's data in one call, and the
link read there decides; a stale hint (a child moved to another class) only costs one more read.

Every token says its kind: an account's (a person who logged in) or a machine's (a school's
information system, from its credential). Each kind carries only its own roles, and each route
admits only the kinds its rule names, so a machine never passes for a person or the other way round.
The roles in a token are what was granted at issue; routes of staff read the grant back
(`domain/grants.py`), so a removed role stops working at once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.errors import AuthenticationError
from chalicelib.settings import get_settings

ISSUER = "ediary"
AUDIENCE = "ediary-api"


MAX_CHILD_HINTS = 20  # a family's children; beyond that pages take the ordinary path

ACCOUNT_KIND, MACHINE_KIND = "account", "machine"
KINDS = (ACCOUNT_KIND, MACHINE_KIND)
MACHINE_ROLE = "system"  # the role claim of a school's system: `system:<school>`


def role_claim(role: str, school_id: str | None) -> str:
    """How a role is written in a token: `operator` city-wide, `<role>:<school>` at a school."""
    return role if school_id is None else f"{role}:{school_id}"


def grant_of(claim: str) -> tuple[str, str | None]:
    """The role and school a claim names (the inverse of `role_claim`)."""
    role, _, school_id = claim.partition(":")
    return role, school_id or None


def _machine_claim(claim: str) -> bool:
    return grant_of(claim)[0] == MACHINE_ROLE


def token_kind(claimed: object, roles: frozenset[str]) -> str:
    """The kind a token's claims make it; AuthenticationError when they contradict each other.
    A token without a kind was issued before kinds: it is an account's, unless it carries a
    machine's role (then it is refused: a machine must show it is one)."""
    machine_roles = {r for r in roles if _machine_claim(r)}
    if claimed is None:
        claimed = ACCOUNT_KIND
    if claimed == ACCOUNT_KIND and not machine_roles:
        return ACCOUNT_KIND
    if claimed == MACHINE_KIND and machine_roles == roles:
        return MACHINE_KIND
    raise AuthenticationError(code="token_invalid")


@dataclass(frozen=True)
class ChildHint:
    """Where a linked child's data was when the token was issued (see the module note)."""

    school_id: str
    class_id: str
    timezone: str
    invited_by: str = ""  # a viewer's inviting parent, whose link must still stand

    def claim(self) -> list[str]:
        """The compact form carried in the token."""
        return [self.school_id, self.class_id, self.timezone, self.invited_by]


@dataclass(frozen=True)
class Caller:
    """The authenticated account behind a request and the roles in its token."""

    account_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    children: Mapping[str, ChildHint] = field(default_factory=dict, hash=False, compare=False)
    kind: str = ACCOUNT_KIND
    confirmed: frozenset[str] = frozenset()  # roles read back from the table during this request

    def holds(self, claim: str) -> bool:
        """Whether the token carries this role, in a token of the kind that may carry it."""
        return claim in self.roles and _machine_claim(claim) == (self.kind == MACHINE_KIND)

    def is_operator(self) -> bool:
        """City operator."""
        return self.holds(role_claim("operator", None))

    def is_admin_of(self, school_id: str) -> bool:
        """Administrator of this school."""
        return self.holds(role_claim("admin", school_id))

    def is_system_of(self, school_id: str) -> bool:
        """The school's own information system (machine credential)."""
        return self.holds(role_claim(MACHINE_ROLE, school_id))

    def is_teacher_of(self, school_id: str) -> bool:
        """Teacher at this school."""
        return self.holds(role_claim("teacher", school_id))


def issue_access_token(account_id: str, roles: list[str], now: float | None = None,
                       ttl_seconds: int | None = None,
                       children: Mapping[str, ChildHint] | None = None,
                       kind: str = ACCOUNT_KIND) -> tuple[str, int]:
    """A signed access token of this kind and its lifetime in seconds."""
    import jwt

    token_kind(kind, frozenset(roles))  # never sign a token that would be refused
    settings = get_settings()
    # The one exception to chalicelib/clock.py: PyJWT checks `exp` against the wall clock, so a
    # token is issued on it too (a test that moves the service's clock keeps its sessions).
    issued = int(now if now is not None else time.time())
    ttl = ttl_seconds or settings.access_token_minutes * 60
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account_id,
        "iat": issued,
        "exp": issued + ttl,
        "roles": sorted(roles),
        "kind": kind,
    }
    if children:
        claims["kids"] = {sid: hint.claim() for sid, hint in sorted(children.items())[:MAX_CHILD_HINTS]}
    return jwt.encode(claims, settings.signing_secret, algorithm="HS256"), ttl


def read_access_token(token: str) -> Caller:
    """The caller named by a valid token; AuthenticationError for a forged or expired one."""
    import jwt

    try:
        claims = jwt.decode(
            token,
            get_settings().signing_secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError(code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError(code="token_invalid") from exc
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise AuthenticationError(code="token_invalid")
    kind = token_kind(claims.get("kind"), frozenset(roles))
    return Caller(account_id=str(claims["sub"]), roles=frozenset(roles), children=child_hints(claims.get("kids")),
                  kind=kind)


def child_hints(claim: object) -> dict[str, ChildHint]:
    """The hints of a token's `kids` claim; anything malformed is dropped (they are only hints)."""
    if not isinstance(claim, dict):
        return {}
    out = {}
    for student_id, parts in list(claim.items())[:MAX_CHILD_HINTS]:
        if isinstance(student_id, str) and isinstance(parts, list) and len(parts) == 4 \
                and all(isinstance(p, str) for p in parts):
            out[student_id] = ChildHint(*parts)
    return out
