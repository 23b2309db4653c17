"""Searches that read one partition with a filter: the work a request may do is bounded, and the
page ends where the read stopped, so the usual sealed cursor carries on from there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.expressions.condition import Condition

from chalicelib.dal.store import storing

# Per request at most READS Query calls of READ_SIZE items each are evaluated: 2,000 records, one
# school's applications in a state or a whole city's schools, in ≤ 4 calls of well under 1 MB.
READ_SIZE = 500
READS = 4


def word_prefixes(attribute: Attribute[str], words: list[str]) -> Condition | None:
    """Every word must begin some word of the stored text (see domain/search_words.indexed)."""
    condition: Condition | None = None
    for word in words:
        one = attribute.contains(f" {word}")
        condition = one if condition is None else condition & one
    return condition


class FilteredPage:
    """One page of a filtered Query: up to `limit` matches, reading at most READS calls. Iterated
    and asked for `last_evaluated_key` like a PynamoDB result (dal.store.page takes either). A page
    may hold fewer matches than `limit` (even none) and still have a cursor: the read stopped at
    its bound, not at the end of the partition."""

    def __init__(self, results: Any, model: Any, limit: int) -> None:
        self._items: list[Any] = []
        self._last: dict[str, Any] | None = None
        pages = results.page_iter  # raw pages: stopping between them keeps DynamoDB's own key
        with storing():
            for read, raw_page in enumerate(pages, start=1):
                raw_items = raw_page.get("Items", [])
                taken = raw_items[:limit - len(self._items)]
                self._items += [model.from_raw_data(raw) for raw in taken]
                if len(taken) < len(raw_items):  # stopped inside the page: resume after the last shown
                    self._last = {name: taken[-1][name] for name in pages.key_names}
                    break
                self._last = pages.last_evaluated_key
                if not self._last or len(self._items) >= limit or read >= READS:
                    break

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    @property
    def last_evaluated_key(self) -> dict[str, Any] | None:
        """Where the next page starts (None: the partition is read to its end)."""
        return self._last
