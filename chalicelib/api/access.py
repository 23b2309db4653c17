"""Who may call a route: every route declares one of these rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from chalicelib.domain.tokens import ACCOUNT_KIND, KINDS, MACHINE_ROLE, Caller, role_claim

Grants = Callable[[Mapping[str, str]], tuple[str, ...]]


@dataclass(frozen=True)
class Access:
    """A rule checked from the token alone, before any data is read: the token's kind, then any
    one of the role claims `grants` names for the path. Routing then reads that role back from
    the table (domain/grants.py), so a role removed since the token was issued no longer admits."""

    name: str
    description: str
    grants: Grants | None = None  # None: no role needed, any caller of an admitted kind
    kinds: frozenset[str] = frozenset({ACCOUNT_KIND})

    @property
    def public(self) -> bool:
        """No token needed."""
        return self.name == "public"

    def admitting(self, path: Mapping[str, str]) -> tuple[str, ...]:
        """The role claims any one of which admits a caller to the route at this path."""
        return self.grants(path) if self.grants else ()

    def permits(self, caller: Caller, path: Mapping[str, str]) -> bool:
        """Whether this caller may call the route with these path parameters."""
        if caller.kind not in self.kinds:
            return False
        return self.grants is None or any(caller.holds(claim) for claim in self.grants(path))


def _at_school(*roles: str) -> Grants:
    return lambda path: tuple(role_claim(role, path.get("school_id", "")) for role in roles)


OPERATOR_CLAIM = role_claim("operator", None)

PUBLIC = Access("public", "anyone, no token", kinds=frozenset(KINDS))
ACCOUNT = Access("account", "any signed-in account")
OPERATOR = Access("operator", "the city operator", lambda path: (OPERATOR_CLAIM,))
SCHOOL_ADMIN = Access("school_admin", "an administrator of the school in the path", _at_school("admin"))
SCHOOL_STAFF = Access(
    "school_staff",
    "an administrator or teacher of the school in the path",
    _at_school("admin", "teacher"),
)
OPERATOR_OR_SCHOOL_ADMIN = Access(
    "operator_or_school_admin",
    "the city operator or an administrator of the school in the path",
    lambda path: (OPERATOR_CLAIM, *_at_school("admin")(path)),
)
SCHOOL_UPLOADER = Access(
    "school_uploader",
    "the school's information system (machine credential) or an administrator of the school in the path",
    _at_school(MACHINE_ROLE, "admin"),
    kinds=frozenset(KINDS),
)
