"""The single DynamoDB table and every entity stored in it.

Key design (PK / SK; GSI1 = GSI1PK / GSI1SK, projects ALL so the discriminator is there).
One line per access pattern:

- account by id:                 GetItem  PK=ACCOUNT#<id>, SK=ACCOUNT
- account id by email (login):   GetItem  PK=EMAIL#<email>, SK=EMAIL
- email verification of account: GetItem  PK=ACCOUNT#<id>, SK=VERIFICATION
- an account's roles (tokens):   Query    PK=ACCOUNT#<id>, SK begins_with ROLE#
- refresh-token family:          GetItem  PK=SESSION#<family>, SK=SESSION
- failed-login counter:          GetItem  PK=THROTTLE#<scope>#<key>, SK=THROTTLE
- school by id:                  GetItem  PK=SCHOOL#<id>, SK=SCHOOL
- all schools (operator):        Query    GSI1 GSI1PK=SCHOOLS, GSI1SK=<name>#<id>
- staff of a school by role:     Query    GSI1 GSI1PK=STAFF#<school>#<role>, GSI1SK=<name>#<account>
- classes / subjects / terms:    Query    PK=SCHOOL#<id>, SK begins_with CLASS# | SUBJECT# | TERM#
- one class / subject / term:    GetItem  PK=SCHOOL#<id>, SK=CLASS#<id> | SUBJECT#<id> | TERM#<id>
- teaching assignment (authz):   GetItem  PK=SCHOOL#<id>, SK=TEACHING#<teacher>#<class>#<subject>
- a teacher's assignments:       Query    PK=SCHOOL#<id>, SK begins_with TEACHING#<teacher>#
- student by id:                 GetItem  PK=SCHOOL#<id>, SK=STUDENT#<id>
- students of a class:           Query    GSI1 GSI1PK=CLASS#<school>#<class>, GSI1SK=<last>#<first>#<id>
- message already sent (outbox): PutItem  PK=SENT#<key>, SK=SENT  (condition: not exists)

Unique names (class "5А", subject "Математика") are claimed with their own item
(PK=SCHOOL#<id>, SK=NAME#CLASS#<normalised name>) written in the same transaction.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import settings


class Gsi1(GlobalSecondaryIndex["DiaryItem"]):
    """Second access path: listings by parent entity and lookups by another key."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()  # the discriminator must be projected (PynamoDB filters on it)

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class DiaryItem(Model):
    """Base of every stored entity; `kind` tells them apart."""

    class Meta:
        table_name = settings.table_name()
        region = settings.region()
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi1 = Gsi1()
    created_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class Account(DiaryItem, discriminator="Account"):
    """A person who logs in: parent, viewer, teacher, administrator or operator."""

    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="ru")
    password_hash = UnicodeAttribute()
    verified = BooleanAttribute(default=False)


class EmailClaim(DiaryItem, discriminator="EmailClaim"):
    """Makes an email address unique and finds the account by it."""

    account_id = UnicodeAttribute()


class EmailVerification(DiaryItem, discriminator="EmailVerification"):
    """The current email-verification code of an account, stored only as a hash."""

    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)


class RoleGrant(DiaryItem, discriminator="RoleGrant"):
    """A role an account holds: operator (city-wide), admin or teacher of a school."""

    account_id = UnicodeAttribute()
    role = UnicodeAttribute()
    school_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)


class Session(DiaryItem, discriminator="Session"):
    """A refresh-token family: one login, rotated on every refresh."""

    account_id = UnicodeAttribute()
    current_hash = UnicodeAttribute()
    used_hashes = UnicodeSetAttribute(null=True)
    revoked = BooleanAttribute(default=False)


class Throttle(DiaryItem, discriminator="Throttle"):
    """Failed logins for an account or a client, to slow and then lock them out."""

    failures = NumberAttribute(default=0)
    last_failure_at = NumberAttribute(default=0)
    locked_until = NumberAttribute(default=0)


class SentMessage(DiaryItem, discriminator="SentMessage"):
    """Marks an outgoing email or SMS as sent, so a redelivered message is not sent twice."""

    channel = UnicodeAttribute()
    state = UnicodeAttribute(default="sending")
    lease_until = NumberAttribute(default=0)


class School(DiaryItem, discriminator="School"):
    """A school registered by the city operator."""

    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(default="Europe/Moscow")


class SchoolClass(DiaryItem, discriminator="SchoolClass"):
    """A class of a school ("5А")."""

    class_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    grade_level = NumberAttribute()


class Subject(DiaryItem, discriminator="Subject"):
    """A subject taught at a school."""

    subject_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()


class Term(DiaryItem, discriminator="Term"):
    """A term (четверть, триместр) of the school year."""

    term_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    name = UnicodeAttribute()
    starts_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()


class Teaching(DiaryItem, discriminator="Teaching"):
    """A teacher teaches a subject to a class: the unit of a teacher's rights."""

    school_id = UnicodeAttribute()
    teacher_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()


class Student(DiaryItem, discriminator="Student"):
    """A child on a school's roster (no account: families reach it through guardianship)."""

    student_id = UnicodeAttribute()
    school_id = UnicodeAttribute()
    class_id = UnicodeAttribute()
    last_name = UnicodeAttribute()
    first_name = UnicodeAttribute()
    middle_name = UnicodeAttribute(null=True)
    birth_date = UnicodeAttribute()


class NameClaim(DiaryItem, discriminator="NameClaim"):
    """Keeps a name unique within a school (one class "5А", one subject "Математика")."""

    owner_id = UnicodeAttribute()


__all__ = [
    "Account",
    "DiaryItem",
    "EmailClaim",
    "EmailVerification",
    "NameClaim",
    "RoleGrant",
    "School",
    "SchoolClass",
    "SentMessage",
    "Session",
    "Student",
    "Subject",
    "Teaching",
    "Term",
    "Throttle",
]
