"""Ids of uploaded things (chalicelib/domain/identifiers.py): the same row of the same school always
lands on the same id, which nobody without the school's key can compute; the id key itself, read and
made once per school: tests/functional/test_security_ownership.py."""

from __future__ import annotations

import hashlib
import hmac
import re

from chalicelib.domain import identifiers

KEY, OTHER_KEY = "00" * 32, "11" * 32  # two schools' id keys


def test_a_derived_id_is_the_keyed_hash_of_what_the_school_calls_the_thing():
    expected = hmac.new(bytes.fromhex(KEY), b"student:S-1", hashlib.sha256).hexdigest()[:32]
    assert identifiers.derived_id(KEY, "student", "S-1") == expected
    # the same pupil number at another school is another id, and a class "S-1" another again
    assert identifiers.derived_id(OTHER_KEY, "student", "S-1") != expected
    assert identifiers.derived_id(KEY, "class", "S-1") != expected


def test_a_lesson_id_sorts_by_date_and_start_and_tells_classes_apart():
    lesson = identifiers.lesson_id(KEY, "class-5a", "2026-09-07", "08:30", "maths")
    assert re.fullmatch(r"2026-09-07T0830-[0-9a-f]{20}", lesson)
    assert identifiers.lesson_id(KEY, "class-5a", "2026-09-07", "08:30", "maths") == lesson  # a re-upload
    assert identifiers.lesson_id(KEY, "class-5b", "2026-09-07", "08:30", "maths") != lesson
    assert identifiers.lesson_id(KEY, "class-5a", "2026-09-07", "08:30", "russian") != lesson
    assert identifiers.lesson_id(KEY, "class-5a", "2026-09-07", "09:30", "maths") > lesson


def test_grade_ids_begin_with_their_date_uploaded_ones_keyed_posted_ones_random():
    uploaded = identifiers.uploaded_grade_id(KEY, "2026-09-07", "G-17")
    assert re.fullmatch(r"2026-09-07-u[0-9a-f]{16}", uploaded)
    assert identifiers.uploaded_grade_id(KEY, "2026-09-07", "G-17") == uploaded
    assert identifiers.uploaded_grade_id(OTHER_KEY, "2026-09-07", "G-17") != uploaded
    posted = {identifiers.new_grade_id("2026-09-07") for _ in range(3)}
    assert len(posted) == 3 and all(re.fullmatch(r"2026-09-07-[0-9a-f]{16}", g) for g in posted)


def test_a_schools_key_is_256_random_bits():
    keys = {identifiers.new_school_key() for _ in range(3)}
    assert len(keys) == 3 and all(len(bytes.fromhex(k)) == 32 for k in keys)
