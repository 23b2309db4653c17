"""How a child is recognised on a school's roster: normalised full name and birth date."""

from __future__ import annotations

import datetime as dt
import re


def _normal(part: str | None) -> str:
    # Case, "ё"/"е" and spacing vary between what a parent types and what the school uploads.
    text = (part or "").casefold().replace("ё", "е").replace("#", " ")
    return re.sub(r"\s+", " ", text).strip()


def roster_key(last_name: str, first_name: str, middle_name: str | None, birth_date: dt.date | str) -> str:
    """The key under which a child is looked up: last#first#middle#YYYY-MM-DD."""
    born = birth_date.isoformat() if isinstance(birth_date, dt.date) else birth_date
    return "#".join([_normal(last_name), _normal(first_name), _normal(middle_name), born])
