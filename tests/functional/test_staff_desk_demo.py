"""The demo school holds one pending application from a second demo parent, so a newcomer can
process one at the desk (docs/staff.md, «The applications desk»): filed once, alerting no one."""

from __future__ import annotations


def test_the_demo_school_holds_one_pending_application_filed_once(aws):
    from chalicelib.dal import accounts as account_store
    from chalicelib.domain import applications
    from ops.seed_demo import APPLICANT, LOGINS, seed
    from tests.conftest import sent_emails

    school_id = seed()
    assert APPLICANT in LOGINS  # make run prints its login
    assert seed() == school_id  # a restart files nothing more
    pending = applications.list_for_school(school_id, "pending", 50, None, "Алексеев")["items"]
    assert [(a["child_last_name"], a["child_first_name"], a["class_name"], a["relation"], a["applicant"]["email"])
            for a in pending] == [("Алексеева", "Дарья", "5А", "father", APPLICANT.email)]
    mine = applications.list_mine(account_store.find_account_id(APPLICANT.email), 10, None)["items"]
    assert [a["state"] for a in mine] == ["pending"]
    assert sent_emails(APPLICANT.email) == []
