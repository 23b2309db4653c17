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
    "class_left_empty": ("Класс «{value}» создан этой загрузкой, но в нём нет ни одного ученика",
                         "Class «{value}» was created by this upload but has no students"),
    "class_not_in_upload": ("Класс «{value}» есть в школе, но не указан в файле классов этой загрузки "
                            "(он не удалён: удаляет только статус tobedeleted)",
                            "Class «{value}» exists at the school but this upload's classes file does not name it "
                            "(it was not removed: only a tobedeleted status removes)"),
    # --- scores, lessons, failures (items 8–11) -------------------------------------------------
}


def describe(code: str, column: str | None, value: str | None, language: str) -> str:
    """The entry in words; a code without words yet says the code itself."""
    ru, en = ROW_MESSAGES.get(code, (f"Ошибка в строке: {code}", f"Row problem: {code}"))
    template = en if language == EN else ru
    return template.format(column=column or "—", value="" if value is None else value)
