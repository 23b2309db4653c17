"""A family's access to a child's diary: codes, parents and viewers, invitations, the audit trail.

Every request for a child's data goes through `open_child`, which decides on the link as read from
the database in that request (never from the token), so a revocation takes effect on the next
request. A page may read the link itself, consistently, together with its own data (the week).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import epoch
from chalicelib.dal import access_codes as code_store
from chalicelib.dal import accounts as account_store
from chalicelib.dal import applications as application_store
from chalicelib.dal import children as store
from chalicelib.dal import diary as diary_store
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import DEFAULT_TIMEZONE, AccessCode, AuditEntry, Guardianship, Invitation, Viewer
from chalicelib.dal.store import Found, PageCursor, decode_cursor, get_many, iso_of_epoch, page
from chalicelib.domain import quotas, secrets
from chalicelib.domain.accounts import new_id
from chalicelib.domain.tokens import MAX_CHILD_HINTS, ChildHint
from chalicelib.errors import (
    AuthenticationError,
    ConflictError,
    DiaryError,
    ForbiddenError,
    NotFoundError,
    TooManyAttemptsError,
)
from chalicelib.settings import get_settings

# The parts of a child's diary a viewer may be given. "profile" (whose diary this is: name,
# class, school) is not among them: every linked viewer sees it, or the rest would be nameless.
SCOPED_PARTS = ("grades", "homework", "attendance", "schedule", "events", "meetings", "statistics")
ALWAYS_VISIBLE = ("profile",)
PARTS = ALWAYS_VISIBLE + SCOPED_PARTS
VIEWER_ROLES = ("student", "relative", "tutor")
RELATIONS = ("mother", "father", "guardian", "other")  # a parent's, from the application
# The role an audit entry gives the person who acted, as they were then: a parent's relation, a
# viewer's role, or a staff role; a stable code, shown with its label in the reader's language.
STAFF_ROLES = ("teacher", "administrator", "operator", "system")
UNKNOWN_ROLE = "unknown"  # an entry written before roles were kept
AUDIT_ROLES = (*RELATIONS, *VIEWER_ROLES, *STAFF_ROLES, UNKNOWN_ROLE)
# Actions whose `subject` is an account: the person linked or revoked.
PERSON_SUBJECTS = ("guardian_linked", "invitation_accepted", "viewer_revoked")
CODE_PURPOSE = "access-code"  # application and invitation codes share one format and hash purpose
MAX_CODE_ATTEMPTS = 5
INVITATION_VALID_DAYS = 7


@dataclass(frozen=True)
class ChildAccess:
    """What the caller may do with the child, as found in the database just now."""

    account_id: str
    student_id: str
    school_id: str
    role: str  # "parent" or a viewer's role
    scope: frozenset[str]
    unseen_grades: frozenset[str] = frozenset()  # grade ids posted since this account last saw them
    name: str | None = None  # as the link keeps it (none on a parent's link made before names were kept)
    relation: str = ""  # a parent's (mother, father…) or a viewer's role: what the audit trail says

    @property
    def is_guardian(self) -> bool:
        """A parent linked through an application: sees all, invites, reads the audit."""
        return self.role == "parent"


def may_see(role: str, scope: frozenset[str] | set[str], part: str) -> bool:
    """Whether a link of this role and scope opens this part of the child's data."""
    if part not in PARTS:
        return False
    if role == "parent" or part in ALWAYS_VISIBLE:
        return True
    return part in scope


def _access(link: Guardianship | Viewer) -> ChildAccess:
    unseen = frozenset(link.unseen_grade_ids or ())
    if isinstance(link, Guardianship):
        return ChildAccess(link.account_id, link.student_id, link.school_id, "parent", frozenset(PARTS), unseen,
                           link.name, link.relation)
    return ChildAccess(link.account_id, link.student_id, link.school_id, link.role, frozenset(link.scope or ()),
                       unseen, link.name, link.role)


def grade_watchers(student_id: str) -> list[str]:
    """The accounts whose "new grades" count a new grade of this child moves: parents and the
    viewers whose scope holds grades."""
    return [a.account_id for a in map(_access, store.links_of_child(student_id)) if may_see(a.role, a.scope, "grades")]


def grades_seen(access: ChildAccess, shown: set[str]) -> None:
    """The new grades a page has just shown are new no longer (only those: a week shows a week)."""
    store.note_grades(access.student_id, access.account_id, set(access.unseen_grades & shown), unseen=False)


Links = Mapping[str, Guardianship | Viewer | None]


def _link(account_id: str, student_id: str, known: Links | None = None) -> ChildAccess:
    def link_of_account(who: str) -> Guardianship | Viewer | None:
        if known is not None and who in known:
            return known[who]
        return store.access_of(student_id, who)

    link = link_of_account(account_id)
    if link is None:
        raise ForbiddenError(code="child_not_linked")
    # A viewer sees the child only through the parent who invited them: no parent, no viewer.
    if isinstance(link, Viewer) and not isinstance(link_of_account(link.invited_by), Guardianship):
        raise ForbiddenError(code="child_not_linked")
    return _access(link)


def link_of(caller_account_id: str, student_id: str) -> ChildAccess:
    """The caller's live link to the child (parent or viewer), without auditing an opening:
    for settings about the child, such as alert preferences."""
    return _link(caller_account_id, student_id)


def link_keys(caller_account_id: str, student_id: str, invited_by: str = "") -> list[tuple[str, str]]:
    """The links deciding the caller's access, for a page that reads them with its data."""
    return [store.access_key(student_id, who) for who in (caller_account_id, invited_by) if who]


def links_among(found: Mapping[tuple[str, str], dict[str, Any]], student_id: str, *accounts: str) -> Links:
    """The links of these accounts among items read together (None: read, and not there)."""
    return {who: store.link_from_raw(found.get(store.access_key(student_id, who))) for who in accounts if who}


def open_child(caller_account_id: str, student_id: str, part: str, known: Links | None = None) -> ChildAccess:
    """The one access check for a child's data: refuses an unlinked caller or a part outside a
    viewer's scope, and records the opening in the child's audit trail (through the log: it is
    stored moments later, off the request). `known`: links just read consistently by the caller
    (`open_child_reading`); any other is read here."""
    if part not in PARTS:
        raise NotFoundError(code="unknown_part")
    access = _link(caller_account_id, student_id, known)
    if not may_see(access.role, access.scope, part):
        raise ForbiddenError(code="part_out_of_scope")
    store.record_opening(student_id, caller_account_id, part, access.name, access.relation)
    return access


def hints_of(account_id: str) -> dict[str, ChildHint]:
    """Where each of the account's children is, for its next access token (domain/tokens.py):
    the account's links (one Query), then the students and their schools (one BatchGetItem)."""
    links, _ = page(store.children_of(account_id, MAX_CHILD_HINTS, None))
    links = [link for link in links if isinstance(link, Guardianship | Viewer)]
    if not links:
        return {}
    found = get_many([key for link in links for key in diary_store.context_keys(link.school_id, link.student_id)[:2]])
    hints = {}
    for link in links:
        student, school, _ = diary_store.context_of(found, link.school_id, link.student_id)
        if student is not None:
            hints[link.student_id] = ChildHint(
                school_id=link.school_id, class_id=student.class_id,
                timezone=school.timezone if school and school.timezone else DEFAULT_TIMEZONE,
                invited_by=link.invited_by if isinstance(link, Viewer) else "")
    return hints


def open_child_reading(caller_account_id: str, student_id: str, part: str, invited_by: str,
                       keys: list[tuple[str, str]]) -> tuple[ChildAccess, Found]:
    """`open_child` for a caller whose token says where the child is: the links are read
    (consistently) in the page's own BatchGetItem, decide exactly as in `open_child`, and the
    opening is recorded before anything is shown. One call for the whole page.

    (The entry used to be a PutItem after the read: the week cost 1.4-2 times two bare Queries.
    Written on a thread beside the read it measured no faster on DynamoDB Local.)"""
    found = get_many(link_keys(caller_account_id, student_id, invited_by) + keys, consistent=True)
    known = links_among(found, student_id, caller_account_id, invited_by)
    return open_child(caller_account_id, student_id, part, known), found


def require_guardian(caller_account_id: str, student_id: str) -> ChildAccess:
    """Only a parent may manage who sees the child."""
    access = _link(caller_account_id, student_id)
    if not access.is_guardian:
        raise ForbiddenError(code="guardian_only")
    return access


def _cards(accesses: list[ChildAccess]) -> list[dict[str, Any]]:
    """The children's cards: their records and schools in one BatchGetItem, their classes in one more."""
    found = get_many([key for a in accesses for key in diary_store.context_keys(a.school_id, a.student_id)[:2]])
    students = {a.student_id: diary_store.context_of(found, a.school_id, a.student_id)[:2] for a in accesses}
    classes = get_many([school_store.class_key(a.school_id, student.class_id)
                        for a in accesses if (student := students[a.student_id][0]) is not None])
    cards = []
    for access in accesses:
        student, school = students[access.student_id]
        if student is None:
            continue  # a record removed under a live link: nothing to show
        klass = classes.get(school_store.class_key(access.school_id, student.class_id), {})
        cards.append({
            "student_id": student.student_id, "school_id": access.school_id,
            "school_name": school.name if school else "", "class_id": student.class_id,
            "class_name": klass.get("name", {}).get("S", ""), "last_name": student.last_name,
            "first_name": student.first_name, "middle_name": student.middle_name,
            "role": access.role, "scope": sorted(access.scope),
        })
    return cards


def _card(access: ChildAccess) -> dict[str, Any]:
    cards = _cards([access])
    if not cards:
        raise NotFoundError(code="child_not_found")
    return cards[0]


def child_profile(caller_account_id: str, student_id: str) -> dict[str, Any]:
    """The child's card (name, class, school): the "profile" part."""
    return {**_card(open_child(caller_account_id, student_id, "profile")), "part": "profile"}


def list_children(account_id: str, lang: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The children this account is linked to, as a parent or a viewer, each with a one-line
    summary: grades posted since this account last saw them, and unread messages about the child."""
    from chalicelib.domain.messages import unread_by_child

    items, next_cursor = page(store.children_of(account_id, limit, decode_cursor(cursor)), cursor)
    accesses = [_access(link) for link in items]
    unread = unread_by_child(account_id) if accesses else {}
    cards = []
    for access, card in zip(accesses, _cards(accesses), strict=False):
        new_grades = len(access.unseen_grades) if may_see(access.role, access.scope, "grades") else 0
        messages = unread.get(access.student_id, 0)
        cards.append({**card, "new_grades": new_grades, "unread_messages": messages,
                      "summary": summary_line(new_grades, messages, lang)})
    return {"items": cards, "next_cursor": next_cursor}


def summary_line(new_grades: int, unread_messages: int, lang: str) -> str:
    """E.g. «Новые оценки: 2 · Непрочитанные сообщения: 1»: a label and a number, so no plural forms."""
    from chalicelib import i18n

    parts = [i18n.message(code, lang, n=n) for code, n in (("summary_new_grades", new_grades),
                                                           ("summary_unread_messages", unread_messages)) if n]
    return " · ".join(parts) if parts else i18n.message("summary_nothing_new", lang)


# --- redeeming a code -----------------------------------------------------------------


def redeem(caller_account_id: str, code: str, application_id: str | None = None,
           invitation_id: str | None = None) -> dict[str, Any]:
    """Trade a one-time code (from an approved application or an invitation) for a link.

    Every try is counted against the account first, whichever code it is aimed at; then against
    the one code it is aimed at (named, or the code it matches, or the account's only live code),
    so a mistyped code never spends another one."""
    account = account_store.get_account(caller_account_id)
    if account is None:
        raise AuthenticationError()
    quotas.spend("too_many_attempts", (quotas.ACCESS_CODE_GUESSES_PER_ACCOUNT_HOUR, account.account_id),
                 (quotas.ACCESS_CODE_GUESSES_PER_ACCOUNT_DAY, account.account_id))
    typed = secrets.normalise_access_code(code)
    # Invitation codes are held by the address they were sent to, so only the account
    # registered with that address finds them.
    codes = store.codes_of([f"ACCOUNT#{account.account_id}", f"EMAIL#{account.email}"])
    now = epoch()
    match = _aimed_at(codes, typed, now, application_id, invitation_id)
    if match is None:
        raise DiaryError(field="code", code="code_invalid")
    if match.valid_until <= now:
        raise DiaryError(field="code", code="code_expired")
    attempt = code_store.take_attempt(match, MAX_CODE_ATTEMPTS)
    if attempt == "spent":
        raise TooManyAttemptsError(retry_after=0, code="code_attempts_exceeded")
    if attempt == "gone" or not secrets.same_digest(typed, CODE_PURPOSE, match.code_hash):
        raise DiaryError(field="code", code="code_invalid")
    holder = match.pk.removeprefix("HOLDER#")
    existing = store.access_of(match.student_id, account.account_id)
    if match.purpose == "application":
        application = application_store.get(account.account_id, match.ref_id)
        link: Guardianship | Viewer = Guardianship(
            account_id=account.account_id, student_id=match.student_id, school_id=match.school_id,
            relation=application.relation if application else "other", application_id=match.ref_id,
            name=account.name)
        store.link(link, match, holder, "guardian_linked")
    else:
        invitation = store.get_invitation(match.student_id, match.ref_id)
        if invitation is None or invitation.state != "pending":
            raise DiaryError(field="code", code="code_invalid")
        if isinstance(existing, Guardianship):
            raise ConflictError(field="code", code="already_linked")
        link = Viewer(account_id=account.account_id, student_id=match.student_id, school_id=match.school_id,
                      role=invitation.role, scope=set(invitation.scope), invitation_id=invitation.invitation_id,
                      invited_by=invitation.invited_by, name=account.name, email=account.email)
        store.link(link, match, holder, "invitation_accepted", invitation=invitation)
    return _card(_access(link))


def _aimed_at(codes: list[AccessCode], typed: str, now: int, application_id: str | None,
              invitation_id: str | None) -> AccessCode | None:
    """The code a try is spent on: the one named, else the one it matches, else the only live
    code the account holds (a mistype of it); None when it cannot be told (nothing is spent)."""
    if application_id or invitation_id:
        purpose, ref_id = ("application", application_id) if application_id else ("invitation", invitation_id)
        return next((c for c in codes if (c.purpose, c.ref_id) == (purpose, ref_id)), None)
    match = next((c for c in codes if secrets.same_digest(typed, CODE_PURPOSE, c.code_hash)), None)
    live = [c for c in codes if c.valid_until > now]
    return match or (live[0] if len(live) == 1 else None)


# --- invitations and viewers (parents only) -------------------------------------------


def invitation_view(item: Invitation) -> dict[str, Any]:
    """An invitation as its parent sees it."""
    return {"invitation_id": item.invitation_id, "student_id": item.student_id, "email": item.email,
            "role": item.role, "scope": sorted(item.scope or ()), "state": item.state,
            "created_at": item.created_at, "valid_until": iso_of_epoch(item.valid_until)}


def invite(caller_account_id: str, student_id: str, email: str, role: str, scope: list[str]) -> dict[str, Any]:
    """A parent invites someone to see part of the child's diary; the code goes to that address."""
    access = require_guardian(caller_account_id, student_id)
    if role not in VIEWER_ROLES or not scope or not set(scope) <= set(SCOPED_PARTS):
        raise DiaryError(field="scope", code="validation_failed")
    inviter = account_store.get_account(caller_account_id)
    student = school_store.get_student(access.school_id, student_id)
    if inviter is None or student is None:
        raise NotFoundError(code="child_not_found")
    valid = INVITATION_VALID_DAYS * 86_400
    invitation = Invitation(invitation_id=new_id(), student_id=student_id, school_id=access.school_id,
                            email=email, role=role, scope=set(scope), state="pending",
                            invited_by=caller_account_id, valid_until=epoch() + valid)
    # Counted before storing: a refused invitation leaves nothing for the stream to email.
    quotas.spend("too_many_invitations", (quotas.INVITATIONS_PER_PARENT_HOUR, caller_account_id),
                 (quotas.INVITATIONS_PER_PARENT_DAY, caller_account_id),
                 (quotas.INVITATIONS_PER_CHILD_DAY, f"STUDENT#{student_id}"))
    stored = store.new_code_item(f"EMAIL#{email}", "invitation", invitation.invitation_id,
                                 secrets.digest(secrets.invitation_code(invitation.invitation_id), CODE_PURPOSE),
                                 student_id, access.school_id, valid)
    # The email with the code is an alert made from the new invitation on the table's stream
    # (domain/alerts.py): the request only stores, so a failed send never half-writes it.
    store.create_invitation(invitation, stored, caller_account_id, access.name or inviter.name, access.relation)
    return invitation_view(invitation)


def invitation_email(student_id: str, invitation_id: str) -> dict[str, Any] | None:
    """To whom and what the invitation email says; None once the invitation is no longer pending."""
    invitation = store.get_invitation(student_id, invitation_id)
    if invitation is None or invitation.state != "pending":
        return None
    inviter = account_store.get_account(invitation.invited_by)
    student = school_store.get_student(invitation.school_id, student_id)
    invitee_id = account_store.find_account_id(invitation.email)
    invitee = account_store.get_account(invitee_id) if invitee_id else None
    language = (invitee.language if invitee else inviter.language if inviter else None) or "ru"
    data = {"inviter": inviter.name if inviter else "", "role": invitation.role,
            "child_name": f"{student.first_name} {student.last_name}" if student else "",
            "scope": sorted(invitation.scope or ()),
            "code": secrets.invitation_code(invitation_id, int(invitation.code_generation or 0)),
            "valid_days": INVITATION_VALID_DAYS, "link": f"{get_settings().public_url}/children"}
    return {"account_id": invitee_id or "", "to": invitation.email, "language": language,
            "suppressed": bool(invitee and invitee.email_suppressed), "template": "invitation", "data": data}


def list_invitations(caller_account_id: str, student_id: str, limit: int, cursor: PageCursor | None) -> dict[str, Any]:
    """The child's invitations still waiting to be accepted."""
    require_guardian(caller_account_id, student_id)
    items, next_cursor = page(store.pending_invitations(student_id, limit, decode_cursor(cursor)), cursor)
    return {"items": [invitation_view(i) for i in items], "next_cursor": next_cursor}


def revoke_invitation(caller_account_id: str, student_id: str, invitation_id: str) -> None:
    """Withdraw an invitation before it is accepted."""
    access = require_guardian(caller_account_id, student_id)
    invitation = store.get_invitation(student_id, invitation_id)
    if invitation is None:
        raise NotFoundError(code="invitation_not_found")
    store.revoke_invitation(invitation, caller_account_id, access.name, access.relation)


def viewer_view(item: Viewer) -> dict[str, Any]:
    """A viewer as the child's parent sees them."""
    return {"account_id": item.account_id, "name": item.name, "email": item.email, "role": item.role,
            "scope": sorted(item.scope or ()), "since": item.created_at}


def list_viewers(caller_account_id: str, student_id: str) -> dict[str, Any]:
    """Everyone a parent let see the child, with what they see."""
    require_guardian(caller_account_id, student_id)
    viewers = [link for link in store.links_of_child(student_id) if isinstance(link, Viewer)]
    return {"items": [viewer_view(v) for v in viewers], "next_cursor": None}


def revoke_viewer(caller_account_id: str, student_id: str, account_id: str) -> None:
    """End a viewer's access; their very next request is refused."""
    access = require_guardian(caller_account_id, student_id)
    link = store.access_of(student_id, account_id)
    if not isinstance(link, Viewer):
        raise NotFoundError(code="viewer_not_found")
    store.revoke_viewer(link, caller_account_id, access.name, access.relation)


def role_label(role: str, lang: str) -> str:
    """A role's name in the reader's language («мать», «репетитор», «администратор школы»)."""
    from chalicelib import i18n

    return i18n.message(f"audit_role_{role if role in AUDIT_ROLES else UNKNOWN_ROLE}", lang)


@dataclass(frozen=True)
class People:
    """Who the accounts of an audit page are now (dal `people_of`): names for entries written
    without one, and whether a viewer's access has since been revoked."""

    items: Mapping[tuple[str, str], Any]
    student_id: str

    def name_now(self, account_id: str) -> str | None:
        """The account's current name; None when it was not read or the account is gone."""
        return getattr(self.items.get(account_store.account_key(account_id)), "name", None)

    def _former(self, account_id: str) -> Any:
        return self.items.get(store.former_viewer_key(self.student_id, account_id))

    def revoked_at(self, account_id: str) -> str | None:
        """When a parent ended this viewer's access, unless they are linked again since."""
        if store.access_key(self.student_id, account_id) in self.items:
            return None
        return getattr(self._former(account_id), "revoked_at", None)

    def role_then(self, account_id: str) -> str | None:
        """A revoked viewer's role, for an entry written before roles were kept."""
        return getattr(self._former(account_id), "role", None)


def _person(people: People, account_id: str | None, name: str | None, role: str | None,
            lang: str) -> dict[str, Any]:
    if account_id:
        name = name or people.name_now(account_id)
        role = role or people.role_then(account_id)
    code = role if role in AUDIT_ROLES else UNKNOWN_ROLE
    return {"account_id": account_id, "name": name, "role": code, "role_label": role_label(code, lang),
            "revoked_at": people.revoked_at(account_id) if account_id else None}


def audit_view(item: AuditEntry, people: People, lang: str) -> dict[str, Any]:
    """One audit entry, naming who acted and whom it concerned, as they were at the time."""
    subject_id = item.subject if item.action in PERSON_SUBJECTS else None
    named_subject = subject_id is not None or item.subject_role is not None
    return {"at": item.created_at, "actor_account_id": item.actor_id, "action": item.action, "part": item.part,
            "subject": item.subject,
            "actor": _person(people, item.actor_id, item.actor_name, item.actor_role, lang),
            "subject_person": _person(people, subject_id, item.subject_name, item.subject_role, lang)
            if named_subject else None}


def _to_look_up(items: list[AuditEntry]) -> tuple[set[str], set[str]]:
    """The accounts an audit page must read: those named nowhere on their entries, and those that
    acted or were linked as viewers (or in an unknown role), who may have been revoked since.
    A page of a parent's own openings reads nothing."""
    unnamed: set[str] = set()
    viewers: set[str] = set()
    for item in items:
        people = [(item.actor_id, item.actor_name, item.actor_role)]
        if item.action in PERSON_SUBJECTS and item.subject:
            people.append((item.subject, item.subject_name, item.subject_role))
        for account_id, name, role in people:
            if not name:
                unnamed.add(account_id)
            if role is None or role in VIEWER_ROLES:
                viewers.add(account_id)
    return unnamed, viewers


def audit(caller_account_id: str, student_id: str, limit: int, cursor: PageCursor | None,
          lang: str = "ru") -> dict[str, Any]:
    """Who opened the child's data and who changed access to it, newest first (parents only),
    each named with their role; the page's people are read in one BatchGetItem."""
    require_guardian(caller_account_id, student_id)
    items, next_cursor = page(store.audit_of(student_id, limit, decode_cursor(cursor)), cursor)
    people = People(store.people_of(student_id, *_to_look_up(items)), student_id)
    return {"items": [audit_view(i, people, lang) for i in items], "next_cursor": next_cursor}
