"""Statistics in small groups through the statistics page: nothing comparative below the minimum
group size (docs/security.md, "Statistics in small groups"; the rules: tests/unit/test_security_stats_rules.py)."""

from __future__ import annotations

from tests.functional.test_diary import _school_clock, school  # noqa: F401  (the same school and clock)
from tests.journeys import get, post
from tests.unit.test_security_stats_rules import COMPARATIVE

# --- the statistics page ------------------------------------------------------------------------


def _standing(client, school, subject_name):  # noqa: F811
    response = get(client, f"/children/{school['child']}/statistics", school["parent"])
    assert response.status_code == 200, response.body
    return next(s for s in response.json_body["subjects"] if s["subject_name"] == subject_name)["standing"]


def test_the_page_withholds_comparisons_with_2_and_4_graded_students_and_shows_them_with_5(client, school):  # noqa: F811
    base = f"/schools/{school['id']}"

    def lesson(subject):
        made = post(client, f"{base}/classes/{school['class_id']}/lessons", {
            "date": "2026-09-16", "starts_at": "12:00" if subject == school["maths"] else "13:00",
            "ends_at": "12:45" if subject == school["maths"] else "13:45", "subject_id": subject}, school["admin"])
        assert made.status_code == 201, made.body
        return f"{base}/classes/{school['class_id']}/lessons/{made.json_body['lesson_id']}"

    def grade(lesson_path, student, value):
        made = post(client, f"{lesson_path}/grades", {"student_id": student, "value": value}, school["teacher"])
        assert made.status_code == 201, made.body

    def new_pupil(last_name):
        made = post(client, f"{base}/students", {"last_name": last_name, "first_name": "Б",
                                                  "birth_date": "2015-02-02", "class_id": school["class_id"]},
                    school["admin"])
        assert made.status_code == 201, made.body
        return made.json_body["student_id"]

    maths, russian = lesson(school["maths"]), lesson(school["russian"])
    # Given Russian graded for the child and one classmate: two students
    grade(russian, school["mates"][0], 2)
    # and maths for the child, two classmates and a newcomer: four
    grade(maths, new_pupil("Васильев"), 4)
    school["pump"].drain()
    for subject in ("Русский язык", "Математика"):
        standing = _standing(client, school, subject)
        assert {k: standing[k] for k in COMPARATIVE} == dict.fromkeys(COMPARATIVE), subject
        assert (standing["withheld"], standing["min_group_size"]) == ("group_too_small", 5)
    # When a fifth student gets a maths grade, the comparison appears
    grade(maths, new_pupil("Григорьев"), 3)
    school["pump"].drain()
    standing = _standing(client, school, "Математика")
    # Averages 4.25 (the child), 5.00, 2.50, 4.00, 3.00
    assert standing["withheld"] is None
    assert (standing["rank"], standing["of"], standing["percentile"], standing["class_average"]) == (2, 5, 75, 3.8)
    assert standing["summary"] == "2-е место из 5: средний балл не ниже, чем у 75 % одноклассников"
    assert set(standing["distribution"]) == {"1", "2", "3", "4", "5"}
