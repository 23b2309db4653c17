"""Short-lived access tokens (JWT, HS256) carrying who the caller is and which roles they hold."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from chalicelib.errors import AuthenticationError
from chalicelib.settings import get_settings

ISSUER = "ediary"
AUDIENCE = "ediary-api"


@dataclass(frozen=True)
class Caller:
    """The authenticated account behind a request and the roles in its token."""

    account_id: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def is_operator(self) -> bool:
        """City operator."""
        return "operator" in self.roles

    def is_admin_of(self, school_id: str) -> bool:
        """Administrator of this school."""
        return f"admin:{school_id}" in self.roles

    def is_system_of(self, school_id: str) -> bool:
        """The school's own information system (machine credential)."""
        return f"system:{school_id}" in self.roles

    def is_teacher_of(self, school_id: str) -> bool:
        """Teacher at this school."""
        return f"teacher:{school_id}" in self.roles


def issue_access_token(account_id: str, roles: list[str], now: float | None = None,
                       ttl_seconds: int | None = None) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    import jwt

    settings = get_settings()
    issued = int(now if now is not None else time.time())
    ttl = ttl_seconds or settings.access_token_minutes * 60
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account_id,
        "iat": issued,
        "exp": issued + ttl,
        "roles": sorted(roles),
    }
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
    return Caller(account_id=str(claims["sub"]), roles=frozenset(roles))
