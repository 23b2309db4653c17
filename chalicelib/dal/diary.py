"""Reads behind the family's diary pages, and the aggregates the stream keeps for them.

Aggregate items have attributes named after what they count (a week, a classmate, a day), which
PynamoDB's declared models cannot express, so they are read and written with the low-level client.
"""

from __future__ import annotations

from typing import Any

from chalicelib import aws, settings
from chalicelib.dal import journal as journal_store
from chalicelib.dal import keys
from chalicelib.dal.children import links_among
from chalicelib.dal.journal import class_pk, student_pk
from chalicelib.dal.keys import directory_key
from chalicelib.dal.keys import stat_sk as stat_sk  # its old home, where the stream's code reads it
from chalicelib.dal.keys import week_page_key as week_page_key
from chalicelib.dal.models import (
    AttendanceMark,
    CalendarPointer,
    CalendarToken,
    DiaryItem,
    Grade,
    Homework,
    ParentMeeting,
    School,
    SchoolEvent,
    Student,
    Term,
)
from chalicelib.dal.schools import school_pk
from chalicelib.dal.store import Found, connection, epoch, get_many, now_iso, storing
from chalicelib.records.family import (
    DEFAULT_TIMEZONE,
    ChildContext,
    ChildReading,
    Entry,
    Pupil,
    SchoolPlace,
    WeekPage,
)
from chalicelib.records.family import Term as TermRecord

ContextItems = tuple[Student | None, School | None, dict[str, Any]]

STREAM_MARK_DAYS = 3  # longer than Lambda retries a stream batch (24 h at most)


def _ddb() -> Any:
    return aws.client("dynamodb")


def _plain(raw: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    return {k: des.deserialize(v) for k, v in raw.items()}


# --- the child's context: one BatchGetItem ---------------------------------------------
#
# `Found`, the raw items of one BatchGetItem by key, never leaves the data layer: the domain gets
# records (chalicelib/records/family.py).


def context_keys(school_id: str, student_id: str) -> list[tuple[str, str]]:
    """The student (for the class), the school (for its time zone) and the school's names."""
    return [keys.roster_student_key(school_id, student_id), keys.school_item_key(school_id),
            directory_key(school_id)]


def context_of(found: Found, school_id: str, student_id: str) -> ContextItems:
    """The context items among items read together, as stored models."""
    student_key, school_key, names_key = context_keys(school_id, student_id)
    student, school = found.get(student_key), found.get(school_key)
    return (Student.from_raw_data(student) if student else None, School.from_raw_data(school) if school else None,
            _plain(found[names_key]) if names_key in found else {})


def _pupil(student: Student) -> Pupil:
    return Pupil(student.student_id, student.school_id, student.class_id, student.last_name, student.first_name,
                 student.middle_name)


def _school_place(school: School) -> SchoolPlace:
    return SchoolPlace(school.school_id, school.name, school.timezone or DEFAULT_TIMEZONE)


def _context(found: Found, school_id: str, student_id: str) -> ChildContext:
    student, school, directory = context_of(found, school_id, student_id)
    names = {k: str(v) for k, v in directory.items() if k[:2] in ("s:", "t:")}
    return ChildContext(_pupil(student) if student else None, _school_place(school) if school else None, names)


def child_context(school_id: str, student_id: str) -> ChildContext:
    """The child on the roster, the school and its names, in one call."""
    return _context(get_many(context_keys(school_id, student_id)), school_id, student_id)


def contexts_of(children: list[tuple[str, str]]) -> dict[str, ChildContext]:
    """Several children (school id, student id) on their rosters, and their schools, in one
    BatchGetItem (without the names); by student id."""
    if not children:
        return {}
    found = get_many([key for school_id, student_id in children for key in context_keys(school_id, student_id)[:2]])
    return {student_id: _context(found, school_id, student_id) for school_id, student_id in children}


def class_names(classes: list[tuple[str, str]]) -> dict[str, str]:
    """The names of classes (school id, class id), in one BatchGetItem; by class id."""
    found = get_many([keys.class_item_key(school_id, class_id) for school_id, class_id in classes]) if classes else {}
    return {class_id: str(_plain(raw).get("name", ""))
            for school_id, class_id in classes if (raw := found.get(keys.class_item_key(school_id, class_id)))}


def _week_keys(class_id: str, student_id: str, monday: str) -> list[tuple[str, str]]:
    return [week_page_key(keys.class_week_pk(class_id), monday),
            week_page_key(keys.student_week_pk(student_id), monday)]


def _week_record(found: Found, pk: str, monday: str) -> WeekPage:
    entries = sorted(week_page(found, pk, monday).items())

    def kind(prefix: str) -> tuple[dict[str, Any], ...]:
        return tuple(v for k, v in entries if k.startswith(prefix))

    return WeekPage(kind(keys.WEEK_LESSON), kind(keys.WEEK_HOMEWORK), kind(keys.WEEK_GRADE), kind(keys.WEEK_MARK))


def _weeks(found: Found, class_id: str, student_id: str, monday: str) -> tuple[WeekPage, WeekPage]:
    return (_week_record(found, keys.class_week_pk(class_id), monday),
            _week_record(found, keys.student_week_pk(student_id), monday))


def week_pages(class_id: str, student_id: str, monday: str) -> tuple[WeekPage, WeekPage]:
    """The class's and the student's pages of the week starting `monday`, in one BatchGetItem."""
    return _weeks(get_many(_week_keys(class_id, student_id, monday)), class_id, student_id, monday)


def read_for_child(student_id: str, accounts: tuple[str, ...], school_id: str,
                   week: tuple[str, str] | None = None) -> ChildReading:
    """Everything a child's page needs in ONE consistent BatchGetItem: the links of `accounts`
    (the caller, and the parent who invited a viewer), the child's context at `school_id` and,
    with `week` (class id, monday), the class's and the student's pages of that week. Context and
    pages are read where the caller's token says the child is; the domain checks that it still is."""
    wanted = [keys.link_key(student_id, who) for who in accounts if who] + context_keys(school_id, student_id)
    if week:
        wanted += _week_keys(week[0], student_id, week[1])
    found = get_many(wanted, consistent=True)
    class_week, student_week = _weeks(found, week[0], student_id, week[1]) if week else (WeekPage(), WeekPage())
    return ChildReading(links_among(found, student_id, *accounts), _context(found, school_id, student_id),
                        class_week, student_week)


def names(school_id: str, subject_ids: set[str], teacher_ids: set[str]) -> dict[str, str]:
    """Names the directory did not have yet (the stream lags a write by a moment): one BatchGetItem,
    of the names only (an account item holds more than a page should read)."""
    wanted = [keys.subject_item_key(school_id, s) for s in sorted(subject_ids)]
    wanted += [keys.account_key(t) for t in sorted(teacher_ids)]
    out: dict[str, str] = {}
    for raw in get_many(wanted, attributes=("name", "subject_id", "account_id")).values():
        item = _plain(raw)
        if "subject_id" in item:
            out[f"s:{item['subject_id']}"] = item.get("name", "")
        elif "account_id" in item:
            out[f"t:{item['account_id']}"] = item.get("name", "")
    return out


def set_names(school_id: str, entries: dict[str, str]) -> None:
    """Write names into the school's directory (a SET: replaying it changes nothing)."""
    if not entries:
        return
    pk, sk = directory_key(school_id)
    names_ = {f"#a{i}": key for i, key in enumerate(entries)}
    values = {f":v{i}": {"S": value} for i, value in enumerate(entries.values())}
    values[":kind"] = {"S": "SchoolDirectory"}
    sets = ", ".join(f"#a{i} = :v{i}" for i in range(len(entries)))
    with storing():
        _ddb().update_item(TableName=settings.table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}},
                           UpdateExpression=f"SET kind = :kind, {sets}", ExpressionAttributeNames=names_,
                           ExpressionAttributeValues=values)


# --- week pages -------------------------------------------------------------------------

PAGE_ENTRIES_PER_UPDATE = 40  # keeps one UpdateItem's expression well inside DynamoDB's limits


def week_page(found: Found, pk: str, monday: str) -> dict[str, Any]:
    """A week page's entries among items read together ({} when the week has none)."""
    raw = found.get(week_page_key(pk, monday))
    if not raw:
        return {}
    prefixes = (keys.WEEK_LESSON, keys.WEEK_HOMEWORK, keys.WEEK_GRADE, keys.WEEK_MARK)
    return {k: v for k, v in _plain(raw).items() if k[:2] in prefixes}


def save_week_pages(pages: dict[tuple[str, str], dict[str, dict[str, Any] | None]]) -> None:
    """Set (a dict) or remove (None) entries of week pages; replaying it changes nothing."""
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    for (pk, sk), entries in pages.items():
        items = list(entries.items())
        for start in range(0, len(items), PAGE_ENTRIES_PER_UPDATE):
            chunk = items[start:start + PAGE_ENTRIES_PER_UPDATE]
            names_ = {f"#e{i}": attr for i, (attr, _) in enumerate(chunk)}
            values: dict[str, Any] = {f":e{i}": ser.serialize(value)
                                      for i, (_, value) in enumerate(chunk) if value is not None}
            values[":kind"] = {"S": "WeekPage"}
            sets = "".join(f", #e{i} = :e{i}" for i, (_, value) in enumerate(chunk) if value is not None)
            removes = ", ".join(f"#e{i}" for i, (_, value) in enumerate(chunk) if value is None)
            expression = f"SET kind = :kind{sets}" + (f" REMOVE {removes}" if removes else "")
            with storing():
                _ddb().update_item(TableName=settings.table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}},
                                   UpdateExpression=expression, ExpressionAttributeNames=names_,
                                   ExpressionAttributeValues=values)


# --- journal ranges ---------------------------------------------------------------------


def terms(school_id: str) -> list[Term]:
    """The school's terms (a handful a year)."""
    with storing():
        return list(Term.query(school_pk(school_id), Term.sk.startswith("TERM#")))


def homework_due(school_id: str, class_id: str, today: str, upcoming: bool, limit: int) -> list[Homework]:
    """A class's homework due from today on (soonest first) or before today (latest first)."""
    key = f"HOMEWORK#{school_id}#{class_id}"
    condition = DiaryItem.gsi1sk >= today if upcoming else DiaryItem.gsi1sk < today
    with storing():
        found = DiaryItem.gsi1.query(key, condition, scan_index_forward=upcoming, limit=limit)
        return [i for i in found if isinstance(i, Homework)]


def homework_between(school_id: str, class_id: str, first: str, last: str) -> list[Homework]:
    """A class's homework due between two dates (the calendar)."""
    with storing():
        found = DiaryItem.gsi1.query(f"HOMEWORK#{school_id}#{class_id}",
                                     DiaryItem.gsi1sk.between(first, f"{last}~"))
        return [i for i in found if isinstance(i, Homework)]


# --- aggregates -------------------------------------------------------------------------


def _query_all(pk: str, prefix: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": settings.table_name(), "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":p": {"S": prefix}},
    }
    with storing():
        while True:
            answer = _ddb().query(**kwargs)
            items.extend(_plain(raw) for raw in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                return items
            kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def student_stats(student_id: str, term_id: str) -> list[dict[str, Any]]:
    """The student's aggregates for a term, one item per subject."""
    return _query_all(student_pk(student_id), keys.stat_prefix(term_id))


def class_stats(class_id: str, term_id: str) -> list[dict[str, Any]]:
    """The class's aggregates for a term, one item per subject."""
    return _query_all(class_pk(class_id), keys.stat_prefix(term_id))


def _by_subject(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {keys.subject_of_stat(str(i["SK"])): {k: v for k, v in i.items() if k not in ("PK", "SK", "kind")}
            for i in items}


def term_counts(class_id: str, student_id: str,
                term_id: str) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The student's and the class's aggregates of a term, each by subject (what they count: the
    stream's counters, domain/aggregates.py)."""
    return _by_subject(student_stats(student_id, term_id)), _by_subject(class_stats(class_id, term_id))


def apply_once(event_id: str, updates: list[tuple[str, str, dict[str, int]]]) -> bool:
    """ADD the deltas to their aggregate items together with a mark of the stream record, in one
    transaction; False when the record was applied before (a retried batch)."""
    from botocore.exceptions import ClientError

    table = settings.table_name()
    mark = {"PK": {"S": f"STREAM#{event_id}"}, "SK": {"S": "STREAM"}, "kind": {"S": "StreamMark"},
            "expires_at": {"N": str(epoch() + STREAM_MARK_DAYS * 86_400)}}
    actions: list[dict[str, Any]] = [{"Put": {"TableName": table, "Item": mark,
                                              "ConditionExpression": "attribute_not_exists(PK)"}}]
    for pk, sk, deltas in updates:
        names_ = {f"#a{i}": attr for i, attr in enumerate(deltas)}
        values: dict[str, Any] = {f":v{i}": {"N": str(v)} for i, v in enumerate(deltas.values())}
        values[":kind"] = {"S": "Aggregate"}
        adds = ", ".join(f"#a{i} :v{i}" for i in range(len(deltas)))
        actions.append({"Update": {
            "TableName": table, "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": f"SET kind = :kind ADD {adds}",
            "ExpressionAttributeNames": names_, "ExpressionAttributeValues": values}})
    try:
        _ddb().transact_write_items(TransactItems=actions)
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False  # the mark exists: this record was counted already
        raise
    return True


# --- events, meetings -------------------------------------------------------------------


def save_event(event: SchoolEvent) -> None:
    """A new school event."""
    event.created_at = now_iso()
    with storing():
        event.save(condition=DiaryItem.pk.does_not_exist())


def events_between(school_id: str, first: str, last: str) -> list[SchoolEvent]:
    """A school's events between two dates."""
    with storing():
        found = DiaryItem.query(school_pk(school_id), DiaryItem.sk.between(f"EVENT#{first}", f"EVENT#{last}~"))
        return [i for i in found if isinstance(i, SchoolEvent)]


def save_meeting(meeting: ParentMeeting) -> None:
    """A new parent meeting."""
    meeting.created_at = now_iso()
    with storing():
        meeting.save(condition=DiaryItem.pk.does_not_exist())


def meetings_between(class_id: str, first: str, last: str) -> list[ParentMeeting]:
    """A class's parent meetings between two dates."""
    with storing():
        found = DiaryItem.query(class_pk(class_id), DiaryItem.sk.between(f"MEETING#{first}", f"MEETING#{last}~"))
        return [i for i in found if isinstance(i, ParentMeeting)]


# --- calendar tokens --------------------------------------------------------------------


def calendar_token(token_hash: str) -> CalendarToken | None:
    """Whose feed a token opens."""
    with storing():
        try:
            item = DiaryItem.get(f"CALENDAR#{token_hash}", "CALENDAR")
        except DiaryItem.DoesNotExist:
            return None
    return item if isinstance(item, CalendarToken) else None


def replace_calendar_token(account_id: str, student_id: str, token_hash: str) -> None:
    """Store the new token and drop the account's previous one for this child, together."""
    from pynamodb.transactions import TransactWrite

    pointer_key = (student_pk(student_id), f"CALENDAR#{account_id}")
    with storing():
        try:
            old = DiaryItem.get(*pointer_key)
        except DiaryItem.DoesNotExist:
            old = None
    token = CalendarToken(f"CALENDAR#{token_hash}", "CALENDAR", account_id=account_id, student_id=student_id)
    pointer = CalendarPointer(*pointer_key, token_hash=token_hash)
    token.created_at = pointer.created_at = now_iso()
    with storing(), TransactWrite(connection=connection()) as tx:
        if isinstance(old, CalendarPointer) and old.token_hash != token_hash:
            tx.delete(CalendarToken(f"CALENDAR#{old.token_hash}", "CALENDAR"))
        tx.save(token)
        tx.save(pointer)


# --- a term's grades and marks, as records ----------------------------------------------


def terms_of(school_id: str) -> list[TermRecord]:
    """The school's terms (a handful a year), as records."""
    return [TermRecord(t.term_id, t.name, t.starts_on, t.ends_on) for t in terms(school_id)]


def term_journal(student_id: str, first: str, last: str) -> tuple[list[Entry], list[Entry]]:
    """A student's grades and attendance marks between two dates (one Query), each as the stored
    attributes by name (what a week page keeps of them too)."""
    found = journal_store.student_days(student_id, first, last)
    return ([g.attribute_values for g in found if isinstance(g, Grade)],
            [m.attribute_values for m in found if isinstance(m, AttendanceMark)])
