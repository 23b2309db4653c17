"""Storage keys of the single table, built in one place: the domain never spells a key.

The key design itself is described beside the models (chalicelib/dal/models.py); each part of the
service has its own section here.
"""

from __future__ import annotations

# --- alerts -----------------------------------------------------------------------------------


def student(student_id: str) -> str:
    """The child's partition: links, alert choices, diary entries."""
    return f"STUDENT#{student_id}"


def alert_preferences(account_id: str) -> str:
    """Sort key of a person's alert choices within the child's partition (just after ACCESS#)."""
    return f"ALERTS#{account_id}"


def family_range() -> tuple[str, str]:
    """The sort-key range of a child's links and alert choices, read in one Query."""
    return "ACCESS#", "ALERTS#~"


def account(account_id: str) -> tuple[str, str]:
    """An account's item."""
    return f"ACCOUNT#{account_id}", "ACCOUNT"


def school(school_id: str) -> tuple[str, str]:
    """A school's own item (its name and time zone)."""
    return f"SCHOOL#{school_id}", "SCHOOL"


def school_partition(school_id: str) -> str:
    """The school's partition: classes, subjects, news."""
    return f"SCHOOL#{school_id}"


def subject(school_id: str, subject_id: str) -> tuple[str, str]:
    """A subject of a school."""
    return f"SCHOOL#{school_id}", f"SUBJECT#{subject_id}"


def class_prefix() -> str:
    """Sort-key prefix of a school's classes."""
    return "CLASS#"


def class_students(school_id: str, class_id: str) -> str:
    """The GSI1 partition of a class's students."""
    return f"CLASS#{school_id}#{class_id}"


def news(school_id: str, news_id: str) -> tuple[str, str]:
    """A news item, in its school's partition."""
    return f"SCHOOL#{school_id}", f"NEWS#{news_id}"


def alert(key: str) -> tuple[str, str]:
    """How one alert's delivery went (its idempotency key)."""
    return f"ALERT#{key}", "ALERT"


def held_slot(slot: str) -> str:
    """The partition of alerts held until a quarter-hour slot."""
    return f"HELD#{slot}"


def held(slot: str, owner: str, key: str) -> tuple[str, str]:
    """One held alert: the same alert held twice stays one item."""
    return held_slot(slot), f"{owner}#{key}"


def release_cursor() -> tuple[str, str]:
    """The last slot whose held alerts were released."""
    return "HELD#CURSOR", "CURSOR"


def sent_mark(dedupe_key: str) -> tuple[str, str]:
    """The send-once mark of one message (outbox, alert, digest, news batch)."""
    return f"SENT#{dedupe_key}", "SENT"
