"""Identifiers derived from what a school itself calls a thing, keyed so nobody outside can compute them.

An upload must land the same row on the same record every time (a re-upload changes nothing),
so ids of uploaded things are derived, not random. They are an HMAC-SHA256 under the school's own
random key (`School.id_key`, made with the school): knowing a school's id and its pupils' numbers
is not enough to name their records. The key is the school's, not the token signing secret, so
rotating that secret never changes an id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from chalicelib.errors import NotFoundError

KEY_BYTES = 32
DERIVED_HEX = 32  # 128 bits: the length of a uuid, which ids created over the API have
LESSON_SUFFIX_HEX = 20  # 80 bits after the date and start, which key and sort the lesson


def new_school_key() -> str:
    """A school's random id key (hex)."""
    return secrets.token_hex(KEY_BYTES)


def school_key(school_id: str) -> str:
    """The school's id key (one read; a school from before keys existed gets its key on first use)."""
    from chalicelib.dal import schools as store

    key = store.id_key(school_id, new_school_key)
    if key is None:
        raise NotFoundError(code="school_not_found")
    return key


def derived_id(key: str, what: str, source: str, length: int = DERIVED_HEX) -> str:
    """The same id for the same thing of the same school, unguessable without the school's key."""
    return hmac.new(bytes.fromhex(key), f"{what}:{source}".encode(), hashlib.sha256).hexdigest()[:length]


def lesson_id(key: str, class_id: str, date: str, starts_at: str, subject_id: str) -> str:
    """A lesson's id: its date and start first (its key and order need them), then a keyed hash of
    the class, date, start and subject, so two classes' lessons at the same hour never share an id
    and the same schedule row always lands on the same lesson."""
    start = starts_at.replace(":", "")
    return f"{date}T{start}-{derived_id(key, 'lesson', f'{class_id}#{date}#{start}#{subject_id}', LESSON_SUFFIX_HEX)}"


def uploaded_grade_id(key: str, date: str, source_id: str) -> str:
    """An uploaded grade's id: its date (its key needs it) and a keyed hash of the school's grade id."""
    return f"{date}-u{derived_id(key, 'grade', source_id, 16)}"


def new_grade_id(date: str) -> str:
    """A grade posted by a teacher: its date and 64 random bits."""
    return f"{date}-{secrets.token_hex(8)}"
