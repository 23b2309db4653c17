"""Passwords are hashed at the production cost on every stage but the test suite's own: the suite
asks for argon2id's floor (tests/conftest.py, PASSWORD_HASHING) to save time, and nothing else may."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.domain import secrets
from chalicelib.settings import FAST_PASSWORD_HASHING, Settings, read

SECRET = "a-signing-secret-that-is-long-enough-0123456789"
PRODUCTION_HASH = "$argon2id$v=19$m=19456,t=2,p=1$"  # OWASP's minimum: 19 MiB, 2 passes


@pytest.fixture
def stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Hash under the settings a given environment gives (the cached hasher forgotten before and after)."""
    def use(env: dict[str, str]) -> Settings:
        settings = read({"SIGNING_SECRET": SECRET, **env})
        monkeypatch.setattr(secrets, "get_settings", lambda: settings)
        secrets._hasher.cache_clear()
        return settings

    yield use
    secrets._hasher.cache_clear()


@pytest.mark.parametrize("env", [
    {"STAGE": "prod"},
    {"STAGE": "prod", "PASSWORD_HASHING": FAST_PASSWORD_HASHING},  # a stray setting changes nothing
    {"STAGE": "dev", "PASSWORD_HASHING": FAST_PASSWORD_HASHING},
    {"STAGE": "local", "PASSWORD_HASHING": FAST_PASSWORD_HASHING},  # `make run` started by a test session
    {"STAGE": "test"},
    {"STAGE": "test", "PASSWORD_HASHING": "fast"},  # only the exact word
])
def test_a_password_is_hashed_at_the_production_cost(stage, env):
    settings = stage(env)
    assert settings.fast_password_hashing is False
    stored = secrets.hash_password("Parol-2026-secure")
    assert stored.startswith(PRODUCTION_HASH), stored
    assert secrets.verify_password(stored, "Parol-2026-secure")
    assert not secrets.verify_password(stored, "Parol-2026-wrong")


def test_the_test_stage_may_hash_at_the_floor_and_either_cost_checks_the_other(stage):
    assert stage({"STAGE": "test", "PASSWORD_HASHING": FAST_PASSWORD_HASHING}).fast_password_hashing is True
    fast = secrets.hash_password("Parol-2026-secure")
    assert fast.startswith("$argon2id$v=19$m=8,t=1,p=1$"), fast
    stage({"STAGE": "prod"})
    assert secrets.verify_password(fast, "Parol-2026-secure")  # a hash carries its own parameters
    strong = secrets.hash_password("Parol-2026-secure")
    stage({"STAGE": "test", "PASSWORD_HASHING": FAST_PASSWORD_HASHING})
    assert secrets.verify_password(strong, "Parol-2026-secure")
    assert not secrets.verify_password(strong, "Parol-2026-wrong")
