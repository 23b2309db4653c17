"""Request and response models at the edge; the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field
from pydantic_core import PydanticCustomError

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
PersonName = Annotated[str, Field(min_length=1, max_length=120)]
Title = Annotated[str, Field(min_length=1, max_length=120)]


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


def _lower(value: str) -> str:
    return value.strip().lower()


Phone = Annotated[str | None, AfterValidator(_e164)]
Password = Annotated[str, Field(max_length=128), AfterValidator(_strong)]
Email = Annotated[EmailStr, AfterValidator(_lower)]
Language = Literal["ru", "en"]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = None


class PageQuery(Strict):
    """Paging of any list."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


# --- accounts -------------------------------------------------------------------------


class RegisterRequest(Strict):
    """A new account: personal email (never changeable), password, name, optional phone."""

    email: Email
    password: Password
    name: PersonName
    phone: Phone = None
    language: Language = "ru"


class VerifyEmailRequest(Strict):
    """The code sent to the address at registration."""

    email: Email
    code: str = Field(pattern=r"^\d{6}$")


class EmailOnly(Strict):
    """Just an email address."""

    email: Email


class LoginRequest(Strict):
    """Email and password."""

    email: Email
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(Strict):
    """A refresh token from login or the previous refresh."""

    refresh_token: str = Field(min_length=10, max_length=256)


class TokenPair(BaseModel):
    """Access token for requests; refresh token to get the next pair (used once)."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str


class RoleOut(BaseModel):
    """A role the account holds."""

    role: Literal["operator", "admin", "teacher"]
    school_id: str | None = None


class AccountOut(BaseModel):
    """The signed-in account."""

    account_id: str
    email: str
    name: str
    phone: str | None
    language: Language
    roles: list[RoleOut]


class UpdateProfileRequest(Strict):
    """What an account may change about itself (the email is not among them)."""

    name: PersonName | None = None
    phone: Phone = None
    language: Language | None = None
    email: str | None = Field(default=None, description="Refused: the email can never be changed.")


class Accepted(BaseModel):
    """The request was taken; what follows happens by email."""

    status: Literal["accepted"] = "accepted"


# --- schools (city operator) ----------------------------------------------------------


class SchoolCreate(Strict):
    """A school to register."""

    name: Title
    address: str | None = Field(default=None, max_length=300)
    timezone: str = Field(default="Europe/Moscow", max_length=64)


class SchoolOut(BaseModel):
    """A registered school."""

    school_id: str
    name: str
    address: str | None
    timezone: str


class StaffGrant(Strict):
    """Give a registered account a role at the school, by its email."""

    email: Email


class StaffOut(BaseModel):
    """An administrator or teacher of a school."""

    account_id: str
    name: str
    email: str
    role: Literal["admin", "teacher"]


# --- school structure (school administrator) -----------------------------------------


class ClassCreate(Strict):
    """A class such as "5А"."""

    name: Annotated[str, Field(min_length=1, max_length=16)]
    grade_level: int = Field(ge=1, le=11)


class ClassOut(BaseModel):
    """A class of the school."""

    class_id: str
    name: str
    grade_level: int


class SubjectCreate(Strict):
    """A subject such as "Математика"."""

    name: Title


class SubjectOut(BaseModel):
    """A subject of the school."""

    subject_id: str
    name: str


class TermCreate(Strict):
    """A term of the school year."""

    name: Title
    starts_on: dt.date
    ends_on: dt.date


class TermOut(BaseModel):
    """A term of the school year."""

    term_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class TeachingCreate(Strict):
    """A teacher teaches a subject to a class."""

    teacher_id: Id
    class_id: Id
    subject_id: Id


class TeachingOut(BaseModel):
    """A teaching assignment."""

    teacher_id: str
    class_id: str
    subject_id: str


class StudentCreate(Strict):
    """A child on the school's roster."""

    last_name: PersonName
    first_name: PersonName
    middle_name: PersonName | None = None
    birth_date: dt.date
    class_id: Id


class StudentOut(BaseModel):
    """A child on the school's roster."""

    student_id: str
    class_id: str
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date


class StudentQuery(PageQuery):
    """Students of one class."""

    class_id: Id


# --- service --------------------------------------------------------------------------


class HealthOut(BaseModel):
    """State of the service and what it depends on."""

    status: Literal["ok", "degraded"]
    checks: dict[str, str]


class ErrorDetail(BaseModel):
    """One refused field."""

    field: str | None
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error: a stable machine code, a human message, the field at fault."""

    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = None


class ErrorOut(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: ErrorBody


class SchoolPage(Page[SchoolOut]):
    """A page of schools."""


class StaffPage(Page[StaffOut]):
    """A page of administrators or teachers."""


class ClassPage(Page[ClassOut]):
    """A page of classes."""


class SubjectPage(Page[SubjectOut]):
    """A page of subjects."""


class TermPage(Page[TermOut]):
    """The terms of a school."""


class TeachingPage(Page[TeachingOut]):
    """A page of teaching assignments."""


class StudentPage(Page[StudentOut]):
    """A page of students."""
