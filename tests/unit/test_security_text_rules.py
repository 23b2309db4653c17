"""Control characters in names and titles, and email subjects as plain text, the rules without I/O
(docs/security.md, "Bad input…", "Control characters and email subjects"); through the API and an
upload: tests/functional/test_security_text.py."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from chalicelib.domain import import_format as fmt
from chalicelib.text import one_line, refused_character

REFUSED = ["\x00", "\x1b", "\r", "\n", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\u200b", "\ufeff"]
# Secrets and opaque tokens are compared, never shown: any character may be part of them.
NOT_TEXT = {"password", "refresh_token", "credential", "token", "cursor", "code", "email", "phone", "timezone"}


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("ch", REFUSED)
def test_control_line_breaking_and_bidi_characters_are_not_one_line_of_text(ch):
    assert refused_character(f"Ива{ch}нов") == ch


def test_ordinary_names_titles_and_emoji_are_text():
    for value in ("O'Brien", "«Иванов & Ко»", "Анна-Мария Ли", "Мария\u00a0Петровна", "5А", "🏫 👨\u200d👩\u200d👧"):
        assert refused_character(value) is None, value


def test_a_multi_line_text_may_hold_line_breaks_and_tabs_only():
    assert refused_character("№ 245\n\tстр. 12", multiline=True) is None
    for ch in ("\r", "\x00", "\x1b", "\u202e", "\u2028"):
        assert refused_character(f"№ 245{ch}", multiline=True) == ch


def test_every_free_text_field_of_every_request_model_refuses_control_characters():
    """Any `str` field a person types (not an id, a clock, a choice or a secret) carries the rule."""
    from chalicelib.api import schemas

    checked = 0
    for model in vars(schemas).values():
        if not (isinstance(model, type) and issubclass(model, schemas.Strict)) or model is schemas.Strict:
            continue
        for name, field in model.model_fields.items():
            if name in NOT_TEXT or not _free_text(field):
                continue
            value = "Ива\x1bнов"
            with pytest.raises(ValidationError) as refused:
                model.model_validate({name: value})
            kinds = {e["type"] for e in refused.value.errors() if e["loc"][:1] == (name,)}
            assert kinds == {"control_characters"}, (model.__name__, name, kinds)
            checked += 1
    assert checked >= 30


def _free_text(field) -> bool:
    annotation = field.annotation
    args = typing.get_args(annotation) or (annotation,)
    if str not in args and not any(typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] is str
                                   for a in args):
        return False
    text = repr(annotation) + repr(field.metadata)
    return "pattern" not in text and "Literal" not in text


def test_homework_keeps_its_line_breaks_and_windows_line_ends_become_them():
    from chalicelib.api.schemas import HomeworkSet

    homework = HomeworkSet.model_validate({"text": "№ 245\r\n№ 246\tустно", "due_date": "2026-09-09"})
    assert homework.text == "№ 245\n№ 246\tустно"
    with pytest.raises(ValidationError):
        HomeworkSet.model_validate({"text": "№ 245\x1b[2J", "due_date": "2026-09-09"})


# --- email subjects --------------------------------------------------------------------------


GRADE = {"child": "O'Brien Пётр", "value": 5, "subject": "«Иванов & Ко»", "date": "2026-09-07",
         "corrected": False, "teacher": "Петрова А. С.", "remark": "<b>Отлично</b> & в срок",
         "unsubscribe": "https://example.ru/u?t=1&k=2"}


def test_a_subject_with_an_ampersand_and_an_apostrophe_reads_as_is():
    from chalicelib.mail.render import render_email

    for lang in ("ru", "en"):
        rendered = render_email("alert_new_grade", lang, GRADE)
        assert "O'Brien Пётр" in rendered.subject and "«Иванов & Ко»" in rendered.subject
        assert "&amp;" not in rendered.subject and "&#39;" not in rendered.subject
        # The text part is plain text too; only the HTML part is escaped
        assert "<b>Отлично</b> & в срок" in rendered.text
        assert "&lt;b&gt;Отлично&lt;/b&gt; &amp; в срок" in rendered.html and "O&#39;Brien" in rendered.html


def test_a_line_break_that_reaches_a_subject_becomes_a_space():
    from chalicelib.mail.render import render_email

    rendered = render_email("alert_new_grade", "ru", {**GRADE, "child": "Пётр\r\nBcc: all@example.ru"})
    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert rendered.subject.startswith("Пётр Bcc: all@example.ru: ")
    assert one_line(" a\u2028b \x00 c\u202e ") == "a b c"


def test_bulk_news_subjects_are_one_line_before_ses_fills_them():
    from chalicelib.mail import bulk

    assert bulk.subject_fields("news", "ru") == {"school", "title"}
    data = bulk._one_line_subject("news", "ru", {"school": "Школа\r\n№ 17", "title": "A\nB", "body": "1\n2"})
    assert data == {"school": "Школа № 17", "title": "A B", "body": "1\n2"}


# --- uploads ---------------------------------------------------------------------------------


def test_a_csv_cell_with_a_control_character_is_a_row_error():
    content = ("last_name,first_name,student_id,birth_date,class\n"
               "Иванов,Пётр,S-1,2015-03-14,5А\n"
               "Ива\x1bнов,Пётр,S-2,2015-03-14,5А\n"
               "Иванов,Пё\rтр,S-3,2015-03-14,5А\n"  # a CR in an unquoted cell: the csv module would stop
               '"Ива\r\nнов",Пётр,S-4,2015-03-14,5А\n')
    outcomes = []
    for line, row in fmt.rows(content):
        try:
            fmt.KINDS["students"].read(row)
            outcomes.append((line, "ok"))
        except fmt.RowError as bad:
            outcomes.append((line, f"{bad.column}:{bad.code}"))
    assert outcomes == [(2, "ok"), (3, "last_name:control_characters"), (4, "first_name:control_characters"),
                        (6, "last_name:control_characters")]
    remark = {"grade_id": "G", "student_id": "S-1", "date": "2026-09-07", "starts_at": "08:30",
              "subject": "Математика", "value": "5", "remark": "Молодец,\r\nтак держать"}
    assert fmt.KINDS["grades"].read(remark)["remark"] == "Молодец,\nтак держать"
