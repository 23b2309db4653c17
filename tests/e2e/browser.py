"""The cabinet in a real browser: the running local system (`python -m ops.run_local`, as `make run`
starts it) and Debian's Chromium driven by Playwright. tests/conftest.py registers the fixtures
(`cabinet`, `browser`, `page`); test files import the helpers:

    from tests.e2e.browser import axe_violations, screenshots, sign_in

`cabinet` is one local system per test worker (session scope); each test gets a fresh browser
context, so no sign-in leaks from one test to the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from ops.moto_server import read_mailbox
from ops.services import ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps calling Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-gpu", "--disable-quic"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SESSION_SETTINGS = ("DIARY_TABLE", "OUTBOX_QUEUE", "APPLICATIONS_QUEUE", "ALERTS_QUEUE", "SES_FEEDBACK_TOPIC",
                    "UPLOADS_QUEUE", "UPLOAD_BUCKET", "SIGNING_SECRET", "STAGE", "AUDIT_LOG_FILE")


@dataclass
class Cabinet:
    """A running local system: the cabinet's and the API's addresses, the demo school, the mailbox."""

    web: str
    api: str
    moto_port: int
    school_id: str
    banner: str

    def mailbox(self, to: str) -> dict[str, Any]:
        """What the local system sent to an address or phone: {"emails", "bulk", "sms"}."""
        return read_mailbox(self.moto_port, to)

    def login(self, email: str, password: str) -> dict[str, str]:
        """An Authorization header for API calls a test makes beside the browser (the administrator's steps)."""
        answer = requests.post(f"{self.api}/auth/login", json={"email": email, "password": password}, timeout=90)
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="session")
def cabinet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cabinet]:
    ports = {"PORT": free_port(), "DYNAMODB_PORT": free_port(), "MOTO_PORT": free_port(), "WEB_PORT": free_port()}
    # Not the test session's own stand-ins either (tests/conftest.py names its table and queues):
    # the local system would send approved applications to a queue its moto does not have (a 503).
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL") and k not in SESSION_SETTINGS}
    env.update({k: str(v) for k, v in ports.items()})
    env["LOCAL_STATE_DIR"] = str(tmp_path_factory.mktemp("local-system"))
    proc = subprocess.Popen([sys.executable, "-m", "ops.run_local"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 300  # a start on a busy 2-core machine
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            break
    else:
        proc.kill()
    banner = "".join(lines)
    if "Ctrl-C stops everything" not in banner:
        proc.kill()
        raise AssertionError("the local system did not come up:\n" + banner)
    school_id = banner.split("Demo school id:")[1].split()[0]
    try:
        yield Cabinet(web=f"http://127.0.0.1:{ports['WEB_PORT']}", api=f"http://127.0.0.1:{ports['PORT']}",
                      moto_port=ports["MOTO_PORT"], school_id=school_id, banner=banner)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium (make test does it)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, cabinet: Cabinet) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the cabinet, at desktop size, Russian locale."""
    context = browser.new_context(base_url=cabinet.web, viewport=DESKTOP, locale="ru-RU")
    context.set_default_timeout(30_000)  # a busy machine; Playwright waits for what it looks for
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.script_errors = errors
    yield tab
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now.
    axe is evaluated through the DevTools protocol, which the page's CSP does not govern."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def screenshots(page: Any, name: str) -> list[Path]:
    """The page at 360 px and 1280 px under build/screenshots/ for review; asserts no horizontal
    scrolling at either width. Leaves the viewport at desktop size."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for label, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {label} px"
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    page.set_viewport_size(DESKTOP)
    return written


def sign_in(page: Any, email: str, password: str) -> None:
    """Signs in through the cabinet's own form and waits for the children's page."""
    page.goto("/#/signin")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/#/children**")
