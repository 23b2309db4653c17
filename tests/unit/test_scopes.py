"""What a link opens of a child's diary (chalicelib/domain/children.py `may_see`) and, by the same
scope, which alerts it may hear (chalicelib/domain/alert_rules.py `kinds_for`): a parent everything,
a viewer the profile and the parts the parent granted. Through the API: tests/functional/test_authorization.py."""

from __future__ import annotations

from chalicelib.domain.alert_rules import KINDS, kinds_for
from chalicelib.domain.children import PARTS, may_see

TUTOR_SCOPE = frozenset({"homework", "grades"})


def test_a_parent_sees_every_part_with_no_scope_at_all():
    assert all(may_see("parent", frozenset(), part) for part in PARTS)


def test_a_viewer_sees_the_profile_and_the_granted_parts_only():
    seen = {part for part in PARTS if may_see("tutor", TUTOR_SCOPE, part)}
    assert seen == {"profile", "homework", "grades"}
    assert {part for part in PARTS if may_see("relative", frozenset(), part)} == {"profile"}


def test_a_part_nobody_defined_is_shut_even_to_a_parent_and_even_if_granted():
    assert not may_see("parent", frozenset(), "passport")
    assert not may_see("tutor", frozenset({"passport"}), "passport")


def test_a_viewer_hears_only_of_the_parts_granted_and_never_of_the_familys_messages():
    assert kinds_for("parent", frozenset()) == KINDS
    # grades bring the new grade and its remark; homework its own alert
    assert kinds_for("tutor", TUTOR_SCOPE) == ("new_grade", "remark", "homework")
    # events bring school events and the school's news; meetings parent meetings
    assert kinds_for("relative", frozenset({"events", "meetings"})) == ("school_event", "parent_meeting", "news")
    everything = frozenset(PARTS)
    assert "message" not in kinds_for("student", everything) and "message" in kinds_for("parent", everything)
