"""Text rules every layer shares, so the mail layer needs nothing from the domain.

Which characters are text: the one rule for every free-text field of a request, every uploaded
cell and every email subject.

A name, a title or a subject is one line: no control characters (Unicode Cc: NUL, ESC, CR, LF…),
no line or paragraph separators (U+2028/2029), no invisible format characters (Cf: bidi
embeddings and overrides U+202A–202E, isolates U+2066–2069, marks, zero-width spaces), no lone
surrogates (a JSON "\\ud800" cannot even be stored). They end up in email headers, in other
people's screens and in CSV exports, where they break lines or reorder what a reader sees.
Ordinary spaces stay, as do the zero-width joiners some scripts and emoji are written with.
A multi-line text (a message, a remark, homework) may also hold line breaks and tabs.

And how many SMS parts a text costs, and how to shorten one to fit a single part.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
JOINERS = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: part of Persian, Indic scripts and emoji
LINE_BREAKS = "\n\t"


def is_refused(ch: str, multiline: bool = False) -> bool:
    """Whether one character may not appear in such a field."""
    if multiline and ch in LINE_BREAKS:
        return False
    return unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in JOINERS


def refused_character(value: str, multiline: bool = False) -> str | None:
    """The first character that is not text in a single-line (or multi-line) field, or None."""
    if value.isprintable():  # printable excludes every refused category: the usual case is one pass in C
        return None
    return next((ch for ch in value if is_refused(ch, multiline)), None)


def multiline_text(value: str) -> str:
    """A multi-line text with Windows line ends (CR LF) read as line breaks."""
    return value.replace("\r\n", "\n")


def one_line(value: str) -> str:
    """A subject line: each line break or other refused character becomes a space, runs of
    spaces one — the last line of defence before a mail header."""
    return " ".join("".join(" " if is_refused(ch) else ch for ch in value).split())


# --- SMS length ------------------------------------------------------------------------------


GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")
SMS_LIMIT_UCS2 = 70


def sms_segments(text: str) -> int:
    """How many SMS parts a text costs: GSM-7 (160, then 153 a part) or UCS-2 (70, then 67)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        septets = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def fit_one_segment(render: Callable[[dict[str, Any]], str], data: dict[str, Any], shrinkable: tuple[str, ...]) -> str:
    """Render, shortening the longest free-text fields with "…" until the SMS is one segment."""
    data = dict(data)
    text = render(data)
    while sms_segments(text) > 1:
        names = [n for n in shrinkable if isinstance(data.get(n), str) and len(data[n]) > 4]
        if not names:
            break
        longest = max(names, key=lambda n: len(data[n]))
        data[longest] = data[longest].rstrip("…")[:-2].rstrip() + "…"
        text = render(data)
    return text
