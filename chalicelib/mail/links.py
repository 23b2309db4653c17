"""Where an email sends its reader: a page of the families' cabinet (web/, hash routes declared in
web/js/app.js), at the stage's configured address (CABINET_URL: .chalice/config.json, set at
deploy to the CloudFront distribution's; locally ops/run_local.py gives it WEB_PORT)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

# The child's page an alert is about (web/js/app.js: /children/:studentId/<section>).
SECTION_OF_KIND = {
    "new_grade": "grades",
    "remark": "week",  # a remark is on a lesson: the week shows it beside the lesson and its grade
    "absence": "attendance",
    "homework": "homework",
    "schedule_change": "week",
    "school_event": "events",
    "parent_meeting": "events",
}


def cabinet_url() -> str:
    """The cabinet's public address, without a trailing slash."""
    from chalicelib.settings import get_settings

    return get_settings().cabinet_url


def page(path: str, **query: str) -> str:
    """The cabinet's page `path` ("/code") with its query filled in: <cabinet>/#/code?code=…"""
    search = urlencode({k: v for k, v in query.items() if v}, quote_via=quote)
    return f"{cabinet_url()}/#{path}" + (f"?{search}" if search else "")


def api(path: str) -> str:
    """An API address through the cabinet's origin (<cabinet>/api/…): one host for families, the
    one CloudFront serves, instead of the API Gateway stage's own."""
    return f"{cabinet_url()}/api{path}"


def alert_page(kind: str, student_id: str, data: dict[str, Any]) -> str:
    """The page an alert is about: a message opens its thread, the rest the child's section."""
    if kind == "message":
        thread_id = str(data.get("thread_id") or "")
        return page(f"/messages/{quote(thread_id, safe='')}") if thread_id else page("/messages")
    section = SECTION_OF_KIND.get(kind)
    if section and student_id:
        return page(f"/children/{quote(student_id, safe='')}/{section}")
    return page("/children")
