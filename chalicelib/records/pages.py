"""A list request's cursor, as the edge hands it to the domain and the domain to the data layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageCursor:
    """A list request's cursor and what it may page: `scope` names the list (route, path, filters)
    and the caller, so a cursor handed out for one list or one caller does not open under another."""

    text: str | None
    scope: str
