"""How a child is recognised on the roster (chalicelib/domain/roster.py: normalised full name and
birth date) and how names are searched (chalicelib/domain/search_words.py). The match itself runs
on the applications queue: tests/functional/test_access_journey.py."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain import search_words
from chalicelib.domain.roster import roster_key

BORN = dt.date(2015, 3, 14)


def test_a_parents_typing_and_the_schools_upload_meet_on_one_key():
    # The school uploads "Семёнова Анна Петровна"; the parent types it in capitals, with "е" for "ё"
    # and stray spaces: the same child
    school = roster_key("Семёнова", "Анна", "Петровна", BORN)
    assert school == "семенова#анна#петровна#2015-03-14"
    assert roster_key("  СЕМЕНОВА ", "анна", "Петровна\t", "2015-03-14") == school
    assert roster_key("Семёнова", "Анна  Мария", None, BORN) == roster_key("семенова", "анна мария", None, BORN)


def test_no_middle_name_and_an_empty_one_are_the_same():
    assert roster_key("Ли", "Анна", None, BORN) == roster_key("Ли", "Анна", "", BORN) == "ли#анна##2015-03-14"


def test_another_birth_date_or_middle_name_is_another_child():
    one = roster_key("Иванов", "Пётр", "Сергеевич", BORN)
    assert roster_key("Иванов", "Пётр", "Сергеевич", dt.date(2015, 3, 15)) != one
    assert roster_key("Иванов", "Пётр", None, BORN) != one
    # a double-barrelled name keeps its hyphen: "Римский Корсаков" is not typed as the school spells it
    assert roster_key("Римский-Корсаков", "Ив", None, BORN) != roster_key("Римский Корсаков", "Ив", None, BORN)


def test_a_separator_typed_into_a_name_cannot_shift_the_parts():
    # "#" joins the parts: typed into a name it would make last="иванов", first="петр" of another key
    assert roster_key("Иванов#Пётр", "", None, BORN) == "иванов петр###2015-03-14"
    assert roster_key("Иванов#Пётр", "", None, BORN) != roster_key("Иванов", "Пётр", None, BORN)


def _found(query: str, *name: str) -> bool:
    """The read's condition: every word of the search begins a word of the stored name."""
    stored = search_words.indexed(*name)
    return all(f" {word}" in stored for word in search_words.words(query))


def test_a_search_word_matches_the_beginning_of_any_word_of_the_name():
    assert search_words.indexed("Соколов", "Иван", None) == " соколов иван"
    assert _found("сок ив", "Соколов", "Иван") and _found("ИВАН", "Соколов", "Иван")
    assert _found("ежик", "Ёжиков", "Пётр") and _found("ёжик петр", "Ежиков", "Петр")
    # never the middle of a word
    assert not _found("колов", "Соколов", "Иван")


def test_punctuation_and_spacing_never_matter():
    assert search_words.normal("  Сок-олов, Иван!!  Ёжиков_ ") == "сок олов иван ежиков"
    assert search_words.words(None) == [] and search_words.indexed(None, "") == ""


def test_a_schools_number_is_compared_exactly():
    assert search_words.number_key("№ 57") == search_words.number_key(" 57 ") == "57"
    assert search_words.number_key("57 А") == "57а"
    assert search_words.number_key("№") is None and search_words.number_key(None) is None
