"""Machine credentials of school systems: issued and revoked by the school's administrators,
traded for a short-lived access token (the OAuth2 client-credentials pattern)."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.dal import uploads as store
from chalicelib.domain import secrets
from chalicelib.domain.tokens import MACHINE_KIND, MACHINE_ROLE, issue_access_token, role_claim
from chalicelib.errors import AuthenticationError, NotFoundError
from chalicelib.records.school import MachineCredential

PURPOSE = "machine-credential"
TOKEN_SECONDS = 5 * 60  # short, so a revoked credential's last token dies quickly


def view(item: MachineCredential) -> dict[str, Any]:
    """A credential as administrators see it (never its secret)."""
    return {"credential_id": item.credential_id, "name": item.name, "revoked": bool(item.revoked),
            "created_at": item.created_at}


def issue(school_id: str, name: str, issued_by: str) -> dict[str, Any]:
    """A new credential; the secret is shown this once and stored only as a hash."""
    credential_id, secret = uuid.uuid4().hex, secrets.new_token()
    item = MachineCredential(credential_id=credential_id, school_id=school_id, name=name,
                             secret_hash=secrets.digest(secret, PURPOSE), created_by=issued_by)
    store.save_credential(item)
    return view(item) | {"secret": f"{credential_id}.{secret}"}


def list_for(school_id: str) -> dict[str, Any]:
    """The school's credentials."""
    return {"items": [view(c) for c in store.credentials_of(school_id)], "next_cursor": None}


def revoke(school_id: str, credential_id: str) -> None:
    """Stop a credential from getting new tokens."""
    item = store.get_credential(credential_id)
    if item is None or item.school_id != school_id:
        raise NotFoundError(code="credential_not_found")
    store.revoke_credential(item)


def machine_principal(credential_id: str) -> str:
    """Who a machine token names: its credential, never an account."""
    return f"{MACHINE_ROLE}:{credential_id}"


def credential_of(principal: str) -> str:
    """The credential id behind a machine token's principal ("" when it names none)."""
    prefix, _, credential_id = principal.partition(":")
    return credential_id if prefix == MACHINE_ROLE else ""


def stands(principal: str, school_id: str) -> bool:
    """Whether the credential behind a machine token is still unrevoked and the school's (read
    consistently: a revoked credential's token is refused from the next request on)."""
    credential_id = credential_of(principal)
    item = store.get_credential(credential_id, consistent=True) if credential_id else None
    return item is not None and not item.revoked and item.school_id == school_id


def exchange(credential: str) -> dict[str, Any]:
    """A school system's access token, for a valid, unrevoked credential."""
    credential_id, _, secret = credential.partition(".")
    item = store.get_credential(credential_id) if credential_id and secret else None
    if item is None or item.revoked or not secrets.same_digest(secret, PURPOSE, item.secret_hash):
        raise AuthenticationError(field="credential", code="credential_invalid")
    token, ttl = issue_access_token(machine_principal(item.credential_id), [role_claim(MACHINE_ROLE, item.school_id)],
                                    ttl_seconds=TOKEN_SECONDS, kind=MACHINE_KIND)
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}
