"""Where each account starts in the cabinet and what its header offers (web/js/staff.js): the city
operator its schools, the administrator the school, the teacher the classes, a parent the children;
a staff page opened by someone without the role says so and shows nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from ops.seed_demo import ADMIN, OPERATOR, PARENT, TEACHER


def _sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_label("Пароль").press("Enter")


def _menu(page: Any) -> Any:
    return page.get_by_role("navigation", name="Главное меню")


@pytest.mark.parametrize(("who", "lands", "entry"), [
    (OPERATOR, "/#/operator", "Школы города"),
    (ADMIN, "/#/school/{school}", "Школа"),
    (TEACHER, "/#/teach", "Журнал"),
])
def test_each_staff_account_starts_on_its_own_page_with_its_entry_in_the_header(page, cabinet, who, lands, entry):
    _sign_in(page, who.email, who.password)
    page.wait_for_url("**" + lands.format(school=cabinet.school_id))
    link = _menu(page).get_by_role("link", name=entry, exact=True)
    link.wait_for()
    assert link.get_attribute("aria-current") == "page"
    assert _menu(page).get_by_role("link", name="Мои дети").is_visible()  # a member of staff may be a parent too
    page.goto("/#/")  # the home address leads to the same page
    page.wait_for_url("**" + lands.format(school=cabinet.school_id))
    assert page.script_errors == []


def test_a_parent_has_no_staff_entries_and_is_refused_politely_on_a_school_page(page, cabinet):
    _sign_in(page, PARENT.email, PARENT.password)
    page.wait_for_url("**/#/children**")
    for entry in ("Школа", "Журнал", "Школы города"):
        assert _menu(page).get_by_role("link", name=entry, exact=True).count() == 0
    page.goto(f"/#/school/{cabinet.school_id}/applications")
    page.get_by_role("alert").filter(has_text="Вы не администратор этой школы.").wait_for()
    page.goto("/#/operator")
    page.get_by_role("alert").filter(has_text="только оператору города").wait_for()
    page.goto(f"/#/teach/{cabinet.school_id}/classes/x/journal")
    page.get_by_role("alert").filter(has_text="Вы не учитель этой школы.").wait_for()
    assert page.script_errors == []
