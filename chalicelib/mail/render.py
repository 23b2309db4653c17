"""Every outgoing email is a Jinja2 template in chalicelib/templates/messages, one per language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "messages"
LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class Rendered:
    """An email ready to send."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a missing value is a bug, not a blank in a parent's email
    )


def render_email(template: str, language: str, data: dict[str, Any]) -> Rendered:
    """Render the subject, plain-text and HTML bodies of a message."""
    lang = language if language in LANGUAGES else "ru"
    tpl = _environment().get_template(f"{template}.{lang}.j2")
    context = tpl.new_context(data)
    blocks = {name: "".join(block(context)).strip() for name, block in tpl.blocks.items()}
    return Rendered(subject=blocks["subject"], text=blocks["text"], html=blocks["html"])
