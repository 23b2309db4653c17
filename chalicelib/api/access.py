"""Who may call a route: every route declares one of these rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from chalicelib.domain.tokens import Caller


@dataclass(frozen=True)
class Access:
    """A rule checked from the token alone, before any data is read."""

    name: str
    description: str
    check: Callable[[Caller, Mapping[str, str]], bool]

    @property
    def public(self) -> bool:
        """No token needed."""
        return self.name == "public"

    def permits(self, caller: Caller, path: Mapping[str, str]) -> bool:
        """Whether this caller may call the route with these path parameters."""
        return self.check(caller, path)


PUBLIC = Access("public", "anyone, no token", lambda caller, path: True)
ACCOUNT = Access("account", "any signed-in account", lambda caller, path: True)
OPERATOR = Access("operator", "the city operator", lambda caller, path: caller.is_operator())
SCHOOL_ADMIN = Access(
    "school_admin",
    "an administrator of the school in the path",
    lambda caller, path: caller.is_admin_of(path.get("school_id", "")),
)
SCHOOL_STAFF = Access(
    "school_staff",
    "an administrator or teacher of the school in the path",
    lambda caller, path: caller.is_admin_of(path.get("school_id", ""))
    or caller.is_teacher_of(path.get("school_id", "")),
)
OPERATOR_OR_SCHOOL_ADMIN = Access(
    "operator_or_school_admin",
    "the city operator or an administrator of the school in the path",
    lambda caller, path: caller.is_operator() or caller.is_admin_of(path.get("school_id", "")),
)
SCHOOL_UPLOADER = Access(
    "school_uploader",
    "the school's information system (machine credential) or an administrator of the school in the path",
    lambda caller, path: caller.is_system_of(path.get("school_id", ""))
    or caller.is_admin_of(path.get("school_id", "")),
)
