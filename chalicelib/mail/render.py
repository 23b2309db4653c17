"""Every outgoing email is a Jinja2 template in chalicelib/templates/messages, one per language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.text import one_line

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "messages"
LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class Rendered:
    """An email ready to send."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=4)
def _environment(html: bool, language: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from chalicelib.mail.wording import filters

    # The subject and the text part are plain text: escaping would show «Иванов &amp; Ко» there.
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=html,  # noqa: S701  (the HTML part is rendered with it on)
        undefined=StrictUndefined,  # a missing value is a bug, not a blank in a parent's email
    )
    environment.filters.update(filters(language))  # cases, dates and plurals (mail/wording.py)
    return environment


def _blocks(template: str, html: bool, language: str, data: dict[str, Any]) -> dict[str, str]:
    tpl = _environment(html, language).get_template(template)
    context = tpl.new_context(data)
    return {name: "".join(block(context)).strip() for name, block in tpl.blocks.items()}


def render_email(template: str, language: str, data: dict[str, Any]) -> Rendered:
    """Render the subject and plain-text body as text, the HTML body escaped; the subject on one line."""
    lang = language if language in LANGUAGES else "ru"
    name = f"{template}.{lang}.j2"
    plain, html = _blocks(name, False, lang, data), _blocks(name, True, lang, data)
    return Rendered(subject=one_line(plain["subject"]), text=plain["text"], html=html["html"])
