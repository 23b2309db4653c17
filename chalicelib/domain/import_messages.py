"""What the school's administrator reads about a row of an upload: each code of the row-level
report (a refused row or a warning) in words, Russian first, with the column and the offending
value. The code stays in the report for machines; the words are for people."""

from __future__ import annotations

from chalicelib.i18n import EN

# code → (Russian, English); {column} and {value} are filled in when the report is read.
ROW_MESSAGES: dict[str, tuple[str, str]] = {
    # --- the codes our own CSV set and the pipeline already had ------------------------------
    # A cell of a row (import_format's readers); the row is refused.
    "required": ("Не заполнен столбец «{column}»: без него строку не принять",
                 "The column '{column}' is empty: the row cannot be taken without it"),
    "too_long": ("В столбце «{column}» слишком длинный текст: сократите его",
                 "The column '{column}' holds too long a text: shorten it"),
    "control_characters": ("В столбце «{column}» есть непечатаемые (управляющие) символы: уберите их",
                           "The column '{column}' holds control characters: remove them"),
    "bad_date": ("В столбце «{column}» — «{value}»: это не дата (ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
                 "The column '{column}' holds \"{value}\": not a date (YYYY-MM-DD or DD.MM.YYYY expected)"),
    "bad_time": ("В столбце «{column}» — «{value}»: это не время (ожидается ЧЧ:ММ)",
                 "The column '{column}' holds \"{value}\": not a time (HH:MM expected)"),
    "too_many": ("В столбце «{column}» перечислено слишком много значений (не больше 50)",
                 "The column '{column}' lists too many values (50 at most)"),
    "not_a_number": ("В столбце «{column}» — «{value}»: это не число",
                     "The column '{column}' holds \"{value}\": not a number"),
    "out_of_range": ("В столбце «{column}» — «{value}»: значение вне допустимых пределов",
                     "The column '{column}' holds \"{value}\": out of the allowed range"),
    "not_allowed": ("В столбце «{column}» — «{value}»: такое значение не допускается",
                    "The column '{column}' holds \"{value}\": not one of the allowed values"),
    "bad_email": ("В столбце «{column}» — «{value}»: это не адрес электронной почты",
                  "The column '{column}' holds \"{value}\": not an email address"),
    "ends_before_start": ("В столбце «{column}» — «{value}»: окончание раньше начала",
                          "The column '{column}' holds \"{value}\": it ends before it starts"),
    "due_before_lesson": ("В столбце «{column}» — «{value}»: срок сдачи раньше урока",
                          "The column '{column}' holds \"{value}\": due before the lesson it was set at"),
    # What a row refers to (import_rows' builders, oneroster's translation); the row is refused.
    "term_overlaps": ("Период, начинающийся «{value}», пересекается с другим периодом школы: "
                      "периоды не могут пересекаться",
                      "The term starting \"{value}\" overlaps another term of the school: terms may not overlap"),
    "unknown_teacher": ("В столбце «{column}» — «{value}»: такой учитель не зарегистрирован в школе",
                        "The column '{column}' holds \"{value}\": no such registered teacher of the school"),
    "unknown_class": ("В столбце «{column}» — «{value}»: такого класса в школе нет (загрузите его раньше)",
                      "The column '{column}' holds \"{value}\": the school has no such class (upload it first)"),
    "unknown_subject": ("В столбце «{column}» — «{value}»: такого предмета в школе нет (загрузите его раньше)",
                        "The column '{column}' holds \"{value}\": the school has no such subject (upload it first)"),
    "unknown_student": ("В столбце «{column}» — «{value}»: такого ученика в школе нет (загрузите его раньше)",
                        "The column '{column}' holds \"{value}\": the school has no such student (upload them first)"),
    "unknown_term": ("В столбце «{column}» — «{value}»: такого учебного периода нет",
                     "The column '{column}' holds \"{value}\": no such term"),
    "unknown_user": ("В столбце «{column}» — «{value}»: такого человека нет в users.csv",
                     "The column '{column}' holds \"{value}\": no such person in users.csv"),
    "unknown_line_item": ("В столбце «{column}» — «{value}»: такого задания нет в lineItems.csv",
                          "The column '{column}' holds \"{value}\": no such line item in lineItems.csv"),
    # A row taken with a remark (a warning).
    "cut_to_limit": ("Текст в столбце «{column}» длиннее допустимого: сохранено начало, остальное отброшено",
                     "The text in the column '{column}' is longer than allowed: its beginning is kept, the rest cut"),
    # Why a whole upload failed (the upload's `reason`; {value} is its detail): nothing was written.
    "unknown_file": ("Файл «{value}» не из нашего набора: назовите его по виду данных (например, grades.csv)",
                     "The file \"{value}\" is not one of the set: name it after its kind (e.g. grades.csv)"),
    "bad_encoding": ("Файл «{value}» не текст в UTF-8 или Windows-1251",
                     "The file \"{value}\" is not text in UTF-8 or Windows-1251"),
    "broken_zip": ("Архив «{value}» повреждён: создайте его заново", "The zip \"{value}\" is damaged: make it again"),
    "empty_file": ("Файл «{value}» пуст", "The file \"{value}\" is empty"),
    "not_csv": ("Файл «{value}» не таблица CSV", "The file \"{value}\" is not a CSV table"),
    "missing_columns": ("Не хватает обязательных столбцов — {value}", "Required columns are missing — {value}"),
    "missing_file": ("В манифесте указан файл «{value}», но его нет в архиве",
                     "The manifest lists the file \"{value}\", but the zip does not hold it"),
    "duplicate_file": ("В архиве «{value}» один и тот же вид данных дважды",
                       "The zip \"{value}\" holds the same kind of data twice"),
    "too_large": ("Файл «{value}» больше 50 МБ: разделите его", "The file \"{value}\" is over 50 MB: split it"),
    "too_many_files": ("В архиве слишком много файлов ({value})", "The zip holds too many files ({value})"),
    "member_too_large": ("Файл в архиве слишком велик ({value})", "A file in the zip is too large ({value})"),
    "unpacked_too_large": ("Распакованный архив слишком велик ({value})", "The zip unpacks too large ({value})"),
    "compression_too_high": ("Файл в архиве сжат подозрительно сильно ({value})",
                             "A file in the zip is packed suspiciously tight ({value})"),
    "url_expired": ("Файл не пришёл вовремя: ссылка для загрузки истекла, запросите новую",
                    "The file did not come in time: the upload link expired, ask for a new one"),
    "stalled": ("Обработка остановилась и не продолжилась: загрузите файл ещё раз",
                "Processing stopped and did not go on: upload the file again"),
    "interrupted": ("Файл потерян при перезапуске: загрузите его ещё раз",
                    "The file was lost in a restart: upload it again"),
    # --- students: birth dates, matching, renames (items 1, 12) -------------------------------
    "birth_date_unreadable": (
        "Дата рождения «{value}» не распознана: ученик принят без неё, заявления родителей "
        "сверяются по имени и классу.",
        "Birth date “{value}” is not a date: the student is taken without it; parents' applications are matched "
        "by name and class.",
    ),
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
        "The student has neither a homeroom nor a grade ({column}): they were put in the class for pupils "
        "without one; move them to their class."),
    "subject_from_title": (
        "У курса не указан предмет ({column}): предметом стало название курса, «{value}».",
        "The course names no subject ({column}): its title, «{value}», was taken as the subject."),
    "unknown_course": (
        "Курса «{value}» нет в courses.csv: предметом стало название самого класса.",
        "Course «{value}» is not in courses.csv: the class's own title was taken as the subject."),
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
    "class_left_empty": ("Класс «{value}» создан этой загрузкой, но в нём нет ни одного ученика",
                         "Class «{value}» was created by this upload but has no students"),
    "class_not_in_upload": ("Класс «{value}» есть в школе, но не указан в файле классов этой загрузки "
                            "(он не удалён: удаляет только статус tobedeleted)",
                            "Class «{value}» exists at the school but this upload's classes file does not name it "
                            "(it was not removed: only a tobedeleted status removes)"),
    # --- scores, lessons, failures (items 8–11) -------------------------------------------------
    "internal_error": (
        "Загрузка остановилась из-за сбоя на нашей стороне ({value}): уже загруженные части сохранены и "
        "согласованы. Загрузите файл ещё раз; если сбой повторится, напишите в поддержку.",
        "The upload stopped on a fault on our side ({value}): the parts already loaded are kept and consistent. "
        "Upload the file again; if it happens again, tell support.",
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
