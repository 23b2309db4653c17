"""What a person reads when something goes wrong, in Russian (default) and English."""

from __future__ import annotations

from typing import Any

RU, EN = "ru", "en"

MESSAGES: dict[str, tuple[str, str]] = {
    # the one-line summary of a child in the family's list of children
    "summary_new_grades": ("Новые оценки: {n}", "New grades: {n}"),
    "summary_unread_messages": ("Непрочитанные сообщения: {n}", "Unread messages: {n}"),
    "summary_nothing_new": ("Ничего нового", "Nothing new"),
    "bad_request": ("Некорректный запрос.", "Bad request."),
    "invalid_json": ("Тело запроса должно быть объектом JSON.", "The request body must be a JSON object."),
    "validation_failed": ("Проверьте поле «{field}».", "Check the field '{field}'."),
    "unauthenticated": ("Нужно войти в систему.", "You need to log in."),
    "token_invalid": ("Токен доступа недействителен.", "The access token is not valid."),
    "token_expired": ("Срок действия токена истёк, обновите его.", "The access token has expired; refresh it."),
    "forbidden": ("Недостаточно прав для этого действия.", "You are not allowed to do this."),
    "not_found": ("Не найдено.", "Not found."),
    "conflict": ("Конфликт с текущим состоянием.", "This conflicts with the current state."),
    "email_immutable": (
        "Адрес электронной почты нельзя изменить после регистрации.",
        "The email address cannot be changed after registration.",
    ),
    "email_not_verified": (
        "Подтвердите адрес электронной почты кодом из письма.",
        "Confirm your email address with the code we sent.",
    ),
    "code_invalid": ("Неверный или просроченный код.", "The code is wrong or has expired."),
    "code_attempts_exceeded": (
        "Слишком много неверных попыток. Запросите новый код.",
        "Too many wrong attempts. Ask for a new code.",
    ),
    "invalid_credentials": ("Неверный адрес или пароль.", "Wrong email or password."),
    "too_many_attempts": (
        "Слишком много попыток. Повторите через {wait}.",
        "Too many attempts. Try again in {wait}.",
    ),
    "account_locked": (
        "Вход временно заблокирован после неудачных попыток. Повторите через {wait}.",
        "Login is locked for a while after failed attempts. Try again in {wait}.",
    ),
    "refresh_token_invalid": ("Сессия недействительна, войдите снова.", "The session is not valid; log in again."),
    "refresh_token_reused": (
        "Токен обновления уже использован; все сессии этого входа завершены.",
        "The refresh token was already used; this login's sessions are ended.",
    ),
    "account_not_found": (
        "Учётная запись с этим адресом не найдена: человек должен сначала зарегистрироваться.",
        "No account with this address: the person must register first.",
    ),
    "already_member": ("У этого человека уже есть эта роль.", "This person already has this role."),
    "school_not_found": ("Школа не найдена.", "School not found."),
    "class_not_found": ("Класс не найден.", "Class not found."),
    "subject_not_found": ("Предмет не найден.", "Subject not found."),
    "teacher_not_found": ("Учитель не найден в этой школе.", "Teacher not found in this school."),
    "class_exists": ("Класс с таким названием уже есть.", "A class with this name already exists."),
    "subject_exists": ("Предмет с таким названием уже есть.", "A subject with this name already exists."),
    "term_overlaps": ("Период пересекается с другим.", "The term overlaps another one."),
    "term_dates": ("Дата окончания раньше даты начала.", "The end date is before the start date."),
    "not_your_class": (
        "Вы не ведёте этот предмет в этом классе.",
        "You do not teach this subject to this class.",
    ),
    "lesson_not_found": ("Урок не найден.", "Lesson not found."),
    "lesson_exists": ("В это время у класса уже стоит этот предмет.", "This lesson is already on the schedule."),
    "lesson_has_marks": (
        "У урока уже есть оценки или отметки посещаемости: перенести его на другой день нельзя.",
        "The lesson already has grades or attendance marks: it cannot move to another day.",
    ),
    "lesson_cancelled": ("Урок отменён.", "The lesson is cancelled."),
    "same_day": ("Урок уже в этот день: измените время.", "The lesson is already on this day: change its time."),
    "lesson_times": ("Урок должен заканчиваться позже, чем начинается.", "A lesson must end after it starts."),
    "student_not_in_class": ("Ученик не из этого класса.", "The student is not in this class."),
    "stale_version": (
        "Запись уже изменил кто-то другой. Обновите страницу и повторите.",
        "Someone else changed this record meanwhile. Reload and try again.",
    ),
    "range_too_long": (
        "Слишком длинный период (не больше двух месяцев).",
        "The period is too long (two months at most).",
    ),
    "due_before_lesson": ("Срок сдачи раньше урока.", "The due date is before the lesson."),
    "homework_not_found": ("Домашнее задание не найдено.", "Homework not found."),
    "grade_not_found": ("Оценка не найдена.", "Grade not found."),
    "grade_exists": ("Такая оценка уже есть.", "This grade already exists."),
    "mark_not_found": ("Отметка о посещаемости не найдена.", "Attendance mark not found."),
    "application_exists": (
        "Заявление на этого ребёнка в эту школу уже подано.",
        "An application for this child at this school is already filed.",
    ),
    "application_not_found": ("Заявление не найдено.", "Application not found."),
    "application_not_pending": (
        "Заявление уже рассмотрено или отозвано.",
        "The application has already been decided or withdrawn.",
    ),
    "application_not_checked": (
        "Сначала отметьте личную проверку родителя.",
        "Record the in-person check of the parent first.",
    ),
    "application_state": ("Заявление уже в другом состоянии.", "The application is in another state already."),
    "application_not_awaiting_choice": (
        "Ребёнка выбирают, только когда заявлению подходят несколько учеников.",
        "A child is chosen only for an application that several students could match.",
    ),
    "child_not_chosen": (
        "Заявлению подходят несколько учеников: выберите ребёнка из списка.",
        "Several students could match this application: choose the child from the list.",
    ),
    "not_a_candidate": (
        "Этого ученика нет среди подходящих заявлению.",
        "This student is not among those who could match the application.",
    ),
    "code_expired": ("Срок действия кода истёк.", "The code has expired."),
    "child_not_linked": ("У вас нет доступа к дневнику этого ребёнка.", "You have no access to this child's diary."),
    "child_not_found": ("Ребёнок не найден.", "Child not found."),
    "part_out_of_scope": (
        "Этот раздел дневника вам не открыт.",
        "This part of the diary is not shared with you.",
    ),
    "alerts_phone_required": (
        "Для SMS укажите и подтвердите номер телефона в профиле.",
        "Add and confirm a phone number in your profile to get SMS.",
    ),
    "alerts_viewer_email_only": (
        "Приглашённые получают уведомления только по электронной почте.",
        "Invited viewers get alerts by email only.",
    ),
    "unsubscribe_token_invalid": ("Ссылка отписки недействительна.", "The unsubscribe link is not valid."),
    "news_not_found": ("Новость не найдена.", "News not found."),
    "unknown_part": ("Такого раздела дневника нет.", "No such part of the diary."),
    "guardian_only": (
        "Это может сделать только родитель ребёнка.",
        "Only the child's parent can do this.",
    ),
    "already_linked": ("Вы уже связаны с этим ребёнком.", "You are already linked to this child."),
    "invitation_not_found": ("Приглашение не найдено.", "Invitation not found."),
    "invitation_not_pending": (
        "Приглашение уже принято или отозвано.",
        "The invitation has already been accepted or revoked.",
    ),
    "viewer_not_found": ("Такого наблюдателя нет.", "No such viewer."),
    "credential_invalid": ("Недействительные учётные данные системы.", "The system credential is not valid."),
    "credential_not_found": ("Учётные данные не найдены.", "Credential not found."),
    "upload_not_found": ("Загрузка не найдена.", "Upload not found."),
    "bad_filename": (
        "Имя файла: до 100 знаков, без / и \\ и управляющих символов; расширение .csv или .zip.",
        "File name: up to 100 characters, no / or \\ or control characters; extension .csv or .zip.",
    ),
    "unknown_file": (
        "Неизвестный вид файла: назовите его по виду данных (например, grades.csv).",
        "Unknown kind of file: name it after its data (e.g. grades.csv).",
    ),
    "thread_not_found": ("Переписка не найдена.", "Conversation not found."),
    "not_in_thread": (
        "У вас больше нет доступа к этой переписке.",
        "You no longer have access to this conversation.",
    ),
    "not_childs_teacher": (
        "Этот учитель не ведёт уроки в классе ребёнка.",
        "This teacher does not teach the child's class.",
    ),
    "not_your_student": (
        "Вы не ведёте уроки в классе этого ученика.",
        "You do not teach this student's class.",
    ),
    "no_parents_linked": (
        "К ребёнку ещё не подключён ни один родитель.",
        "No parent is linked to this child yet.",
    ),
    "message_to_self": ("Нельзя написать самому себе.", "You cannot write to yourself."),
    "thread_moved_on": (
        "Пока вы читали, пришло новое сообщение. Повторите.",
        "A new message arrived meanwhile. Try again.",
    ),
    "too_many_messages": (
        "Слишком много сообщений. Повторите через {wait}.",
        "Too many messages. Try again in {wait}.",
    ),
    "student_not_found": ("Ученик не найден.", "Student not found."),
    "invalid_cursor": ("Неверный курсор страницы.", "The page cursor is not valid."),
    "method_not_allowed": ("Метод не поддерживается.", "Method not allowed."),
    "service_unavailable": (
        "Сервис временно недоступен, ничего не сохранено. Повторите позже.",
        "The service is temporarily unavailable; nothing was saved. Try again later.",
    ),
    "internal_error": ("Внутренняя ошибка.", "Internal error."),
    "term_not_found": ("Учебный период не найден.", "Term not found."),
    "calendar_not_found": (
        "Ссылка на календарь недействительна: получите новую в личном кабинете.",
        "The calendar link is not valid: get a new one in your account.",
    ),
    # tokens and staff roles (issue 12: 15, 16)
    "administrator_not_found": ("Администратор не найден в этой школе.", "Administrator not found in this school."),
    # bad input: values the database refuses, path ids (issue 12: timeouts, deep JSON, 4xx not 503)
    "value_not_storable": (
        "Значение слишком длинное или недопустимое, ничего не сохранено.",
        "A value is too long or not allowed; nothing was saved.",
    ),
    # mail and SMS to addresses the caller does not own (issue 12, items 13 and 14)
    "too_many_invitations": (
        "Слишком много приглашений. Повторите через {wait}.",
        "Too many invitations. Try again in {wait}.",
    ),
    "too_many_codes": (
        "Слишком много кодов подтверждения. Повторите через {wait}.",
        "Too many confirmation codes. Try again in {wait}.",
    ),
    "phone_missing": ("Сначала укажите номер телефона в профиле.", "Add a phone number to your profile first."),
    "phone_already_verified": ("Номер телефона уже подтверждён.", "The phone number is already confirmed."),
    # the child's standing in words, beside rank and percentile (issue 17, item 15)
    "standing_place": ("{place}-е место из {of}", "{place} of {of}"),
    "standing_not_below": (
        "{place}-е место из {of}: средний балл не ниже, чем у {percent} % одноклассников",
        "{place} of {of}: an average as high as or higher than {percent}% of classmates'",
    ),
    "standing_not_below_all": (
        "{place}-е место из {of}: средний балл не ниже, чем у всех одноклассников",
        "{place} of {of}: an average as high as or higher than every classmate's",
    ),
    "standing_withheld": (
        "Сравнения с классом нет: в группе меньше {min} учеников с оценками по предмету",
        "No comparison with the class: fewer than {min} students have grades in this subject",
    ),
    # the audit trail (issue 17, item 6): who acted, in what role (domain/children.py: AUDIT_ROLES)
    "audit_role_mother": ("мать", "mother"),
    "audit_role_father": ("отец", "father"),
    "audit_role_guardian": ("опекун", "guardian"),
    "audit_role_other": ("законный представитель", "legal representative"),
    "audit_role_student": ("ученик", "student"),
    "audit_role_relative": ("родственник", "relative"),
    "audit_role_tutor": ("репетитор", "tutor"),
    "audit_role_teacher": ("учитель", "teacher"),
    "audit_role_administrator": ("администратор школы", "school administrator"),
    "audit_role_operator": ("оператор города", "city operator"),
    "audit_role_system": ("информационная система школы", "the school's information system"),
    "audit_role_unknown": ("роль не записана", "role not recorded"),
    # alerts: the unsubscribe link (issue 17)
    "unsubscribe_link_ended": (
        "Вы больше не связаны с этим ребёнком в дневнике: уведомлений о нём не будет.",
        "You are no longer linked to this child in the diary: no alerts about them will come.",
    ),
    # new access codes (issue 17, item 1)
    "application_not_completed": (
        "Код доступа по этому заявлению ещё не выдан.",
        "No access code has been issued for this application yet.",
    ),
    "code_already_used": ("Код уже использован: дневник открыт.", "The code has been used: the diary is open."),
    "too_many_access_codes": (
        "Слишком много новых кодов. Повторите через {wait}.",
        "Too many new codes. Try again in {wait}.",
    ),
    # every error in the envelope: what chalice and API Gateway answer themselves (issue 17, item 7)
    "unsupported_media_type": (
        "Тело запроса — JSON: отправьте его с заголовком Content-Type: application/json.",
        "The request body is JSON: send it with the header Content-Type: application/json.",
    ),
    "too_many_requests": ("Слишком много запросов. Повторите позже.", "Too many requests. Try again later."),
    "request_too_large": ("Запрос слишком большой.", "The request is too large."),
    "gateway_timeout": (
        "Сервис не ответил вовремя. Проверьте, сохранилось ли изменение, прежде чем повторять.",
        "The service did not answer in time. Check whether the change was saved before trying again.",
    ),
}

# Field-level reasons, keyed by pydantic's error type.
FIELD_REASONS: dict[str, tuple[str, str]] = {
    "missing": ("обязательное поле", "this field is required"),
    "extra_forbidden": ("неизвестное поле", "unknown field"),
    "string_too_short": ("слишком короткое значение", "too short"),
    "string_too_long": ("слишком длинное значение", "too long"),
    "string_type": ("ожидается строка", "a string is expected"),
    "int_parsing": ("ожидается целое число", "a whole number is expected"),
    "int_type": ("ожидается целое число", "a whole number is expected"),
    "greater_than_equal": ("значение слишком мало", "the value is too small"),
    "less_than_equal": ("значение слишком велико", "the value is too large"),
    "date_from_datetime_parsing": ("ожидается дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD is expected"),
    "date_parsing": ("ожидается дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD is expected"),
    "date_type": ("ожидается дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD is expected"),
    "enum": ("недопустимое значение", "not one of the allowed values"),
    "literal_error": ("недопустимое значение", "not one of the allowed values"),
    "string_pattern_mismatch": ("неверный формат", "wrong format"),
    "value_error": ("неверное значение", "invalid value"),
    "email": ("неверный адрес электронной почты", "not a valid email address"),
    "phone": ("неверный номер телефона", "not a valid phone number"),
    "timezone": ("неизвестный часовой пояс", "unknown time zone"),
    "control_characters": ("недопустимые управляющие символы", "control characters are not allowed"),
    "password_weak": (
        "пароль должен быть не короче 10 символов и содержать буквы и цифры",
        "the password needs at least 10 characters with letters and digits",
    ),
    # bad input (issue 12): a null where a value or leaving the field out is meant; reversed spans
    "null_not_allowed": ("укажите значение или не передавайте поле", "give a value or leave the field out"),
    "range_reversed": ("конец периода раньше начала", "the end of the span is before its start"),
    # searching by name (issue 17: applicants, the school directory)
    "search_words": ("укажите от 1 до 5 слов для поиска", "give one to five words to search by"),
    # strict request models: a JSON value of the wrong type (issue 17, item 19)
    "bool_type": ("ожидается true или false", "true or false is expected"),
    "float_type": ("ожидается число", "a number is expected"),
    "list_type": ("ожидается список", "a list is expected"),
    "model_type": ("ожидается объект", "an object is expected"),
    "dict_type": ("ожидается объект", "an object is expected"),
    "time_type": ("ожидается время ЧЧ:ММ", "a time HH:MM is expected"),
    "datetime_type": ("ожидаются дата и время ISO 8601", "an ISO 8601 date and time is expected"),
}


def pick_language(accept_language: str | None) -> str:
    """Russian unless the caller's Accept-Language prefers English."""
    if not accept_language:
        return RU
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, tag.strip().lower()[:2]))
    for _, lang in sorted(ranked, key=lambda r: -r[0]):
        if lang in (RU, EN):
            return lang
    return RU


def wait_in_words(seconds: int, lang: str) -> str:
    """How long to wait, as a person says it: whole minutes rounded up, hours past the hour
    («15 мин», «1 ч 30 мин»; "1 minute", "2 hours 30 minutes"); never seconds."""
    hours, minutes = divmod(max(1, -(-int(seconds) // 60)), 60)
    if lang == EN:
        parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    else:
        parts = [f"{n} {unit}" for n, unit in ((hours, "ч"), (minutes, "мин")) if n]
    return " ".join(parts)


def message(code: str, lang: str, **params: Any) -> str:
    """The human sentence for an error code (a `retry_after` in seconds is said as {wait})."""
    ru, en = MESSAGES.get(code, MESSAGES["bad_request"])
    text = en if lang == EN else ru
    if "retry_after" in params:
        params = {**params, "wait": wait_in_words(params["retry_after"], lang)}
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def field_reason(kind: str, lang: str) -> str:
    """The human reason a field was refused."""
    ru, en = FIELD_REASONS.get(kind, FIELD_REASONS["value_error"])
    return en if lang == EN else ru
