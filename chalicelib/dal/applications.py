"""Stored applications for access to a child, and the queue that carries approved ones."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import aws, settings
from chalicelib.dal.keys import (
    APPLICATION_PREFIX,
    account_key,
    account_pk,
    application_key,
    application_ref_key,
    applications_pk,
    applying_key,
    roster_namesakes_key,
    roster_student_key,
    school_class,
    student,
    waiting_for_name,
)
from chalicelib.dal.models import AccessCode, Application, ApplicationClaim, ApplicationRef, RosterEntry
from chalicelib.dal.search import READ_SIZE, FilteredPage, word_prefixes
from chalicelib.dal.store import PageCursor, Reading, connection, decode_cursor, get_many, now_iso, page, storing
from chalicelib.errors import ConflictError, DiaryError, UnavailableError
from chalicelib.records.applications import ApplicationRecord, Candidate

FIELDS = tuple(f.name for f in fields(ApplicationRecord))


def application_of(item: Application) -> ApplicationRecord:
    """The record of a stored application."""
    values = {name: getattr(item, name) for name in FIELDS}
    if values["code_generation"] is not None:
        values["code_generation"] = int(values["code_generation"])
    if values["candidates"] is not None:
        values["candidates"] = [Candidate(**c) for c in values["candidates"]]
    return ApplicationRecord(**values)


def _stored_candidates(candidates: list[Candidate] | None) -> list[dict[str, Any]] | None:
    return None if candidates is None else [vars(c) for c in candidates]


def _item(application: ApplicationRecord) -> Application:
    """The application's item, keyed, with its attributes as the record holds them."""
    values = {name: getattr(application, name) for name in FIELDS}
    values["candidates"] = _stored_candidates(application.candidates)
    return Application(*application_key(application.account_id, application.application_id), **values)


def _refill(application: ApplicationRecord, item: Application) -> None:
    # The record as stored now, in place: the caller goes on with the object it holds.
    for name, value in vars(application_of(item)).items():
        setattr(application, name, value)


def _claim(application: ApplicationRecord) -> ApplicationClaim:
    return ApplicationClaim(*applying_key(application.account_id, application.school_id, application.roster_key),
                            application_id=application.application_id)


def _index(state: str, application: ApplicationRecord) -> tuple[str, str]:
    # The school's list by state; the roster key first so waiting ones are found per child.
    return (applications_pk(application.school_id, state),
            f"{application.roster_key}#{application.application_id}")


def create(application: ApplicationRecord) -> None:
    """File an application, refused while the same parent has a live one for the same child."""
    application.created_at = now_iso()
    item = _item(application)
    item.gsi1pk, item.gsi1sk = _index(application.state, application)
    ref = ApplicationRef(*application_ref_key(application.application_id),
                         account_id=application.account_id, school_id=application.school_id)
    with storing(conflict=ConflictError(code="application_exists")), TransactWrite(connection=connection()) as tx:
        tx.save(_claim(application), condition=ApplicationClaim.pk.does_not_exist())
        tx.save(item, condition=Application.pk.does_not_exist())
        tx.save(ref)


def _stored(account_id: str, application_id: str) -> Application | None:
    with storing():
        try:
            return Application.get(*application_key(account_id, application_id))
        except Application.DoesNotExist:
            return None


def get(account_id: str, application_id: str) -> ApplicationRecord | None:
    """One of a parent's applications."""
    item = _stored(account_id, application_id)
    return None if item is None else application_of(item)


def stored_by_id(application_id: str) -> Application | None:
    """The stored item of an application by id (ops and tests that read or rewrite raw items)."""
    with storing():
        try:
            ref = ApplicationRef.get(*application_ref_key(application_id))
        except ApplicationRef.DoesNotExist:
            return None
    return _stored(ref.account_id, application_id)


def get_by_id(application_id: str) -> ApplicationRecord | None:
    """An application by id alone (school administrators, the queue handler)."""
    item = stored_by_id(application_id)
    return None if item is None else application_of(item)


def of_parent(account_id: str, limit: int, start: dict[str, Any] | None) -> Any:
    """A page of a parent's applications."""
    with storing():
        return Reading(Application.query(account_pk(account_id), Application.sk.startswith(APPLICATION_PREFIX),
                                         limit=limit, last_evaluated_key=start))


def of_parent_page(account_id: str, limit: int,
                   cursor: PageCursor | None) -> tuple[list[ApplicationRecord], str | None]:
    """A page of a parent's applications and the cursor after it."""
    items, next_cursor = page(of_parent(account_id, limit, decode_cursor(cursor)), cursor)
    return [application_of(item) for item in items], next_cursor


def of_school_page(school_id: str, state: str, limit: int, cursor: PageCursor | None,
                   words: list[str] | None = None,
                   decided_before: str | None = None) -> tuple[list[ApplicationRecord], str | None]:
    """A page of a school's applications in one state (see `of_school`) and the cursor after it."""
    items, next_cursor = page(of_school(school_id, state, limit, decode_cursor(cursor), words, decided_before),
                              cursor)
    return [application_of(item) for item in items], next_cursor


def of_school(school_id: str, state: str, limit: int, start: dict[str, Any] | None,
              words: list[str] | None = None, decided_before: str | None = None) -> Any:
    """A page of a school's applications in one state, by child's name; with `words`, only those
    whose child's or applicant's name has a word beginning with each; with `decided_before` (ISO
    8601 UTC), only those decided before then (each a filtered Query, bounded)."""
    pk = applications_pk(school_id, state)
    condition = word_prefixes(Application.search_text, words or [])
    if decided_before is not None:
        before = Application.decided_at < decided_before
        condition = before if condition is None else condition & before
    with storing():
        if condition is None:
            return Reading(Application.gsi1.query(pk, limit=limit, last_evaluated_key=start))
        results = Application.gsi1.query(pk, filter_condition=condition,
                                         page_size=READ_SIZE, last_evaluated_key=start)
    return FilteredPage(results, Application, limit)


def save_applicant(application: ApplicationRecord) -> None:
    """Store the applicant's details and the search text an application was filed without."""
    applicant = (Application.applicant_name, Application.applicant_email, Application.applicant_phone,
              Application.applicant_phone_verified, Application.search_text)
    actions: list[Action] = [f.set(v) for f in applicant if (v := getattr(application, f.attr_name)) is not None]
    with storing():
        _item(application).update(actions=actions, condition=Application.pk.exists())


APPLICANT_FIELDS = ("account_id", "name", "email", "phone", "phone_verified")
STUDENT_FIELDS = ("student_id", "class_id", "last_name", "first_name", "middle_name", "birth_date")


def details_of(applications: list[ApplicationRecord]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """For a page of applications, in one BatchGetItem: the accounts of applicants filed before
    applications kept their applicant's details, and the students matched on the roster; each as
    plain values by id, only the fields the school's list shows (never a password hash)."""
    from boto3.dynamodb.types import TypeDeserializer

    accounts_wanted = {account_key(a.account_id) for a in applications if not a.applicant_name}
    keys = sorted(accounts_wanted)
    keys += [roster_student_key(a.school_id, a.student_id) for a in applications if a.student_id]
    if not keys:
        return {}, {}
    des = TypeDeserializer()
    accounts: dict[str, dict[str, Any]] = {}
    students: dict[str, dict[str, Any]] = {}
    for key, raw in get_many(keys, attributes=tuple(dict.fromkeys(APPLICANT_FIELDS + STUDENT_FIELDS))).items():
        plain = {k: des.deserialize(v) for k, v in raw.items() if k not in ("PK", "SK")}
        if key in accounts_wanted:
            accounts[str(plain.get("account_id"))] = plain
        else:
            students[str(plain.get("student_id"))] = plain
    return accounts, students


WAITING_STATES = ("awaiting_school_data", "awaiting_choice")


def waiting_for(school_id: str, name_key: str) -> list[ApplicationRecord]:
    """Applications for a child of this name still waiting: for the school's data, or for the
    administrator to pick among namesakes (one Query per state)."""
    found: list[ApplicationRecord] = []
    with storing():
        for state in WAITING_STATES:
            items = Application.gsi1.query(applications_pk(school_id, state),
                                           Application.gsi1sk.startswith(waiting_for_name(name_key)))
            found += [application_of(item) for item in items if isinstance(item, Application)]
    return found


def await_choice(application: ApplicationRecord, candidates: list[Candidate]) -> bool:
    """The application names several students: it waits, with them, for the administrator to
    pick the child; False if it moved on meanwhile (completed, rejected)."""
    gsi1pk, gsi1sk = _index("awaiting_choice", application)
    item = _item(application)
    try:
        with storing():
            item.update(actions=[Application.state.set("awaiting_choice"), Application.gsi1pk.set(gsi1pk),
                                 Application.gsi1sk.set(gsi1sk),
                                 Application.candidates.set(_stored_candidates(candidates))],
                        condition=Application.state.is_in("approved", *WAITING_STATES))
    except ConflictError:
        return False
    application.state, application.candidates = "awaiting_choice", candidates
    return True


# What a state change may write beside the state: who checked or decided, when, and why not.
DECISION_FIELDS = {"checked_by": Application.checked_by, "checked_at": Application.checked_at,
                   "decided_by": Application.decided_by, "decided_at": Application.decided_at,
                   "reject_reason": Application.reject_reason}


def transition(application: ApplicationRecord, from_states: tuple[str, ...], to_state: str,
               changes: dict[str, str] | None = None, refused: DiaryError | None = None,
               release_claim: bool = False, only_if_checked: bool = False) -> None:
    """Move an application between states only from the expected ones (races and replays lose),
    writing `changes` (of DECISION_FIELDS) with it; `only_if_checked`: refused unless the school
    recorded its in-person check."""
    gsi1pk, gsi1sk = _index(to_state, application)
    actions: list[Action] = [Application.state.set(to_state), Application.gsi1pk.set(gsi1pk),
                             Application.gsi1sk.set(gsi1sk),
                             *(DECISION_FIELDS[name].set(value) for name, value in (changes or {}).items())]
    condition = Application.state.is_in(*from_states)
    if only_if_checked:
        condition &= Application.checked_at.exists()
    conflict = refused or ConflictError(code="application_state")
    item = _item(application)
    with storing(conflict=conflict), TransactWrite(connection=connection()) as tx:
        tx.update(item, actions=actions, condition=condition)
        if release_claim:
            tx.delete(_claim(application))
    with storing():
        item.refresh(consistent_read=True)
    _refill(application, item)


def complete_with_code(application: ApplicationRecord, student_id: str, code: AccessCode,
                       chosen_by: str | None = None, chosen_among: tuple[str, ...] = ()) -> bool:
    """Mark the application done and store its access code together; False if already done.
    `chosen_by`: the administrator who picked the child among `chosen_among` (the candidates
    it was waiting with: a pick made on a list since changed loses)."""
    gsi1pk, gsi1sk = _index("completed", application)
    actions: list[Action] = [Application.state.set("completed"), Application.gsi1pk.set(gsi1pk),
                             Application.gsi1sk.set(gsi1sk), Application.student_id.set(student_id)]
    condition = Application.state.is_in("approved", *WAITING_STATES)
    if chosen_by is not None:
        actions.append(Application.chosen_by.set(chosen_by))
        condition = (Application.state == "awaiting_choice") & (
            Application.candidates == _stored_candidates(application.candidates))
    try:
        with storing(), TransactWrite(connection=connection()) as tx:
            tx.update(_item(application), actions=actions, condition=condition)
            code.created_at = now_iso()
            tx.save(code)
    except ConflictError:
        return False
    application.state, application.student_id, application.chosen_by = "completed", student_id, chosen_by
    return True


def namesakes(school_id: str, name_key: str) -> list[Candidate]:
    """The school's students of this normalised full name, with their classes: one Query of the
    roster entries, one BatchGetItem of the students, one of their classes (a few items)."""
    from chalicelib.dal.models import SchoolClass, Student
    from chalicelib.dal.uploads import get_many as get_items

    with storing():
        pk, prefix = roster_namesakes_key(school_id, name_key)
        ids = [entry.student_id for entry in RosterEntry.query(pk, RosterEntry.sk.startswith(prefix))]
    students = [s for s in get_items(student(school_id, i) for i in ids).values() if isinstance(s, Student)]
    classes = get_items(school_class(school_id, s.class_id) for s in students)
    names = {c.class_id: c.name for c in classes.values() if isinstance(c, SchoolClass)}
    return sorted((Candidate(student_id=s.student_id, class_id=s.class_id, class_name=names.get(s.class_id),
                             last_name=s.last_name, first_name=s.first_name, middle_name=s.middle_name,
                             birth_date=s.birth_date or None) for s in students),
                  key=lambda c: (c.class_name or "", c.birth_date or "", c.student_id))


def enqueue(application_id: str) -> None:
    """Hand an approved application to the queue handler."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("sqs").send_message(
            QueueUrl=aws.queue_url(settings.applications_queue_name()),
            MessageBody=json.dumps({"application_id": application_id}),
        )
    except (BotoCoreError, ClientError) as exc:
        raise UnavailableError() from exc
