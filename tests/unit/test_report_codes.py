"""Every code a row or an upload can be reported with has words in Russian and in English.

The codes are collected from the source of every module that can emit one, so a new code
without words fails here rather than reaching a school's administrator as a bare code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain import import_messages
from chalicelib.domain.import_messages import ROW_MESSAGES, describe

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"
EMITTERS = sorted({*ROOT.glob("domain/import*.py"), *ROOT.glob("domain/oneroster*.py"), ROOT / "domain/uploads.py",
                   ROOT / "dal/uploads.py", ROOT / "events/uploads.py"})
CODE = r'"([a-z]+(?:_[a-z]+)*)"'
PATTERNS = [
    re.compile(r"\bRowError\(\s*[^,()]+,\s*" + CODE),  # a cell reader's refusal
    re.compile(r"\bFileRefusedError\(\s*" + CODE),  # a whole upload's
    re.compile(r"\.append\(\(\s*\w+,\s*[^,()]+,\s*" + CODE + r"\s*\)\)"),  # a builder's refusal
    re.compile(r"\.warn\(\s*[^,()]+,\s*[^,()]+,\s*" + CODE),  # a builder's warning
    re.compile(r'"[A-Za-z_]+:([a-z]+(?:_[a-z]+)*)"'),  # a translation's refusal, "<column>:<code>"
    re.compile(r"\.fail\(\s*\w+,\s*" + CODE),  # an upload ended with a reason
    re.compile(r"reason\.set\(\s*" + CODE),
]
# a translation's warning, (<column>, <code>, <value>): a tuple of two names and a value not a name
WARNING_TUPLE = re.compile(r'\(\s*"[A-Za-z_]+",\s*' + CODE + r",\s*[^\"\s]")
FORMATTED = re.compile(r'f"([a-z]+_)\{(\w+)\}"')  # f"unknown_{bad}": the column names it is made with
EXPANSIONS = {"unknown_": ("class", "subject")}  # import_rows._lesson_ref's refusal columns


def emitted_codes() -> dict[str, str]:
    """Every code in the emitting modules' source, with the file it was found in."""
    found: dict[str, str] = {}
    for path in EMITTERS:
        if not path.exists():
            continue
        source = path.read_text(encoding="utf-8")
        patterns = [*PATTERNS, WARNING_TUPLE] if path.name.startswith("oneroster") else PATTERNS
        for pattern in patterns:
            for match in pattern.finditer(source):
                found.setdefault(match.group(1), path.name)
        for stem, _ in FORMATTED.findall(source):
            assert stem in EXPANSIONS, f"{path.name}: a code made as f'{stem}{{…}}': name its expansions here"
            for tail in EXPANSIONS[stem]:
                found.setdefault(stem + tail, path.name)
    return found


def test_the_scan_finds_the_codes_of_every_kind_of_emitter():
    # Given the modules' source, when it is scanned, then each way of emitting a code is seen
    found = emitted_codes()
    assert {"required", "bad_date", "ends_before_start",  # cell readers
            "term_overlaps", "unknown_student", "lesson_not_found", "unknown_class", "unknown_subject",  # builders
            "cut_to_limit",  # a builder's warning
            "unknown_line_item", "unknown_course", "no_class", "unknown_user",  # the OneRoster translation
            "bad_encoding", "missing_columns", "missing_file", "too_many_files",  # whole uploads
            "stalled", "interrupted", "url_expired"} <= set(found)


@pytest.mark.parametrize("code", sorted(emitted_codes()))
def test_every_code_has_words_in_both_languages(code):
    assert code in ROW_MESSAGES, f"{code} ({emitted_codes()[code]}) has no words in domain/import_messages.py"
    russian, english = ROW_MESSAGES[code]
    assert re.search("[а-яё]", russian, re.IGNORECASE) and not re.search("[а-яё]", english, re.IGNORECASE)
    for language in ("ru", "en"):  # each fills in (and only knows) the column and the value
        said = describe(code, "score", "105", language)
        assert said and "{" not in said and code not in said


def test_the_words_name_the_column_and_the_offending_value():
    assert describe("bad_date", "scoreDate", "2026-13-01", "ru") == (
        "В столбце «scoreDate» — «2026-13-01»: это не дата (ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)")
    assert describe("bad_date", "scoreDate", "2026-13-01", "en") == (
        "The column 'scoreDate' holds \"2026-13-01\": not a date (YYYY-MM-DD or DD.MM.YYYY expected)")
    assert describe("missing_columns", None, "users.csv: givenName", "ru") == (
        "Не хватает обязательных столбцов — users.csv: givenName")


def test_a_code_without_words_still_says_the_code():
    assert import_messages.describe("no_such_code", "x", None, "en") == "Row problem: no_such_code"
