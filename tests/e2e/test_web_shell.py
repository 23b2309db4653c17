"""The cabinet's shell in a real browser: served on one port with the API under /api, the strict
CSP in force, Russian first, the sign-in form, and no serious accessibility violation."""

from __future__ import annotations

import requests

from tests.e2e.browser import axe_violations, screenshots


def test_the_cabinet_is_served_with_its_security_headers_and_the_api_beside_it(cabinet):
    index = requests.get(cabinet.web + "/", timeout=10)
    assert index.status_code == 200 and '<html lang="ru">' in index.text
    policy = index.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(cabinet.web + "/api/health", timeout=10).json()["status"] == "ok"
    assert requests.get(cabinet.api + "/health", timeout=10).json()["status"] == "ok"  # API clients keep theirs
    assert requests.get(cabinet.web + "/../README.md", timeout=10).status_code == 404
    assert cabinet.banner.index("Open the cabinet") < cabinet.banner.index("API:")


def test_sign_in_page_reads_in_russian_and_passes_axe(page):
    page.goto("/#/signin")
    page.get_by_role("heading", name="Вход").wait_for()
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert axe_violations(page) == []
    screenshots(page, "signin")
    page.get_by_role("button", name="Войти").click()  # nothing filled: the fields say so
    assert page.get_by_text("Заполните это поле.").first.is_visible()
    assert page.script_errors == []
