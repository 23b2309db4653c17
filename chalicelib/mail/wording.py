"""Russian and English grammar for the message templates: cases of subject names (pymorphy3) and
people's names (pytrovich), the gender a verb agrees with, dates in words and plurals (babel).

Each library is imported, and pymorphy3's dictionaries loaded, on first use and once per
container: only handlers that render a message pay for them (bench/coldstart.py imports the app
without any of them). Every function falls back to an answer that needs no inflection ("" or the
fallback given) rather than guess, so a template can choose a phrasing that reads without it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

CASES = ("gent", "datv", "accs", "ablt", "loct")
MALE, FEMALE = "male", "female"
# Patronymics pymorphy3 may not know (rare first names) still end like one; «оглы»/«кызы» follow the name.
_PATRONYMIC = re.compile(r"(ич|вна|ична|чна|оглы|кызы|улы)$", re.IGNORECASE)
_CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁё]+(-[А-Яа-яЁё]+)*$")
# The parts of the diary a viewer may be shown, as a parent reads them (chalicelib/domain/children.py).
PART_NAMES = {
    "ru": {"grades": "оценки", "homework": "домашние задания", "attendance": "посещаемость",
           "schedule": "расписание", "events": "события школы", "meetings": "родительские собрания",
           "statistics": "статистика"},
    "en": {"grades": "grades", "homework": "homework", "attendance": "attendance", "schedule": "timetable",
           "events": "school events", "meetings": "parent meetings", "statistics": "statistics"},
}


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=1)
def _petrovich() -> tuple[Any, Any]:
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


# --- subject names and other common nouns ----------------------------------------------------


def _nominative(word: str) -> Any:
    """The word's reading as a nominative (inanimate first: «Математика» is a subject, not a
    mathematician's genitive); None when it has none."""
    found = [p for p in _morph().parse(word) if "nomn" in p.tag]
    found.sort(key=lambda p: ("anim" in p.tag, p.tag.POS not in ("NOUN", "ADJF", "PRTF")))
    return found[0] if found else None


def _keep_shape(original: str, inflected: str, proper: bool) -> str:
    if original.isupper() and len(original) > 1:
        return inflected.upper()
    if original[:1].isupper() and proper:
        return inflected[:1].upper() + inflected[1:]
    return inflected


@lru_cache(maxsize=512)
def _phrase(text: str, case: str) -> str | None:
    words = text.split()
    if not words or case not in CASES:
        return None
    out: list[str] = []
    pending: list[tuple[str, Any]] = []  # adjectives waiting for their noun
    head_done = False
    for word in words:
        if head_done:
            # «Алгебра и начала анализа»: the phrase after «и» is inflected anew (not «ИКТ»)
            head_done = not (out[-1].lower() == "и" and _CYRILLIC_WORD.match(word) and not word.isupper())
            if head_done:
                out.append(word)  # words after the noun («История России») keep their own case
                continue
        if not _CYRILLIC_WORD.match(word) or (word.isupper() and len(word) > 1):
            return None  # an abbreviation or a foreign word: no guess
        parse = _nominative(word)
        if parse is None:
            return None
        if parse.tag.POS in ("ADJF", "PRTF"):
            pending.append((word, parse))
            continue
        if parse.tag.POS != "NOUN":
            return None
        noun = parse.inflect({case})
        if noun is None:
            return None
        for adj_word, adj in pending:
            wanted = {case, "plur"} if "plur" in parse.tag else {case, parse.tag.gender or "masc", "sing"}
            inflected = adj.inflect(wanted)
            if inflected is None:
                return None
            out.append(_keep_shape(adj_word, inflected.word, False))
        pending = []
        proper = any(t in parse.tag for t in ("Geox", "Name", "Surn", "Orgn", "Trad"))
        out.append(_keep_shape(word, noun.word, proper))
        head_done = True
    if pending or not head_done:
        return None
    return " ".join(out)


def inflect(text: str, case: str, fallback: str = "") -> str:
    """A subject or other common-noun phrase in a case, lower-cased as inside a sentence
    («Русский язык», "datv" → «русскому языку»); when unsure, `fallback` with "{}" replaced by
    the text as written («предмету «{}»» → «предмету «ИЗО»»)."""
    found = _phrase(" ".join(str(text).split()), case) if text else None
    return found if found is not None else fallback.replace("{}", str(text))


# --- people's names ---------------------------------------------------------------------------


def _name_parts(name: str) -> dict[str, str] | None:
    """{"last", "first", "middle"} of «Фамилия Имя [Отчество]» (or «Имя Фамилия»); None when
    the parts cannot be told apart."""
    words = name.split()
    if not 1 <= len(words) <= 3 or not all(_CYRILLIC_WORD.match(w) for w in words):
        return None
    if len(words) == 3 and _PATRONYMIC.search(words[2]):
        return {"last": words[0], "first": words[1], "middle": words[2]}

    def tagged(word: str, grammeme: str) -> bool:
        return any(grammeme in p.tag and "nomn" in p.tag for p in _morph().parse(word))

    if len(words) == 1:
        return {"first": words[0]} if tagged(words[0], "Name") else None
    if len(words) == 2:
        first, second = words
        if tagged(first, "Name") and (tagged(second, "Patr") or _PATRONYMIC.search(second)):
            return {"first": first, "middle": second}
        if tagged(second, "Name") and not tagged(first, "Name"):
            return {"last": first, "first": second}
        if tagged(first, "Name") and not tagged(second, "Name"):
            return {"first": first, "last": second}
    return None


def _gender_of_parts(parts: dict[str, str]) -> str:
    from pytrovich.enums import Gender

    detected = _petrovich()[1].detect(firstname=parts.get("first"), middlename=parts.get("middle"),
                                      lastname=parts.get("last"))
    return {Gender.MALE: MALE, Gender.FEMALE: FEMALE}.get(detected, "")


@lru_cache(maxsize=1024)
def gender(name: str, middle_name: str | None = None) -> str:
    """"male", "female" or "" (unknown: phrase it without a gendered verb), from a full name
    («Петрова Анна Сергеевна») or a first name and patronymic; the patronymic decides when given."""
    text = " ".join(str(name).split())
    if len(text.split()) == 1 and _CYRILLIC_WORD.match(text):
        parts: dict[str, str] | None = {"first": text}
        if middle_name and _CYRILLIC_WORD.match(middle_name.strip()):
            parts = {"first": text, "middle": middle_name.strip()}
    else:
        parts = _name_parts(text)
    return _gender_of_parts(parts) if parts else ""


@lru_cache(maxsize=1024)
def person(name: str, case: str, fallback: str = "") -> str:
    """A person's name in a case («Петрова Анна Сергеевна», "gent" → «Петровой Анны Сергеевны»);
    `fallback` ("{}" = the name as written) when its parts or gender cannot be told."""
    from pytrovich.enums import Case, Gender, NamePart

    text = " ".join(str(name).split())
    parts = _name_parts(text)
    sex = _gender_of_parts(parts) if parts else ""
    if parts is None or case not in CASES or (not sex and "middle" not in parts and len(parts) > 1):
        return fallback.replace("{}", text)
    wanted = {"gent": Case.GENITIVE, "datv": Case.DATIVE, "accs": Case.ACCUSATIVE, "ablt": Case.INSTRUMENTAL,
              "loct": Case.PREPOSITIONAL}[case]
    kind = {MALE: Gender.MALE, FEMALE: Gender.FEMALE}.get(sex, Gender.ANDROGYNOUS)
    maker = _petrovich()[0]
    named = {"last": NamePart.LASTNAME, "first": NamePart.FIRSTNAME, "middle": NamePart.MIDDLENAME}
    inflected = {value: maker.make(named[key], kind, wanted, value, known_gender=False) for key, value in parts.items()}
    return " ".join(inflected.get(word, word) for word in text.split())


# --- dates, counts and parts of the diary ----------------------------------------------------


def day(value: Any, language: str) -> str:
    """A date as a parent writes it: «1 декабря», "1 December" (alerts are about the weeks around
    now, so no year)."""
    from babel.dates import format_date

    if not value:
        return ""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return str(format_date(date, "d MMMM", locale=language))


def plural(count: int, language: str, *forms: str) -> str:
    """`count` and the word form its number takes: ru forms one, few, many («1 день», «2 дня»,
    «5 дней»); en one, other ("1 day", "2 days")."""
    from babel import Locale

    form = Locale.parse(language).plural_form(abs(int(count)))
    index = {"one": 0, "few": 1, "many": 2}.get(form, len(forms) - 1) if language == "ru" else \
        (0 if form == "one" else len(forms) - 1)
    return f"{count} {forms[min(index, len(forms) - 1)]}"


def parts_of_diary(parts: Any, language: str) -> str:
    """The shared parts of the diary in words, joined for a sentence («оценки, домашние задания»)."""
    names = PART_NAMES.get(language, PART_NAMES["ru"])
    return ", ".join(names.get(str(p), str(p).replace("_", " ")) for p in parts)


def filters(language: str) -> dict[str, Any]:
    """The Jinja filters a template of this language uses."""
    return {
        "inflect": inflect, "person": person, "gender": gender,
        "day": lambda value: day(value, language),
        "plural": lambda count, *forms: plural(count, language, *forms),
        "parts_of_diary": lambda parts: parts_of_diary(parts, language),
    }
