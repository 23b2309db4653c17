"""A list request's cursor and one page of records (shared by every list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PageCursor:
    """A list request's cursor and what it may page: `scope` names the list (route, path, filters)
    and the caller, so a cursor handed out for one list or one caller does not open under another."""

    text: str | None
    scope: str


@dataclass
class Page(Generic[T]):
    """One page of a list and the cursor to the next (None at the end)."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
