"""How names are compared when searched: case, ё/е, punctuation and spacing never matter, and a
word typed matches any word of the name that begins with it ("сок ив" finds "Соколов Иван")."""

from __future__ import annotations

import re

MAX_WORDS = 5  # a full name and a bit more; each word is one more condition on the read


def normal(text: str | None) -> str:
    """Lower case, ё as е, anything but letters and digits as a single space."""
    folded = (text or "").casefold().replace("ё", "е")
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


def words(text: str | None) -> list[str]:
    """The words of a search or of a name, normalised."""
    return normal(text).split()


def indexed(*parts: str | None) -> str:
    """What a stored record is searched by: its names' words, each after a space, so a search word
    matches a word's beginning (`contains(text, " " + word)`), never its middle."""
    return "".join(f" {word}" for part in parts for word in words(part))


def number_key(number: str | None) -> str | None:
    """A school's number compared exactly: "№ 57", "57" and " 57 " are one number."""
    key = normal(number).replace(" ", "")
    return key or None
