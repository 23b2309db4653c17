"""What families read (issue 17, items 14 and 15): every email and SMS renders, in both languages,
as grammatical text with dates in words, Russian names of the diary's parts, declined names and
subjects, verbs agreeing with the child, durations in minutes; the standing is said in words.

Every template in chalicelib/templates/messages is rendered from SAMPLES (one realistic context
per message name): a template added without a sample fails `test_every_template_has_a_sample`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chalicelib import i18n
from chalicelib.domain.standing import class_standing, in_words
from chalicelib.mail.render import TEMPLATES, render_email
from chalicelib.mail.sms import render_sms

UNSUBSCRIBE = "https://diary.example/alerts/unsubscribe?token=YWNjXzF8c3R1XzJ8bmV3X2dyYWRl.q_-Zk1x"
GRADE = {"child": "Пётр", "child_gender": "male", "value": 5, "subject": "Математика", "date": "2026-12-01",
         "corrected": False, "teacher": "Петрова Анна Сергеевна", "remark": "Отличная работа у доски",
         "school": "ГБОУ Школа № 239", "sender": "", "subject_id": "sub_1", "teacher_id": "acc_1",
         "unsubscribe": UNSUBSCRIBE}

# One realistic context per message (the file name without ".<lang>.j2"; SMS without "sms_").
SAMPLES: dict[str, dict[str, Any]] = {
    "access_code": {"name": "Иванова Мария Петровна", "child_name": "Иванов Пётр Сергеевич",
                    "school_name": "ГБОУ Школа № 239", "code": "7K3M-9QX2", "valid_days": 30,
                    "link": "https://diary.example/children"},
    "student_left": {"name": "Иванова Мария Петровна", "child_name": "Иванова Анна",
                     "school_name": "ГБОУ Школа № 239"},
    "application_rejected": {"name": "Иванова Мария Петровна", "child_name": "Иванова Анна Сергеевна",
                             "school_name": "ГБОУ Школа № 239",
                             "reason": "В классе нет ученицы с такой датой рождения"},
    "alert_absence": {**GRADE, "mark": "late", "minutes_late": 10, "excused": False},
    "alert_digest": {"entries": [
        {**GRADE, "kind": "new_grade"},
        {**GRADE, "kind": "absence", "mark": "absent", "excused": True, "subject": "Русский язык"},
        {**GRADE, "kind": "homework", "text": "№ 245, 247", "due_date": "2026-12-03"},
        {**GRADE, "kind": "schedule_change", "cancelled": True, "subject": "Физическая культура"},
        {**GRADE, "kind": "message", "subject": ""},
        {**GRADE, "kind": "parent_meeting", "subject": "", "title": "Итоги первого полугодия",
         "date": "2026-12-10"}]},
    "alert_homework": {**GRADE, "text": "Учебник, с. 45, № 245 и 247", "due_date": "2026-12-03"},
    "alert_message": {**GRADE, "sender": "Петрова Анна Сергеевна", "thread_id": "thr_1"},
    "alert_new_grade": GRADE,
    "alert_parent_meeting": {**GRADE, "title": "Итоги первого полугодия", "date": "2026-12-10",
                             "starts_at": "18:00", "place": "актовый зал", "changed": False},
    "alert_remark": GRADE,
    "alert_schedule_change": {**GRADE, "starts_at": "10:00", "room": "214", "cancelled": False},
    "alert_school_event": {**GRADE, "title": "День открытых дверей", "date": "2026-12-12", "starts_at": "10:00",
                           "place": "главный корпус", "changed": True},
    "invitation": {"inviter": "Иванова Мария Петровна", "role": "tutor", "child_name": "Пётр Иванов",
                   "scope": ["grades", "homework"], "code": "4F7H-2KD9", "valid_days": 14,
                   "link": "https://diary.example/children"},
    "news": {"school": "ГБОУ Школа № 239", "title": "Каникулы с 29 декабря",
             "body": "Уважаемые родители! Зимние каникулы начнутся 29 декабря.", "unsubscribe": UNSUBSCRIBE},
    "password_reset": {"name": "Иванова Мария Петровна", "code": "482913", "minutes": 30},
    "registration_attempt": {"name": "Иванова Мария Петровна"},
    "teacher_invitation": {"school": "ГБОУ Школа № 239", "email": "petrova@school239.ru",
                           "link": "https://diary.example/#/register?email=petrova%40school239.ru"},
    "verify_email": {"name": "Иванова Мария Петровна", "code": "482913"},
    "sms_absence": {**GRADE, "mark": "absent", "excused": False, "minutes_late": None},
    "sms_homework": {**GRADE, "text": "№ 245", "due_date": "2026-12-03"},
    "sms_message": {**GRADE, "sender": "Петрова Анна Сергеевна"},
    "sms_new_grade": GRADE,
    "sms_news": {"school": "ГБОУ Школа № 239", "title": "Каникулы с 29 декабря"},
    "sms_parent_meeting": {**GRADE, "title": "Итоги полугодия", "date": "2026-12-10", "starts_at": "18:00"},
    "sms_phone_code": {"code": "482913"},
    "sms_remark": GRADE,
    "sms_schedule_change": {**GRADE, "cancelled": True},
    "sms_school_event": {"title": "День открытых дверей", "date": "2026-12-12"},
}
# Included by other templates, rendered through them (alert_digest includes digest_line).
PARTIALS = {"digest_line"}
# Latin words a Russian text may hold besides the sample's own values and links.
RU_LATIN = {"SMS", "HTML"}


def _names() -> set[str]:
    return {p.name.rsplit(".", 2)[0] for p in Path(TEMPLATES).glob("*.j2")}


def _render(name: str, lang: str, data: dict[str, Any]) -> list[str]:
    """The texts a reader gets: the subject, the text part and the HTML part (tags off), or the SMS."""
    if name.startswith("sms_"):
        return [render_sms(name[4:], lang, data)]
    rendered = render_email(name, lang, {} if name == "news" else data)
    parts = [rendered.subject, rendered.text, re.sub(r"<[^>]+>", "", rendered.html)]
    if name == "news":  # an SES template: SES fills its {{placeholders}} as below
        parts = [re.sub(r"{{(\w+)}}", lambda m: str(data[m.group(1)]), p) for p in parts]
    return parts


def _faults(text: str, lang: str, data: dict[str, Any]) -> list[str]:
    """What a parent should never read in a message."""
    plain = re.sub(r"https?://\S+", "", text)
    faults = []
    if re.search(r"\b\d{4}-\d{2}-\d{2}\b", plain):
        faults.append("an ISO date")
    if re.search(r"\b[a-z]+(?:_[a-z0-9]+)+\b", plain):
        faults.append("a raw key")
    if "(а)" in plain or "(a)" in plain:
        faults.append("«(а)»")
    if re.search(r"\d+\s*(?:с\.|сек|s\b|sec|second)", plain):
        faults.append("seconds")
    for line in plain.splitlines():
        first = re.search(r"\w", line.lstrip("- "))
        if first and first.group(0).islower():
            faults.append(f"a lowercase start: {line!r}")
    if lang == "ru":
        own = {w for v in _values(data) for w in re.findall(r"[A-Za-z]+", v)}
        stray = set(re.findall(r"[A-Za-z]+", plain)) - own - RU_LATIN
        if stray:
            faults.append(f"Latin words {sorted(stray)}")
    return faults


def _values(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [v for item in data.values() for v in _values(item)]
    if isinstance(data, list):
        return [v for item in data for v in _values(item)]
    return [str(data)]


def test_every_template_has_a_sample() -> None:
    # Given the folder of message templates, when a new one lands, then it needs a sample here
    missing = _names() - set(SAMPLES) - PARTIALS
    assert not missing, f"add a realistic context to SAMPLES for {sorted(missing)}"
    for name in _names() - PARTIALS:
        assert {f"{name}.ru.j2", f"{name}.en.j2"} <= {p.name for p in Path(TEMPLATES).glob(f"{name}.*.j2")}


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_reads_cleanly(name: str, lang: str) -> None:
    # Given a realistic context, when the message is rendered, then nothing raw reaches the reader
    data = SAMPLES[name]
    for text in _render(name, lang, data):
        assert text.strip()
        assert _faults(text, lang, data) == [], text


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("variant", [{"child_gender": ""}, {"child": "Саша", "child_gender": ""},
                                     {"mark": "absent"}, {"corrected": True}, {"sender": ""},
                                     {"subject": "ИЗО"}, {"changed": True, "cancelled": True}])
def test_alerts_read_cleanly_in_every_branch(variant: dict[str, Any], lang: str) -> None:
    for name in [n for n in SAMPLES if n.startswith(("alert_", "sms_")) and n not in ("sms_news", "sms_phone_code")]:
        data = {**SAMPLES[name], **variant}
        for text in _render(name, lang, data):
            assert _faults(text, lang, data) == [], (name, text)


def test_russian_declines_subjects_names_and_verbs() -> None:
    # «оценку по «Математика»», «получил(а)», «от Петрова Анна Сергеевна» are gone
    boy = render_email("alert_new_grade", "ru", GRADE).text
    assert "Пётр получил оценку 5 по математике (1 декабря)" in boy
    girl = render_email("alert_new_grade", "ru", {**GRADE, "child": "Анна", "child_gender": "female"}).text
    assert "Анна получила оценку 5 по математике" in girl
    unknown = render_email("alert_new_grade", "ru", {**GRADE, "child": "Саша", "child_gender": ""}).text
    assert "Саша: новая оценка 5 по математике" in unknown and "получил" not in unknown
    message = render_email("alert_message", "ru", SAMPLES["alert_message"])
    assert message.subject == "Новое сообщение от Петровой Анны Сергеевны"
    assert "по русскому языку" in render_sms("new_grade", "ru", {**GRADE, "subject": "Русский язык"})
    absent = render_email("alert_absence", "ru", {**SAMPLES["alert_absence"], "child": "Анна", "child_gender": "female",
                                                  "mark": "absent", "subject": "Физическая культура"}).text
    assert "Анна отсутствовала на уроке физической культуры (1 декабря)" in absent
    late = render_email("alert_absence", "ru", SAMPLES["alert_absence"]).text
    assert "Пётр опоздал на урок математики на 10 минут" in late
    # an abbreviation is not guessed at: the phrasing that needs no inflection
    assert "по предмету «ИЗО»" in render_email("alert_homework", "ru", {**SAMPLES["alert_homework"],
                                                                        "subject": "ИЗО"}).text


def test_invitation_names_the_parts_and_days_in_words() -> None:
    ru = render_email("invitation", "ru", SAMPLES["invitation"]).text
    assert "дневник Петра Иванова" in ru and "разделы: оценки, домашние задания" in ru
    assert "действует 14 дней" in ru and "grades" not in ru
    assert "действует 1 день" in render_email("invitation", "ru", {**SAMPLES["invitation"], "valid_days": 1}).text
    assert "действует 3 дня" in render_email("invitation", "ru", {**SAMPLES["invitation"], "valid_days": 3}).text
    en = render_email("invitation", "en", SAMPLES["invitation"]).text
    assert "grades, homework" in en and "valid for 14 days" in en
    assert "valid for 1 day." in render_email("invitation", "en", {**SAMPLES["invitation"], "valid_days": 1}).text
    code = render_email("access_code", "ru", SAMPLES["access_code"]).text
    assert "дневнику Иванова Петра Сергеевича одобрено" in code and "действует 30 дней" in code


def test_dates_read_as_words_in_both_languages() -> None:
    assert "(1 декабря)" in render_email("alert_new_grade", "ru", GRADE).text
    assert "on 1 December" in render_email("alert_new_grade", "en", GRADE).text
    assert "к 3 декабря" in render_sms("homework", "ru", SAMPLES["sms_homework"])


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_error_messages_that_interpolate_read_cleanly(lang: str) -> None:
    # «через 900 с.» becomes «через 15 мин.»; every message with a value is checked like the emails
    # {field} names the request's own field ("child_birth_date") for the client that sent it, and
    # the envelope repeats it as `field`: the only key a message may show, so it is taken out here.
    samples = {"retry_after": 900, "field": "child_birth_date", "n": 3, "place": 2, "of": 5, "percent": 75,
               "min": 5}
    for code, pair in i18n.MESSAGES.items():
        if "{" not in pair[0]:
            continue
        text = i18n.message(code, lang, **samples)
        assert "{" not in text and _faults(text.replace("child_birth_date", ""), lang, {}) == [], (code, text)
    assert i18n.message("too_many_attempts", "ru", retry_after=900) == "Слишком много попыток. Повторите через 15 мин."
    assert i18n.message("too_many_attempts", "en", retry_after=900) == "Too many attempts. Try again in 15 minutes."
    assert i18n.message("too_many_attempts", "en", retry_after=30).endswith("in 1 minute.")
    assert i18n.message("account_locked", "ru", retry_after=7200).endswith("через 2 ч.")
    assert i18n.message("too_many_codes", "en", retry_after=5400).endswith("in 1 hour 30 minutes.")


def test_standing_is_said_in_words_that_agree_with_the_rank() -> None:
    averages = {s: Decimal(v) for s, v in zip("abcde", ["5", "4.5", "4", "4", "3"], strict=True)}
    second = class_standing(averages, "b")
    assert second is not None and (second["rank"], second["of"], second["percentile"]) == (2, 5, 75)
    assert in_words(second, "ru") == "2-е место из 5: средний балл не ниже, чем у 75 % одноклассников"
    assert in_words(second, "en") == "2nd of 5: an average as high as or higher than 75% of classmates'"
    tied = class_standing(averages, "c")  # two at 4.00: both 3rd, and not below half of the others
    assert tied is not None and (tied["rank"], tied["percentile"]) == (3, 50)
    top = class_standing(averages, "a")
    assert top is not None and in_words(top, "ru") == "1-е место из 5: средний балл не ниже, чем у всех одноклассников"
    last = class_standing(averages, "e")
    assert last is not None and in_words(last, "en") == "5th of 5"
    small = class_standing({"a": Decimal(5), "b": Decimal(4)}, "a")
    assert small is not None and "меньше 5" in in_words(small, "ru") and "fewer than 5" in in_words(small, "en")


def test_rank_and_percentile_always_agree() -> None:
    # percentile = the share of the other graded students not above the child = (of − rank)/(of − 1)
    for values in (["5", "5", "5", "5", "5"], ["5", "4", "4", "3", "3", "2"], ["3", "4", "5", "4.5", "4.25"]):
        averages = {str(i): Decimal(v) for i, v in enumerate(values)}
        for who in averages:
            standing = class_standing(averages, who)
            assert standing is not None
            others = [a for k, a in averages.items() if k != who]
            not_above = sum(a <= averages[who] for a in others)
            assert standing["rank"] == 1 + len(others) - not_above
            assert standing["percentile"] == round(100 * not_above / len(others))


def test_the_app_imports_no_morphology() -> None:
    # Cold start: the dictionaries load only in the handlers that render a message
    code = "import sys, app; print(sorted(m for m in ('pymorphy3', 'pytrovich', 'babel') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
