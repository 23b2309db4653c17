"""The few pages a person opens from an email in a browser (the unsubscribe link): Jinja2 templates
in chalicelib/templates/pages, one per language, escaped, no script, under a strict CSP."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice.app import Response

PAGES = Path(__file__).resolve().parent.parent / "templates" / "pages"
LANGUAGES = ("ru", "en")
# Nothing to load but the page itself; its one form posts back here; no framing (a one-button
# page is what clickjacking wants); the signed link in the address never leaves as a Referer.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(PAGES)), autoescape=True, undefined=StrictUndefined)


def page(name: str, language: str, status: int = 200, **data: Any) -> Response:
    """A page in the reader's language (Russian unless English)."""
    lang = language if language in LANGUAGES else "ru"
    body = _environment().get_template(f"{name}.{lang}.html.j2").render(**data)
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8", **HEADERS})


def wants_html(headers: dict[str, str]) -> bool:
    """Whether the caller is a browser (asks for HTML); other clients get the JSON error envelope."""
    return "text/html" in headers.get("accept", "").lower()
