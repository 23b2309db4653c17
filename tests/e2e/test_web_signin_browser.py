"""The cabinet's sign-in in a real browser (Chromium on the local system, http://127.0.0.1): the
Secure cookie is kept there (Chromium counts loopback as a secure context), a reload signs the
reader back in from it, no script or storage ever holds the refresh token, and sign-out ends it."""

from __future__ import annotations

from typing import Any

from ops.seed_demo import PARENT
from tests.e2e.browser import sign_in


def _refresh_cookies(page: Any) -> list[dict[str, Any]]:
    return [c for c in page.context.cookies() if c["name"] == "ediary_refresh"]


def _signed_in_header(page: Any) -> Any:
    return page.get_by_role("navigation", name="Главное меню").get_by_role("button", name="Выйти")


def test_a_reload_keeps_the_sign_in_and_no_script_sees_the_token(page, cabinet):
    sign_in(page, PARENT.email, PARENT.password)
    # The browser kept the cookie on the loopback address, with every attribute the API set
    [cookie] = _refresh_cookies(page)
    assert (cookie["domain"], cookie["path"], cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (
        "127.0.0.1", "/api/auth", True, True, "Strict")
    # A page that needs no page module of its own, opened again: the cookie signs the reader back in
    page.goto("/#/nowhere")
    page.reload()
    _signed_in_header(page).wait_for()
    assert "/#/signin" not in page.url
    rotated = _refresh_cookies(page)[0]["value"]
    assert rotated != cookie["value"]  # the reload's refresh rotated it
    # and no script can read the refresh token, nor find any token in the page's storage
    assert "ediary_refresh" not in page.evaluate("document.cookie")
    stored = page.evaluate("""() => [localStorage, sessionStorage].flatMap(s =>
        Object.keys(s).map(k => k + '=' + s.getItem(k))).join('\\n')""")
    assert rotated not in stored and cookie["value"] not in stored
    assert "token" not in stored.lower() and "eyJ" not in stored  # no access token (a JWT) either
    # Sign-out: the cookie is gone, and a reload lands on the sign-in page
    _signed_in_header(page).click()
    page.wait_for_url("**/#/signin**")
    assert _refresh_cookies(page) == []
    page.reload()
    page.get_by_role("heading", name="Вход").wait_for()
    assert page.get_by_role("button", name="Выйти").count() == 0
    page.goto("/#/children")
    page.wait_for_url("**/#/signin**")  # a page that needs a sign-in sends to it
