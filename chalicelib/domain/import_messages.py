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
    # --- tobedeleted / inactive, classes left empty or unnamed (items 6, 13) -----------------
    # --- scores, lessons, failures (items 8–11) -------------------------------------------------
    "not_a_number": (
        "{column}: «{value}» — не число (NaN, inf и пустые оценки выгрузок не принимаются); строка не загружена.",
        "{column}: “{value}” is not a number (NaN, inf and other exporters' blanks are not scores); row not taken.",
    ),
    "out_of_range": (
        "{column}: «{value}» вне допустимого диапазона (оценка: больше 0 и не выше максимума); строка не загружена.",
        "{column}: “{value}” is out of range (a score: above 0 and at most the maximum); row not taken.",
    ),
    "lesson_not_found": (
        "Урока в эту дату и время по этому предмету нет в расписании класса: "
        "загрузите расписание раньше оценок, отметок и заданий.",
        "The class has no lesson of this subject at this date and time: "
        "upload the schedule before grades, marks and homework.",
    ),
}


def describe(code: str, column: str | None, value: str | None, language: str) -> str:
    """The entry in words; a code without words yet says the code itself."""
    ru, en = ROW_MESSAGES.get(code, (f"Ошибка в строке: {code}", f"Row problem: {code}"))
    template = en if language == EN else ru
    return template.format(column=column or "—", value="" if value is None else value)
