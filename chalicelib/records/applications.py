"""A parent's application for access to one child, as the domain reads and changes it.

The data layer builds it from the stored item (`dal.applications.get`, `get_by_id`, the pages)
and takes it back for writes (`create`, `transition`, `complete_with_code`…), building the item
and its keys there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Candidate:
    """A student of the school an application may name (a namesake), as the administrator picks
    among them: the class and the birth date (None: the school did not send it) tell them apart."""

    student_id: str
    class_id: str
    class_name: str | None
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: str | None


@dataclass
class ApplicationRecord:
    """A parent asks a school for access to one child's diary."""

    application_id: str
    account_id: str
    school_id: str
    child_last_name: str
    child_first_name: str
    child_birth_date: str
    class_name: str
    relation: str
    roster_key: str
    state: str
    child_middle_name: str | None = None
    # The in-person check records who and when, never what document was shown.
    checked_by: str | None = None
    checked_at: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    reject_reason: str | None = None
    student_id: str | None = None
    # Who applied, as their account stood at filing: the desk matches the passport to these.
    applicant_name: str | None = None
    applicant_email: str | None = None
    applicant_phone: str | None = None
    applicant_phone_verified: bool | None = None
    search_text: str | None = None  # child's and applicant's name words (domain/search_words.py)
    code_generation: int | None = None  # how many times its access code was renewed
    # State awaiting_choice: the students it may name; the administrator picks one (chosen_by).
    candidates: list[Candidate] | None = None
    chosen_by: str | None = None
    created_at: str | None = None
