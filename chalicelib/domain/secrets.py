"""One-time codes, refresh tokens and password hashes: what is stored is never the secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from typing import Any

from chalicelib.settings import get_settings

CODE_DIGITS = 6


def new_code() -> str:
    """A six-digit one-time code for a person to type."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


# Codes a person copies from an email: no 0/O or 1/I to confuse; 32 symbols divide a byte evenly.
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCESS_CODE_LENGTH = 8


def derived_access_code(seed: str) -> str:
    """The same eight-character code for the same seed, so a redelivered queue message can
    re-send the very code already stored (as a hash) instead of minting a second one."""
    raw = bytes.fromhex(digest(seed, "access-code-seed"))
    return "".join(ACCESS_CODE_ALPHABET[b % len(ACCESS_CODE_ALPHABET)] for b in raw[:ACCESS_CODE_LENGTH])


def renewed_access_code(seed: str, generation: int) -> str:
    """The code of the `generation`-th renewal (0: the first code), derived as the first one is."""
    return derived_access_code(seed if generation == 0 else f"{seed}#renewal-{generation}")


def application_code(application_id: str, generation: int = 0) -> str:
    """An application's access code of this generation (0: the one issued on approval)."""
    return renewed_access_code(application_id, generation)


def invitation_code(invitation_id: str, generation: int = 0) -> str:
    """An invitation's code of this generation (0: the one sent with the invitation)."""
    return renewed_access_code(f"invitation:{invitation_id}", generation)


def normalise_access_code(code: str) -> str:
    """What a person typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def new_token() -> str:
    """A random, URL-safe secret with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(secret: str, purpose: str) -> str:
    """Keyed hash of a code or token; keyed so a leaked table cannot be brute-forced offline."""
    key = get_settings().signing_secret.encode()
    return hmac.new(key, f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()


def same_digest(secret: str, purpose: str, stored: str) -> bool:
    """Constant-time comparison of a presented secret against its stored hash."""
    return hmac.compare_digest(digest(secret, purpose), stored)


# argon2id with OWASP's minimum (19 MiB, 2 passes): memory-hard yet fast enough for Lambda.
PASSWORD_COST = (2, 19456, 1)  # passes, KiB, lanes
# argon2's floor, for the test stage alone (every other stage ignores the ask): at the cost above each hash
# or check takes 0.1-0.2 s of a busy core, and the test suite logs in thousands of times. A hash
# keeps its parameters, so either hasher checks the other's hashes.
TEST_ONLY_PASSWORD_COST = (1, 8, 1)


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    passes, memory, lanes = TEST_ONLY_PASSWORD_COST if get_settings().fast_password_hashing else PASSWORD_COST
    return PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return str(_hasher().hash(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; with no stored hash it still spends the same time."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if stored_hash is None:
        stored_hash = _dummy_hash()
        _hasher().verify(stored_hash, "dummy-password-1")
        return False
    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("dummy-password-1")
