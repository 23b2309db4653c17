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
    "outside_school_grades": (
        "Класс «{value}» вне 1–11 классов школы: он создан, проверьте его параллель.",
        "Grade {value} is outside the school's grades 1–11: the class was made, check its grade level."),
    "grade_from_students": (
        "У класса не указана параллель ({column}): взята параллель его учеников, {value}.",
        "The class names no grade ({column}): its students' grade, {value}, was taken."),
    "no_grade_level": (
        "Параллель класса не известна ({column}): класс создан без параллели, укажите её.",
        "The class's grade is not known ({column}): the class was made without a grade level; set it."),
    "no_class": (
        "У ученика нет ни классного коллектива (homeroom), ни параллели ({column}): он записан в класс "
        "«Без класса»; переведите его в его класс.",
        "The student has neither a homeroom nor a grade ({column}): they were put in the class "
        "«Без класса» (no class); move them to their class."),
    "subject_from_title": (
        "У курса не указан предмет ({column}): предметом стало название курса, «{value}».",
        "The course names no subject ({column}): its title, «{value}», was taken as the subject."),
    "unknown_course": (
        "Курса «{value}» нет в courses.csv: предметом стало название самого класса.",
        "Course «{value}» is not in courses.csv: the class's own title was taken as the subject."),
    # --- teachers not yet registered (item 4) -------------------------------------------------
    # --- tobedeleted / inactive, classes left empty or unnamed (items 6, 13) -----------------
    # --- scores, lessons, failures (items 8–11) -------------------------------------------------
}


def describe(code: str, column: str | None, value: str | None, language: str) -> str:
    """The entry in words; a code without words yet says the code itself."""
    ru, en = ROW_MESSAGES.get(code, (f"Ошибка в строке: {code}", f"Row problem: {code}"))
    template = en if language == EN else ru
    return template.format(column=column or "—", value="" if value is None else value)
