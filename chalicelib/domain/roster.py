"""How a child is recognised on a school's roster: normalised full name, the class the parent
named, and the birth date when the school sent one (docs/oneroster.md, «Matching a parent's
application to a student»)."""

from __future__ import annotations

import datetime as dt
import re

from chalicelib.records.applications import Candidate


def _normal(part: str | None) -> str:
    # Case, "ё"/"е" and spacing vary between what a parent types and what the school uploads.
    text = (part or "").casefold().replace("ё", "е").replace("#", " ")
    return re.sub(r"\s+", " ", text).strip()


def name_key(last_name: str, first_name: str, middle_name: str | None) -> str:
    """The normalised full name: last#first#middle (the prefix of every roster key of that name)."""
    return "#".join([_normal(last_name), _normal(first_name), _normal(middle_name)])


def roster_key(last_name: str, first_name: str, middle_name: str | None, birth_date: dt.date | str | None) -> str:
    """The key under which a child is looked up: last#first#middle#YYYY-MM-DD, the date empty
    when the school did not send one (OneRoster's demographics.csv is optional)."""
    born = birth_date.isoformat() if isinstance(birth_date, dt.date) else (birth_date or "")
    return f"{name_key(last_name, first_name, middle_name)}#{born}"


def name_of_key(key: str) -> str:
    """The name part of a roster key (what namesakes share)."""
    return key.rsplit("#", 1)[0]


def class_word(name: str | None) -> str:
    """A class name as a parent or a school may write it: "5 А", "5а", "5-А" are one class."""
    return re.sub(r"[\s\-«»\"'.]+", "", (name or "").casefold().replace("ё", "е"))


def choose(namesakes: list[Candidate], class_name: str, birth_date: str) -> tuple[str | None, list[Candidate]]:
    """Which student an application names: (the student, []) when one alone can be the child;
    (None, the candidates) when the administrator must pick among several; (None, []) when no
    student of that name can be the child yet (the school's data has not come).

    A namesake whose known birth date differs is not the child. Of the rest, one is taken only
    when nothing else could be meant: the only one left and confirmed by birth date or class,
    or the only one in the class the parent named with no other confirmed by birth date.
    Never a guess: otherwise the administrator picks at the in-person check."""
    possible = [c for c in namesakes if not c.birth_date or c.birth_date == birth_date]
    wanted = class_word(class_name)
    in_class = [c for c in possible if class_word(c.class_name) == wanted]
    born_so = [c for c in possible if c.birth_date]
    if len(possible) == 1 and (possible[0].birth_date or in_class):
        return possible[0].student_id, []
    if len(in_class) == 1 and (in_class[0].birth_date or not born_so):
        return in_class[0].student_id, []
    return None, possible
