"""Fresh identifiers for any entity: a leaf, so that modules minting ids (accounts, children,
messages, applications, schools) need not import one another for it."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A fresh identifier for any entity."""
    return uuid.uuid4().hex
