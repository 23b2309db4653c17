"""The rule that names the child of a parent's application among the school's students
(chalicelib/domain/roster.py `choose`; docs/oneroster.md, «Matching a parent's application to a
student»), and OneRoster students without a birth date (issue 14, item 1). No services here."""

from __future__ import annotations

import csv
import io

from chalicelib.domain import oneroster
from chalicelib.domain.roster import choose, class_word, name_key, name_of_key, roster_key
from chalicelib.records.applications import Candidate
from tests.functional.test_oneroster import CLASSES as OR_CLASSES
from tests.functional.test_oneroster import COURSES, DEMOGRAPHICS, ENROLLMENTS, ROLES, users

BORN = "2015-04-12"


def _student(student_id: str, class_name: str, birth_date: str | None = None) -> Candidate:
    return Candidate(student_id=student_id, class_id=f"id-{class_name}", class_name=class_name,
                     last_name="Орлов", first_name="Глеб", middle_name=None, birth_date=birth_date)


def test_a_roster_key_without_a_birth_date_keeps_the_name_prefix_namesakes_share():
    assert roster_key("Орлов", "Глеб", None, None) == "орлов#глеб##"
    assert roster_key("Орлов", "Глеб", None, "") == roster_key("Орлов", "Глеб", None, None)
    assert name_of_key(roster_key("Орлов", "Глеб", None, BORN)) == name_key("ОРЛОВ", "глеб", "") == "орлов#глеб#"
    # the prefix ends at the middle name: "Глеб" never finds "Глебов" nor a middle name it lacks
    assert not roster_key("Орлов", "Глебов", None, BORN).startswith(name_key("Орлов", "Глеб", None) + "#")
    assert not roster_key("Орлов", "Глеб", "Игоревич", BORN).startswith(name_key("Орлов", "Глеб", None) + "#")


def test_class_names_are_compared_as_people_write_them():
    assert class_word("5 А") == class_word("5а") == class_word("5-А") == class_word("5 «а»") == "5а"
    assert class_word("5А") != class_word("5Б") and class_word(None) == ""


def test_the_only_namesake_confirmed_by_birth_date_or_class_is_the_child():
    assert choose([_student("a", "5А", BORN)], "6Б", BORN) == ("a", [])  # as before: name and birth date
    assert choose([_student("a", "5А")], "5а", BORN) == ("a", [])  # no birth date: the class confirms
    # a known birth date that differs is another child: nobody yet, the school's data may come
    assert choose([_student("a", "5А", "2015-04-13")], "5А", BORN) == (None, [])
    assert choose([], "5А", BORN) == (None, [])


def test_the_class_tells_namesakes_without_birth_dates_apart():
    a, b = _student("a", "5А"), _student("b", "6Б")
    assert choose([a, b], "6Б", BORN) == ("b", [])
    # the one in the class also born that day, another born that day elsewhere: all three agree on "a"
    assert choose([_student("a", "5А", BORN), _student("b", "6Б", BORN)], "5А", BORN) == ("a", [])


def test_whenever_more_than_one_student_could_be_the_child_the_administrator_picks():
    a, b = _student("a", "5А"), _student("b", "5А")
    assert choose([a, b], "5А", BORN) == (None, [a, b])  # two namesakes in one class, no birth dates
    c = _student("c", "6Б", BORN)
    # class says "a" (birth date unknown), the birth date says "c": never a guess
    assert choose([a, c], "5А", BORN) == (None, [a, c])
    # the only namesake, unconfirmed: no birth date, and in another class than the parent named
    assert choose([b], "7В", BORN) == (None, [b])
    # none in the named class, two born that day elsewhere
    d = _student("d", "6Б", BORN)
    assert choose([c, d], "5А", BORN) == (None, [c, d])
    # a namesake born another day is never offered
    assert choose([a, b, _student("e", "5А", "2014-01-01")], "5А", BORN) == (None, [a, b])


def _students_file(translated: oneroster.Translation) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(translated.files["students"])))


def test_oneroster_students_without_demographics_are_translated_without_a_birth_date():
    translated = oneroster.translate([("users.csv", users("t@example.ru")), ("roles.csv", ROLES),
                                      ("classes.csv", OR_CLASSES), ("courses.csv", COURSES),
                                      ("enrollments.csv", ENROLLMENTS)])
    rows = _students_file(translated)
    assert [(r["student_id"], r["birth_date"], r["__error"]) for r in rows] == [
        ("s1", "", ""), ("s2", "", ""), ("s3", "", ""), ("s4", "", "")]


def test_an_unreadable_birth_date_is_a_warning_and_the_student_is_taken():
    demographics = DEMOGRAPHICS.replace("2015-07-02", "07/02/2015").replace("2014-01-20", "2014-01-20T00:00:00Z")
    translated = oneroster.translate([("users.csv", users("t@example.ru")), ("roles.csv", ROLES),
                                      ("classes.csv", OR_CLASSES), ("courses.csv", COURSES),
                                      ("enrollments.csv", ENROLLMENTS), ("demographics.csv", demographics)])
    rows = {r["student_id"]: r for r in _students_file(translated)}
    assert (rows["s1"]["birth_date"], rows["s1"]["__warnings"]) == ("2015-03-14", "")
    assert (rows["s2"]["birth_date"], rows["s2"]["__error"]) == ("", "")
    assert rows["s2"]["__warnings"] == '[["birthDate", "birth_date_unreadable", "07/02/2015"]]'
    assert rows["s3"]["birth_date"] == "2014-01-20"  # a timestamp's day is the date
