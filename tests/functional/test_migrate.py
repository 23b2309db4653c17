"""One-off migrations of stored data: the week pages built for a journal written before them."""

from __future__ import annotations

import uuid


def test_week_pages_are_built_once_for_records_the_stream_never_copied(app):
    from chalicelib import aws, settings
    from chalicelib.dal import diary as store
    from chalicelib.dal import journal as j
    from chalicelib.dal.models import Grade, Lesson
    from chalicelib.dal.store import get_many
    from ops import migrate

    ddb, table = aws.client("dynamodb"), settings.table_name()
    ddb.delete_item(TableName=table, Key={"PK": {"S": "MIGRATION"}, "SK": {"S": "week-pages"}})
    klass, student = f"old-{uuid.uuid4().hex[:8]}", f"old-{uuid.uuid4().hex[:8]}"
    lesson_id = "2025-03-05T0830-maths"  # a Wednesday: its page is the week of Monday 3 March
    # Written as an older checkout did, and never through the pump: no page exists for them
    Lesson(j.class_pk(klass), j.lesson_sk(lesson_id), school_id="s", class_id=klass, subject_id="maths",
           lesson_id=lesson_id, date="2025-03-05", starts_at="08:30", ends_at="09:15", topic="Дроби").save()
    Grade(j.student_pk(student), j.grade_sk("2025-03-05-a"), grade_id="2025-03-05-a", school_id="s", class_id=klass,
          student_id=student, subject_id="maths", lesson_id=lesson_id, date="2025-03-05", value=5, weight=2).save()
    keys = [store.week_page_key(j.class_pk(klass), "2025-03-03"), store.week_page_key(j.student_pk(student),
                                                                                      "2025-03-03")]
    assert get_many(keys) == {}

    assert "week-pages" in migrate.run()  # with any other migration this table has not had yet
    found = get_many(keys)
    lesson = store.week_page(found, j.class_pk(klass), "2025-03-03")[f"L#{lesson_id}"]
    grade = store.week_page(found, j.student_pk(student), "2025-03-03")["G#2025-03-05-a"]
    assert (lesson["topic"], lesson["starts_at"]) == ("Дроби", "08:30")
    assert (grade["value"], grade["weight"], grade["lesson_id"]) == (5, 2, lesson_id)
    assert migrate.run() == []  # remembered: a second start does not scan again
