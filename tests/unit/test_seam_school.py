"""The seam between the school side of the domain and the data layer (issue 18): the domain
imports no storage (models, the store's plumbing, PynamoDB, boto3), builds no key and reads no
raw attribute; key builders live in dal/keys.py. Because of that, the import's row rules run on
records alone, and this file needs no database."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHOOL_SIDE = ["import_rows", "importer", "schools", "attestation", "school_life", "uploads", "credentials", "journal",
               "gradebook", "aggregates", "calendar_feed", "roster", "oneroster", "import_format"]
FORBIDDEN = ("chalicelib.dal.models", "chalicelib.dal.store", "pynamodb", "boto3", "botocore")
# A storage key's prefix: capitals and a hash, as in SCHOOL#, STUDENT#, NAME#CLASS#, D#<date>#L#.
KEY_LITERAL = re.compile(r"(?<![A-Za-z0-9_])(?:[A-Z][A-Z0-9_]*#)")


def _tree(module: str) -> ast.Module:
    return ast.parse((ROOT / "chalicelib" / "domain" / f"{module}.py").read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _texts(tree: ast.Module) -> list[str]:
    """Every string the code builds (constants and the literal parts of f-strings), docstrings aside."""
    skip = _docstrings(tree)
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip]


@pytest.mark.parametrize("module", SCHOOL_SIDE)
def test_the_school_side_of_the_domain_imports_no_storage(module):
    found = [name for name in _imports(_tree(module)) if name.startswith(FORBIDDEN)]
    assert found == [], f"domain/{module}.py imports {found}"


@pytest.mark.parametrize("module", SCHOOL_SIDE)
def test_the_school_side_of_the_domain_builds_no_storage_key(module):
    keyish = [text for text in _texts(_tree(module)) if KEY_LITERAL.search(text)]
    assert keyish == [], f"domain/{module}.py builds keys from {keyish}"


@pytest.mark.parametrize("module", SCHOOL_SIDE)
def test_the_school_side_of_the_domain_reads_no_raw_attribute(module):
    raw = [node.lineno for node in ast.walk(_tree(module))
           if isinstance(node, ast.Dict | ast.Subscript) and any(
               isinstance(k, ast.Constant) and k.value in ("S", "N", "SS", "M")
               for k in (node.keys if isinstance(node, ast.Dict) else [node.slice]))]
    assert raw == [], f"domain/{module}.py reads DynamoDB's typed attributes at lines {raw}"


def test_the_checks_see_what_they_look_for():
    """The checks above would catch the old code's shapes (so a pass means something)."""
    old = ast.parse('from chalicelib.dal.models import Student\n'
                    'def f(i, s):\n    return f"STUDENT#{s}", i["S"], "NAME#CLASS#x"\n')
    assert [n for n in _imports(old) if n.startswith(FORBIDDEN)]
    assert sorted(t for t in _texts(old) if KEY_LITERAL.search(t)) == ["NAME#CLASS#x", "STUDENT#"]
    assert not KEY_LITERAL.search("{class_id}#{date}") and not KEY_LITERAL.search("upload:abc")


# --- the import's row rules on records, without a database ---------------------------------


def offline_context(classes: dict[str, str], subjects: dict[str, str], teachers: dict[str, str | None]) -> Any:
    """A chunk's context with the school's names and teachers given, not read (no student is known)."""
    from chalicelib.domain import import_rows

    class Offline(import_rows.Context):
        def students(self, source_ids: list[str]) -> dict[str, Any]:
            return {}

    ctx = Offline("school-1", "upload-1")
    ctx._key = "ab" * 32  # the school's id key, as if read once per chunk
    ctx._classes, ctx._subjects, ctx._teachers = classes, subjects, dict(teachers)
    return ctx


def test_a_teaching_row_is_refused_for_the_first_thing_it_names_that_the_school_lacks():
    from chalicelib.domain import import_rows
    from chalicelib.records.school import PendingTeaching, Teaching

    ctx = offline_context({"5а": "c1"}, {"математика": "s1"}, {"t@school.ru": "t1", "gone@school.ru": None})
    rows = [(0, {"class": "5А", "subject": "Математика", "teacher_email": "t@school.ru"}),
            (1, {"class": "6Б", "subject": "Математика", "teacher_email": "t@school.ru"}),
            (2, {"class": "5А", "subject": "Химия", "teacher_email": "t@school.ru"}),
            (3, {"class": "6Б", "subject": "Химия", "teacher_email": "gone@school.ru"}),
            (4, {"class": "5А", "subject": "Математика", "teacher_email": "gone@school.ru"})]
    placed, refused = import_rows.build("teachings", rows, ctx)
    # A teacher who is not one of the school yet is no refusal: the teaching waits for them (issue 14, item 4)
    assert placed == [(0, Teaching(school_id="school-1", teacher_id="t1", class_id="c1", subject_id="s1")),
                      (4, PendingTeaching(school_id="school-1", email="gone@school.ru", class_id="c1",
                                          subject_id="s1"))]
    assert refused == [(1, "class", "unknown_class"), (2, "subject", "unknown_subject"), (3, "class", "unknown_class")]
    assert ctx.warnings == [(4, "teacher_email", "teacher_pending", "gone@school.ru")]


def test_a_student_row_makes_a_student_and_its_roster_entry_under_a_keyed_id():
    from chalicelib.domain import import_rows
    from chalicelib.domain.roster import roster_key
    from chalicelib.records.school import RosterEntry, Student

    ctx = offline_context({"5а": "c1"}, {}, {})
    row = {"student_id": "S-001", "class": "5а", "last_name": "Орлова", "first_name": "Вера", "middle_name": None,
           "birth_date": "2015-05-05"}
    placed, refused = import_rows.build("students", [(7, row)], ctx)
    [(_, student), (_, entry)] = placed
    assert refused == [] and isinstance(student, Student) and isinstance(entry, RosterEntry)
    assert student.student_id == ctx.derived_id("student", "S-001") != "S-001"
    assert entry == RosterEntry("school-1", roster_key("Орлова", "Вера", None, "2015-05-05"), student.student_id)
    assert ctx.new_students == [student]  # not on the roster before: waiting applications are looked at


def test_the_data_layer_keys_what_the_rows_became():
    from chalicelib.dal import imported, keys
    from chalicelib.records.journal import Grade
    from chalicelib.records.school import NameClaim, Student

    student = imported.item_of(Student("st1", "school-1", "c1", "Орлова", "Вера", None, "2015-05-05"))
    assert (student.pk, student.sk) == keys.student("school-1", "st1") == ("SCHOOL#school-1", "STUDENT#st1")
    assert (student.gsi1pk, student.gsi1sk) == ("CLASS#school-1#c1", "Орлова#Вера#st1")
    claim = imported.item_of(NameClaim("school-1", "CLASS", "5А", "c1"))
    assert (claim.pk, claim.sk, claim.owner_id) == ("SCHOOL#school-1", "NAME#CLASS#5а", "c1")
    grade = imported.item_of(Grade("2026-09-01-g1", "school-1", "c1", "st1", "s1", "2026-09-01-l1", "2026-09-01", 5))
    assert (grade.pk, grade.sk) == ("STUDENT#st1", "D#2026-09-01#G#2026-09-01-g1")
    assert (grade.gsi1pk, grade.gsi1sk) == ("GRADES#st1#s1", "2026-09-01-g1")
