"""Issue 14, «Every upload ends», without I/O: which scores are marks, which cells are numbers, which
file names are taken and what key they are stored at, and which failures deserve the queue's retries
(whole uploads through the pipeline: tests/functional/test_end_*.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.dal.store import transient
from chalicelib.domain import import_format as fmt
from chalicelib.domain import importer, oneroster
from chalicelib.domain.uploads import display_name
from chalicelib.errors import ConflictError, DiaryError, UnavailableError
from chalicelib.events import batch


@pytest.mark.parametrize(("score", "maximum"), [
    (105, 100), (6, 5), (5.5, None), (0, 100), (0, 5), (0, None), (-1, 100), (float("nan"), 100),
    (float("inf"), 100), (3, float("inf")), (3, float("nan")), (3, 0), (3, -5),
])
def test_a_score_off_its_scale_is_no_mark(score, maximum):
    assert oneroster.score_to_mark(score, maximum) is None


@pytest.mark.parametrize(("score", "maximum", "mark"), [
    (100, 100, 5), (5, 5, 5), (5, None, 5), (0.3, 5, 1), (3, 100, 1), (73, 100, 4), (4.5, None, 5),
])
def test_a_score_within_its_scale_is_a_mark(score, maximum, mark):
    assert oneroster.score_to_mark(score, maximum) == mark


@pytest.mark.parametrize(("cell", "number"), [
    ("73", 73.0), (" 4.5 ", 4.5), ("4,5", 4.5), ("-1", -1.0), ("1e2", 100.0), (".5", 0.5),
    ("NaN", None), ("nan", None), ("inf", None), ("-inf", None), ("Infinity", None), ("1e999", None),
    ("٥", None), ("５", None), ("1_0", None), ("", None), ("seven", None),
])
def test_only_finite_decimal_numbers_in_ascii_are_numbers(cell, number):
    assert fmt.finite_number(cell) == number


@pytest.mark.parametrize(("cell", "code"), [
    ("nan", "not_a_number"), ("NaN", "not_a_number"), ("inf", "not_a_number"), ("Infinity", "not_a_number"),
    ("-inf", "not_a_number"), ("٥", "not_a_number"), ("1_0", "not_a_number"), ("4.5", "not_a_number"),
    ("0", "out_of_range"), ("6", "out_of_range"), ("-1", "out_of_range"),
])
def test_our_grade_values_refuse_what_is_no_mark(cell, code):
    with pytest.raises(fmt.RowError) as refused:
        fmt.number({"value": cell}, "value", 1, 5)
    assert (refused.value.column, refused.value.code) == ("value", code)


def test_a_whole_number_written_as_a_decimal_is_that_number():
    assert fmt.number({"value": "5.0"}, "value", 1, 5) == 5


@pytest.mark.parametrize("name", ["grades (2).csv", "Grades (12).CSV", "grades - Копия.csv", "grades - Copy (3).csv",
                                  "2026/grades (1).csv", " grades.csv"])
def test_a_copys_name_is_still_its_kind(name):
    assert fmt.kind_of(name).name == "grades"


@pytest.mark.parametrize("name", ["grades2.csv", "grades (x).csv", "my grades.csv", "(2).csv"])
def test_other_names_are_no_kind(name):
    with pytest.raises(fmt.FileRefusedError):
        fmt.kind_of(name)


@pytest.mark.parametrize("name", ["Выгрузка (1).zip", "year 2026 [final].ZIP", "grades (2).csv", "  a.csv  ",
                                  "Школа №17 — оценки.zip", "x" * 96 + ".zip"])
def test_any_name_a_person_gives_is_kept_for_display(name):
    assert display_name(name) == name.strip()


@pytest.mark.parametrize("name", ["../grades.csv", "a/b.zip", "a\\b.zip", "year\n.zip", "year\x00.zip",
                                  "gnp\u202e.zip", "year.rar", ".zip", "", "   ", "x" * 97 + ".zip"])
def test_names_that_could_mislead_are_refused(name):
    with pytest.raises(DiaryError) as refused:
        display_name(name)
    assert refused.value.code == "bad_filename"


def test_the_stored_key_is_the_servers_whatever_the_name():
    assert importer.incoming_key("s1", "u1", "Выгрузка (1).zip") == "incoming/s1/u1/upload.zip"
    assert importer.incoming_key("s1", "u1", "grades (2).CSV") == "incoming/s1/u1/upload.csv"
    assert importer.upload_of("incoming/s1/u1/upload.zip") == ("s1", "u1")
    assert importer.upload_of("processed/u1/plan.json") is None


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "PutItem")


@pytest.mark.parametrize(("error", "retried"), [
    (UnavailableError(), True), (_client_error("ThrottlingException"), True),
    (_client_error("ProvisionedThroughputExceededException"), True),
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
    (_client_error("ConditionalCheckFailedException"), False), (_client_error("ValidationException"), False),
    (ConflictError(), False), (ValueError("cannot convert float NaN to integer"), False), (KeyError("x"), False),
])
def test_only_failures_that_may_pass_deserve_the_queues_retries(error, retried):
    assert transient(error) is retried


class _Record:
    def __init__(self, attributes: dict[str, str]) -> None:
        self.attributes = attributes

    def to_dict(self) -> dict[str, object]:
        return {"messageId": "m", "attributes": self.attributes}


def test_the_last_delivery_is_the_one_before_the_dead_letter_queue():
    assert [batch.last_delivery(_Record({"ApproximateReceiveCount": str(n)})) for n in range(1, 7)] == [
        False, False, False, False, True, True]
    assert batch.receive_count(_Record({})) == 1


def test_the_queues_and_the_stack_dead_letter_after_the_same_deliveries():
    from ops import provision

    with open(Path(__file__).parents[2] / "infra" / "permissions.json", encoding="utf-8") as settings:
        assert json.load(settings)["dlq_max_receive_count"] == provision.MAX_RECEIVES == batch.MAX_RECEIVES
