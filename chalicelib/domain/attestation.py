"""Term (intermediate) and final attestation results: set by the subject's teacher or an
administrator, or brought by the school's upload; read by the family under "grades"."""

from __future__ import annotations

from typing import Any

from chalicelib.clock import now_iso
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import AttestationResult, DiaryItem, Term
from chalicelib.dal.store import storing
from chalicelib.domain.tokens import Caller
from chalicelib.errors import ForbiddenError, NotFoundError

RESULTS = ("5", "4", "3", "2", "pass", "fail")
FINAL = "final"


def result_key(student_id: str, period: str, subject_id: str) -> tuple[str, str]:
    """Where a result is stored: in the student's partition, by period and subject."""
    return f"STUDENT#{student_id}", f"ATTESTATION#{period}#{subject_id}"


def make(school_id: str, class_id: str, student_id: str, subject_id: str, period: str, result: str,
         changed_by: str, source: str = "teacher") -> AttestationResult:
    """A result item (not yet stored)."""
    pk, sk = result_key(student_id, period, subject_id)
    return AttestationResult(pk, sk, school_id=school_id, class_id=class_id, student_id=student_id,
                             subject_id=subject_id, period=period, result=result, changed_by=changed_by,
                             source=source)


def record(caller: Caller, school_id: str, student_id: str, subject_id: str, period: str,
           result: str) -> dict[str, Any]:
    """Set (or correct) a student's result for a term or the year."""
    student = school_store.get_student(school_id, student_id)
    if student is None:
        raise NotFoundError(code="student_not_found")
    if school_store.get_subject(school_id, subject_id) is None:
        raise NotFoundError(field="subject_id", code="subject_not_found")
    if period != FINAL and not any(t.term_id == period for t in school_store.all_terms(school_id)):
        raise NotFoundError(field="period", code="term_not_found")
    teaches = school_store.get_teaching(school_id, caller.account_id, student.class_id, subject_id) is not None
    if not (caller.is_admin_of(school_id) or teaches):
        raise ForbiddenError(code="not_your_class")
    item = make(school_id, student.class_id, student_id, subject_id, period, result, caller.account_id)
    item.created_at = now_iso()
    with storing():
        item.save()
    return view(item)


def view(item: AttestationResult, terms: dict[str, Term] | None = None, subject_name: str = "") -> dict[str, Any]:
    """A result as the API shows it."""
    term = (terms or {}).get(item.period)
    return {"subject_id": item.subject_id, "subject_name": subject_name, "period": item.period,
            "period_name": term.name if term else ("Итоговая" if item.period == FINAL else item.period),
            "result": item.result}


def of_child(caller: Caller, student_id: str) -> dict[str, Any]:
    """A child's term and final results, by period then subject (part: grades)."""
    from chalicelib.domain.diary import Context

    ctx, _ = Context.open(caller, student_id, "grades")
    with storing():
        items = [i for i in DiaryItem.query(f"STUDENT#{student_id}", DiaryItem.sk.startswith("ATTESTATION#"))
                 if isinstance(i, AttestationResult)]
    terms = {t.term_id: t for t in school_store.all_terms(ctx.access.school_id)}
    ctx.learn({i.subject_id for i in items}, set())
    order = {term_id: term.starts_on for term_id, term in terms.items()}
    items.sort(key=lambda i: (order.get(i.period, "9999"), ctx.subject(i.subject_id)))
    return {"student_id": student_id,
            "results": [view(i, terms, ctx.subject(i.subject_id)) for i in items]}
