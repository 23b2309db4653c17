"""What the school's administrator reads about a row of an upload: each code of the row-level
report (a refused row or a warning) in words, Russian first, with the column and the offending
value. The code stays in the report for machines; the words are for people."""

from __future__ import annotations

from chalicelib.i18n import EN

# code → (Russian, English); {column} and {value} are filled in when the report is read.
ROW_MESSAGES: dict[str, tuple[str, str]] = {
    # --- the codes our own CSV set and the pipeline already had ------------------------------
    # --- students: birth dates, matching, renames (items 1, 12) -------------------------------
    # --- classes, grades, subjects, enumerations, files (items 2, 3, 5) -----------------------
    # --- teachers not yet registered (item 4) -------------------------------------------------
    "teacher_pending": (
        "Учитель с адресом {value} ещё не зарегистрирован в дневнике (или не учитель этой школы): строка принята, "
        "ему отправлено приглашение; классы станут его при первом входе с этим адресом.",
        "The teacher {value} has not registered in the diary yet (or is not a teacher of this school): the row is "
        "taken and an invitation sent; the classes become theirs at their first sign-in with this address.",
    ),
    "teacher_without_email": (
        "У учителя нет адреса электронной почты (столбец {column}): пригласить некого, преподавание не записано. "
        "Укажите адрес и загрузите файл снова.",
        "The teacher has no email address (column {column}): there is nobody to invite, the teaching is not "
        "recorded. Add the address and upload the file again.",
    ),
    # --- tobedeleted / inactive, classes left empty or unnamed (items 6, 13) -----------------
    # --- scores, lessons, failures (items 8–11) -------------------------------------------------
}


def describe(code: str, column: str | None, value: str | None, language: str) -> str:
    """The entry in words; a code without words yet says the code itself."""
    ru, en = ROW_MESSAGES.get(code, (f"Ошибка в строке: {code}", f"Row problem: {code}"))
    template = en if language == EN else ru
    return template.format(column=column or "—", value="" if value is None else value)
