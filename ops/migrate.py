"""One-off changes to data already stored, each run once per table and remembered.

`make run` runs them at start, so a checkout whose DynamoDB Local data predates a change keeps
working; in AWS, run `python -m ops.migrate` once after deploying (with DIARY_TABLE set).
Migrations read the whole table (a Scan), which is fine here and never happens on a request.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any


def _journal_records() -> Iterator[dict[str, Any]]:
    """Every lesson, homework, grade and attendance mark, as plain values (a paginated Scan)."""
    from boto3.dynamodb.types import TypeDeserializer

    from chalicelib import aws, settings
    from chalicelib.domain.aggregates import PAGE_ENTRIES

    des = TypeDeserializer()
    kinds = list(PAGE_ENTRIES)
    paginator = aws.client("dynamodb").get_paginator("scan")
    for page in paginator.paginate(TableName=settings.table_name(), FilterExpression="kind IN (:a, :b, :c, :d)",
                                   ExpressionAttributeValues={f":{k}": {"S": kind} for k, kind in zip("abcd", kinds,
                                                                                                      strict=True)}):
        for raw in page.get("Items", []):
            yield {k: des.deserialize(v) for k, v in raw.items()}


def build_week_pages() -> int:
    """Copy the journal into week pages (what the stream does for every change since)."""
    from chalicelib.dal import diary as store
    from chalicelib.domain.aggregates import Change, week_pages

    done = 0
    batch: list[Change] = []
    for record in _journal_records():
        batch.append(Change("migration", None, record))
        if len(batch) == 500:
            store.save_week_pages(week_pages(batch))
            done, batch = done + len(batch), []
    store.save_week_pages(week_pages(batch))
    return done + len(batch)


def _items_of(*kinds: str) -> Iterator[Any]:
    """Every stored item of these kinds, as models (a paginated Scan)."""
    from chalicelib import aws, settings
    from chalicelib.dal.models import DiaryItem

    names = {f":k{i}": {"S": kind} for i, kind in enumerate(kinds)}
    paginator = aws.client("dynamodb").get_paginator("scan")
    for page in paginator.paginate(TableName=settings.table_name(), FilterExpression=f"kind IN ({', '.join(names)})",
                                   ExpressionAttributeValues=names):
        for raw in page.get("Items", []):
            yield DiaryItem.from_raw_data(raw)


def index_for_search() -> int:
    """Give schools and applications stored before the searches their search fields (issue 17):
    a school its directory keys, an application its applicant as the account is now."""
    from chalicelib.dal import applications as application_store
    from chalicelib.dal import schools as school_store
    from chalicelib.dal.models import Application, School
    from chalicelib.domain import applications, schools

    done = 0
    for item in _items_of("School", "Application"):
        if isinstance(item, School) and item.search_name is None:
            schools.reindex(school_store.school_record(item))
            done += 1
        elif isinstance(item, Application) and item.search_text is None:
            applications.keep_applicant(application_store.application_of(item))
            done += 1
    return done


MIGRATIONS: dict[str, Callable[[], int]] = {"week-pages": build_week_pages, "search-keys": index_for_search}


def run() -> list[str]:
    """Apply the migrations this table has not had yet; returns their names."""
    from chalicelib import aws, settings

    ddb, table, applied = aws.client("dynamodb"), settings.table_name(), []
    for name, migration in MIGRATIONS.items():
        key = {"PK": {"S": "MIGRATION"}, "SK": {"S": name}}
        if "Item" in ddb.get_item(TableName=table, Key=key, ConsistentRead=True):
            continue
        migration()
        ddb.put_item(TableName=table, Item={**key, "kind": {"S": "Migration"}})
        applied.append(name)
    return applied


if __name__ == "__main__":
    print("applied:", ", ".join(run()) or "nothing new", file=sys.stderr)
