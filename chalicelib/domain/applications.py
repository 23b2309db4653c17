"""Applications: a parent asks a school for a child's diary; the school checks them in person,
approves, and the approved application is matched against the roster off the request path."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from chalicelib import clock
from chalicelib.clock import now_iso
from chalicelib.dal import accounts as account_store
from chalicelib.dal import applications as store
from chalicelib.dal import children as child_store
from chalicelib.dal import keys
from chalicelib.dal import schools as school_store
from chalicelib.domain import search_words, secrets
from chalicelib.domain.ids import new_id
from chalicelib.domain.roster import choose, name_key, name_of_key, roster_key
from chalicelib.errors import ConflictError, NotFoundError, UnprocessableError
from chalicelib.records.accounts import AccountRecord
from chalicelib.records.applications import ApplicationRecord, Candidate
from chalicelib.records.paging import PageCursor

log = logging.getLogger(__name__)

STATES = ("pending", "approved", "awaiting_school_data", "awaiting_choice", "completed", "rejected", "withdrawn")
CODE_PURPOSE = "access-code"
CODE_VALID_DAYS = 14
# The queue takes a message 5 times, 6 minutes apart, before its dead-letter queue (ops/package.py):
# an application approved this long ago and still `approved` was lost on the way and needs attention.
STALLED_AFTER = dt.timedelta(hours=1)


def view(item: ApplicationRecord) -> dict[str, Any]:
    """An application as the API shows it (to its parent and to the school)."""
    return {
        "application_id": item.application_id,
        "school_id": item.school_id,
        "child_last_name": item.child_last_name,
        "child_first_name": item.child_first_name,
        "child_middle_name": item.child_middle_name,
        "child_birth_date": item.child_birth_date,
        "class_name": item.class_name,
        "relation": item.relation,
        "state": item.state,
        "checked_by": item.checked_by,
        "checked_at": item.checked_at,
        "decided_at": item.decided_at,
        "reject_reason": item.reject_reason,
        "chosen_by": item.chosen_by,
        "created_at": item.created_at,
    }


def _candidate_view(candidate: Candidate) -> dict[str, Any]:
    return {"student_id": candidate.student_id, "class_id": candidate.class_id, "class_name": candidate.class_name,
            "last_name": candidate.last_name, "first_name": candidate.first_name,
            "middle_name": candidate.middle_name, "birth_date": candidate.birth_date}


def _page(items: list[ApplicationRecord], next_cursor: str | None) -> dict[str, Any]:
    return {"items": [view(item) for item in items], "next_cursor": next_cursor}


def file(account_id: str, school_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A parent files an application for one child at one school."""
    if school_store.get_school(school_id) is None:
        raise NotFoundError(field="school_id", code="school_not_found")
    born: dt.date = data["child_birth_date"]
    applicant = account_store.get_account(account_id)
    item = ApplicationRecord(
        application_id=new_id(), account_id=account_id, school_id=school_id,
        child_last_name=data["child_last_name"], child_first_name=data["child_first_name"],
        child_middle_name=data.get("child_middle_name"), child_birth_date=born.isoformat(),
        class_name=data["class_name"], relation=data["relation"], state="pending",
        roster_key=roster_key(data["child_last_name"], data["child_first_name"], data.get("child_middle_name"), born),
    )
    _note_applicant(item, applicant)
    store.create(item)
    return view(item)


def _note_applicant(item: ApplicationRecord, applicant: AccountRecord | None) -> None:
    # The person at the desk as they were at filing: a later rename changes nothing here.
    if applicant is not None:
        item.applicant_name, item.applicant_email = applicant.name, applicant.email
        item.applicant_phone = applicant.phone
        item.applicant_phone_verified = bool(applicant.phone and applicant.phone_verified)
    item.search_text = search_text(item)


def keep_applicant(item: ApplicationRecord) -> None:
    """An application filed before applications kept their applicant gets the account as it is
    now, and its search text (ops/migrate.py)."""
    _note_applicant(item, account_store.get_account(item.account_id))
    store.save_applicant(item)


def list_mine(account_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The parent's own applications."""
    return _page(*store.of_parent_page(account_id, limit, cursor))


def withdraw(account_id: str, application_id: str) -> dict[str, Any]:
    """The parent takes back an application the school has not decided yet."""
    item = store.get(account_id, application_id)
    if item is None:
        raise NotFoundError(code="application_not_found")
    store.transition(item, ("pending",), "withdrawn", release_claim=True,
                     refused=ConflictError(code="application_not_pending"))
    return view(item)


# --- the school's side ----------------------------------------------------------------


def _of_school(school_id: str, application_id: str) -> ApplicationRecord:
    item = store.get_by_id(application_id)
    if item is None or item.school_id != school_id:
        raise NotFoundError(code="application_not_found")
    return item


def search_text(item: ApplicationRecord) -> str:
    """What the school's search matches an application by: the child's and the applicant's names."""
    return search_words.indexed(item.child_last_name, item.child_first_name, item.child_middle_name,
                                item.applicant_name)


def desk_view(item: ApplicationRecord, accounts: dict[str, dict[str, Any]],
                students: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An application as the school's desk sees it: who applied, the child as typed and as matched."""
    stored = {"name": item.applicant_name, "email": item.applicant_email, "phone": item.applicant_phone,
              "phone_verified": bool(item.applicant_phone_verified)}
    if not item.applicant_name:  # filed before applications kept these: the account as it is now
        account = accounts.get(item.account_id, {})
        stored = {"name": account.get("name"), "email": account.get("email"), "phone": account.get("phone"),
                  "phone_verified": bool(account.get("phone") and account.get("phone_verified"))}
    student = students.get(item.student_id or "")
    matched = None if student is None else {
        "student_id": student["student_id"], "class_id": student.get("class_id"),
        "last_name": student.get("last_name"), "first_name": student.get("first_name"),
        "middle_name": student.get("middle_name"), "birth_date": student.get("birth_date")}
    # Only the school's desk sees the namesakes (its own students), never the parent.
    candidates = [_candidate_view(c) for c in item.candidates or []] if item.state == "awaiting_choice" else []
    return {**view(item), "account_id": item.account_id, "filed_at": item.created_at,
            "applicant": {"account_id": item.account_id, **stored, "relation": item.relation},
            "matched_student": matched, "candidates": candidates,
            "needs_attention": item.state == "approved" and (item.decided_at or "") < _stalled_before()}


def _stalled_before() -> str:
    return (clock.now() - STALLED_AFTER).isoformat(timespec="seconds")


def list_for_school(school_id: str, state: str, limit: int, cursor: PageCursor | None,
                    search: str | None = None) -> dict[str, Any]:
    """A school's applications in one state (pending by default), by child's name, with who applied;
    `search`: only those whose child's or applicant's name has words beginning with each word given.
    `needs_attention`: those approved over STALLED_AFTER ago and still not matched (dead-lettered)."""
    words = search_words.words(search)
    before = None
    if state == "needs_attention":
        state, before = "approved", _stalled_before()
    items, next_cursor = store.of_school_page(school_id, state, limit, cursor, words, before)
    accounts, students = store.details_of(items)
    return {"items": [desk_view(item, accounts, students) for item in items], "next_cursor": next_cursor}


def one_for_school(school_id: str, application_id: str) -> dict[str, Any]:
    """One of the school's applications as its desk sees it (another school's is not found)."""
    item = _of_school(school_id, application_id)
    accounts, students = store.details_of([item])
    return desk_view(item, accounts, students)


def record_check(school_id: str, application_id: str, admin_id: str) -> dict[str, Any]:
    """The administrator saw the parent and their documents in person: who and when, nothing else."""
    item = _of_school(school_id, application_id)
    store.transition(item, ("pending",), "pending",
                     changes={"checked_by": admin_id, "checked_at": now_iso()},
                     refused=ConflictError(code="application_not_pending"))
    return view(item)


def approve(school_id: str, application_id: str, admin_id: str, student_id: str | None = None) -> dict[str, Any]:
    """Approve a checked application; the roster match and the code happen on the queue. One
    waiting for the child to be chosen among namesakes is completed here with `student_id`."""
    item = _of_school(school_id, application_id)
    # A child who is not the school's is not found, whatever state the application is in: the
    # answer says nothing about another school's students.
    if student_id is not None and school_store.find_student(school_id, student_id) is None:
        raise NotFoundError(field="student_id", code="student_not_found")
    if item.state == "awaiting_choice":
        return _choose(item, admin_id, student_id)
    if student_id is not None:
        raise ConflictError(field="student_id", code="application_not_awaiting_choice")
    if item.state == "pending" and not item.checked_at:
        raise ConflictError(code="application_not_checked")
    # Approving an approved one again only re-queues it: processing is idempotent, and this
    # recovers an approval whose queue message was never sent.
    store.transition(item, ("pending", "approved"), "approved",
                     changes={"decided_by": admin_id, "decided_at": now_iso()},
                     refused=ConflictError(code="application_not_pending"), only_if_checked=True)
    store.enqueue(item.application_id)
    return view(item)


def reject(school_id: str, application_id: str, admin_id: str, reason: str) -> dict[str, Any]:
    """Refuse an application with a reason the parent reads by email."""
    item = _of_school(school_id, application_id)
    store.transition(item, ("pending", "awaiting_choice"), "rejected", release_claim=True,
                     changes={"decided_by": admin_id, "decided_at": now_iso(), "reject_reason": reason},
                     refused=ConflictError(code="application_not_pending"))
    # The parent's email is an alert made from this change on the table's stream (domain/alerts.py).
    return view(item)


# --- processing (SQS) -----------------------------------------------------------------


def process(application_id: str) -> None:
    """Match an approved application against the roster; on a match issue and email the code.

    Safe to run twice for one message: the state changes are conditional and the code is derived
    from the application (the same code, the same hash). The email with the code is an alert made
    from the completed application on the table's stream, so a crash here never loses it.
    """
    item = store.get_by_id(application_id)
    if item is None:
        log.warning("application %s vanished before processing", application_id)
        return
    if item.state not in ("approved", *store.WAITING_STATES):
        return
    name = name_of_key(item.roster_key)
    # As the students are now: an entry an upload left under a name since corrected (before renames
    # by upload moved it) names no one.
    namesakes = [c for c in store.namesakes(item.school_id, name)
                 if name_key(c.last_name, c.first_name, c.middle_name) == name]
    student_id, candidates = choose(namesakes, item.class_name, item.child_birth_date)
    if student_id is not None:
        _issue_code(item, student_id)  # False: a redelivery, already completed
    elif candidates:
        # Several students could be the child: never a guess, the administrator picks one.
        if item.state != "awaiting_choice" or item.candidates != candidates:
            store.await_choice(item, candidates)
    elif item.state == "approved":
        # Not on the roster yet: wait for the school's data.
        try:
            store.transition(item, ("approved",), "awaiting_school_data")
        except ConflictError:
            return  # someone else moved it on


def _issue_code(item: ApplicationRecord, student_id: str, chosen_by: str | None = None) -> bool:
    code = secrets.derived_access_code(item.application_id)
    stored = child_store.new_code_item(
        keys.account_holder(item.account_id), "application", item.application_id, secrets.digest(code, CODE_PURPOSE),
        student_id, item.school_id, CODE_VALID_DAYS * 86_400)
    return store.complete_with_code(item, student_id, stored, chosen_by=chosen_by)


def _choose(item: ApplicationRecord, admin_id: str, student_id: str | None) -> dict[str, Any]:
    """The administrator picks the child among the namesakes the application waits with."""
    if student_id is None:
        raise UnprocessableError(field="student_id", code="child_not_chosen")
    offered = {c.student_id for c in item.candidates or []}
    if student_id not in offered or school_store.find_student(item.school_id, student_id) is None:
        raise UnprocessableError(field="student_id", code="not_a_candidate")
    if not _issue_code(item, student_id, chosen_by=admin_id):
        raise ConflictError(code="application_state")  # picked by someone else, or its namesakes changed
    # The parent's email with the code is made from the completed application on the stream.
    return view(item)


def result_email(application_id: str, state: str, reason: str, child_name: str, parent_name: str,
                 school_name: str, generation: int = 0) -> tuple[str, dict[str, Any]]:
    """The template and data of the email telling a parent how their application ended (or, for
    a renewed code, `generation` > 0, the new code: the same message)."""

    data: dict[str, Any] = {"name": parent_name, "child_name": child_name, "school_name": school_name}
    if state == "rejected":
        return "application_rejected", {**data, "reason": reason}
    from chalicelib.mail.links import page

    code = secrets.application_code(application_id, generation)
    # The link opens the cabinet's code page with the code filled in (after a sign-in if need be).
    return "access_code", {**data, "code": code, "valid_days": CODE_VALID_DAYS, "link": page("/code", code=code)}


def requeue_waiting(school_id: str, key: str) -> int:
    """A student joined the roster (or took a new name): hand the applications for a child of
    that name, waiting for the school's data or for a choice among namesakes, to the queue again."""
    waiting = store.waiting_for(school_id, name_of_key(key))
    for item in waiting:
        store.enqueue(item.application_id)
    return len(waiting)
