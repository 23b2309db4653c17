"""The building blocks of every model: checked text, ids, days, strict bodies, pages.

Shared by schemas.py and diary_schemas.py, so neither imports the other back."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field
from pydantic.functional_validators import BeforeValidator
from pydantic_core import PydanticCustomError

from chalicelib.domain.days import FIRST_DAY, LAST_DAY
from chalicelib.text import multiline_text, refused_character


def _text(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        value = multiline_text(value) if multiline else value
        if refused_character(value, multiline) is not None:
            raise PydanticCustomError("control_characters", "control characters are not allowed")
        return value

    return AfterValidator(check)


# Every free-text field of a request is one of these (chalicelib/text.py: which characters are text).
SingleLine = Annotated[str, _text(multiline=False)]
MultiLine = Annotated[str, _text(multiline=True)]

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
PersonName = Annotated[SingleLine, Field(min_length=1, max_length=120)]
Title = Annotated[SingleLine, Field(min_length=1, max_length=120)]


def _search_words(value: str) -> str:
    from chalicelib.domain.search_words import MAX_WORDS, words

    if not 1 <= len(words(value)) <= MAX_WORDS:
        raise PydanticCustomError("search_words", "one to five words to search by")
    return value


# What a person types to search by name: each word must begin a word of the name (domain/search_words.py).
SearchWords = Annotated[str, Field(max_length=100), _text(multiline=False), AfterValidator(_search_words)]


def _e164(value: str | None) -> str | None:
    import phonenumbers

    if value is None or value == "":
        return None
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException as exc:
        raise PydanticCustomError("phone", "not a valid phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone", "not a valid phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _strong(value: str) -> str:
    if len(value) < 10 or not re.search(r"[^\W\d_]", value) or not re.search(r"\d", value):
        raise PydanticCustomError("password_weak", "password too weak")
    return value


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PydanticCustomError("timezone", "unknown time zone") from exc
    return value


def _lower(value: str) -> str:
    return value.strip().lower()


Phone = Annotated[str | None, AfterValidator(_e164)]
Password = Annotated[str, Field(max_length=128), AfterValidator(_strong)]
Email = Annotated[EmailStr, AfterValidator(_lower)]
Language = Literal["ru", "en"]

def _iso_text(value: Any) -> Any:
    if not isinstance(value, str | dt.date):  # lax, a number would be read as seconds since 1970
        raise PydanticCustomError("date_type", "a date YYYY-MM-DD is expected")
    return value


# A day of school life or a birth date, within the diary's calendar (domain/days.py). JSON has no
# dates: in a strict model the ISO string "2026-09-01" must still parse, so this field is lax, for text.
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY, strict=False), BeforeValidator(_iso_text)]


def span_end(first: dt.date | None, last: dt.date) -> dt.date:
    """Refuse a span whose end comes before its start (DynamoDB would refuse the key range)."""
    if first is not None and last < first:
        raise PydanticCustomError("range_reversed", "the end of the span is before its start")
    return last


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never passes silently; a body's values keep their JSON
    types ("5" is not a number, 5 is not a string, true is not 1). Dates are ISO strings (`Day`);
    a query, all text, is read lax (routing._parse_query)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


T = TypeVar("T")


def _given(value: T) -> T:
    if value is None:
        raise PydanticCustomError("null_not_allowed", "give a value or leave the field out")
    return value


def _not_null_in_document(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # left out, it stays as it is
    options = [o for o in schema.pop("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


# A field of a change that may be left out (it stays as it is) but, once sent, needs a value:
# null would store nothing where the record must hold something. Not nullable in the document.
Omittable = Annotated[T | None, AfterValidator(_given), Field(json_schema_extra=_not_null_in_document)]


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = None


class PageQuery(Strict):
    """Paging of any list."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


# A time of day on the school clock.
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:30"])]
