"""Issue 14 items 2 and 3 through the real pipeline: students outside grades 1–11 or without a
homeroom are never dropped, a homeroom without grades takes its students', a section whose
course is absent or names no subject takes its subject from a title; each with a warning."""

from __future__ import annotations

from tests import oneroster_fixtures as oneroster
from tests.functional import test_uploads
from tests.functional.test_uploads import upload
from tests.journeys import apply, check_and_approve, emailed_access_code, get, login, post, verified_account

school = test_uploads.school  # a school with a registered teacher and its system's token

BIRTH = {"s4": "2011-02-01", "s5": "2011-03-02", "s6": "2018-04-03", "s7": "2020-05-04", "s8": "2008-06-05",
         "s9": "2016-07-06", "s10": "2012-08-07"}


def package(teacher_email: str) -> oneroster.Package:
    data = oneroster.school(teacher_email)
    data["classes.csv"] += [
        oneroster.homeroom("hr-9", "9В"),  # classes.csv:5, no grades: its students' grade 09
        oneroster.homeroom("hr-gpd", "ГПД"),  # classes.csv:6, no grades, nor have its students
        oneroster.section("sec-hist", "История 5А", "c-none"),  # classes.csv:7, an absent course
        oneroster.section("sec-art", "ИЗО 5А", "c-art"),  # classes.csv:8, a course without subjects
    ]
    data["courses.csv"].append({"sourcedId": "c-art", "title": "ИЗО 5 класс", "orgSourcedId": "org-1"})  # :4
    data["users.csv"] += [  # users.csv:6..12
        oneroster.student("s4", "Орлов", "Иван", "09"), oneroster.student("s5", "Белова", "Анна", "09"),
        oneroster.student("s6", "Зайцев", "Олег"), oneroster.student("s7", "Ким", "Ли", "KG"),
        oneroster.student("s8", "Смит", "Джон", "12"), oneroster.student("s9", "Нестеров", "Глеб"),
        oneroster.student("s10", "Уваров", "Лев", "UG"),
    ]
    data["enrollments.csv"] += [oneroster.enrolment("e10", "hr-9", "s4"), oneroster.enrolment("e11", "hr-9", "s5"),
                                oneroster.enrolment("e12", "hr-gpd", "s6"),
                                oneroster.enrolment("e13", "sec-hist", "s7"),
                                oneroster.enrolment("e14", "sec-art", "s9")]
    data["demographics.csv"] += [{"sourcedId": sid, "birthDate": day} for sid, day in BIRTH.items()]
    return data


# 8 classes (5А 5Б 9В ГПД KG 12 «Без класса» UG) + 3 subjects + 2 terms + 1 teaching + 10 students + 2 results
ROWS = 26
WARNED = 9  # 6 classes, 2 subjects, 1 student
REPORT = sorted([
    ("classes.csv", 5, "grades", "grade_from_students", "warning", "9"),
    ("classes.csv", 6, "grades", "no_grade_level", "warning", None),
    ("classes.csv", 7, "courseSourcedId", "unknown_course", "warning", "c-none"),
    ("courses.csv", 4, "subjects", "subject_from_title", "warning", "ИЗО 5 класс"),
    ("users.csv", 9, "grades", "outside_school_grades", "warning", "KG"),
    ("users.csv", 10, "grades", "outside_school_grades", "warning", "12"),
    ("users.csv", 11, "grades", "no_grade_level", "warning", None),  # the class «Без класса»
    ("users.csv", 11, "grades", "no_class", "warning", None),  # the student in it
    ("users.csv", 12, "grades", "no_grade_level", "warning", None),  # the class UG
], key=str)


def report(status: dict) -> list[tuple]:
    return sorted([(e["file"], e["line"], e["column"], e["code"], e["severity"], e["value"])
                   for e in status["errors"]], key=str)


def test_students_of_any_grade_or_none_and_classes_without_grades_or_courses_are_taken(client, pump, school):
    body = oneroster.zip_bytes(package(school["teacher"]))
    first = upload(client, pump, school, "oneroster.zip", body)
    assert (first["state"], first["rows_total"], first["rows_done"], first["rows_rejected"],
            first["rows_warned"]) == ("done", ROWS, ROWS, 0, WARNED), first
    assert report(first) == REPORT
    assert first["warned_by_code"] == {"grade_from_students": 1, "no_grade_level": 3, "unknown_course": 1,
                                       "subject_from_title": 1, "outside_school_grades": 2, "no_class": 1}
    sid, admin = school["id"], school["admin"]
    classes = {c["name"]: c for c in get(client, f"/schools/{sid}/classes", admin).json_body["items"]}
    assert {n: c["grade_level"] for n, c in classes.items()} == {
        "5А": 5, "5Б": 5, "9В": 9, "ГПД": None, "KG": 0, "12": 12, "Без класса": None, "UG": None}

    def roster(name: str) -> list[str]:
        found = get(client, f"/schools/{sid}/students?class_id={classes[name]['class_id']}", admin)
        assert found.status_code == 200, found.body
        return [s["last_name"] for s in found.json_body["items"]]

    assert (roster("9В"), roster("ГПД"), roster("KG"), roster("12"), roster("Без класса"), roster("UG")) == (
        ["Белова", "Орлов"], ["Зайцев"], ["Ким"], ["Смит"], ["Нестеров"], ["Уваров"])
    subjects = sorted(s["name"] for s in get(client, f"/schools/{sid}/subjects", admin).json_body["items"])
    assert subjects == sorted(["Математика", "ИЗО 5 класс", "История 5А"])

    again = upload(client, pump, school, "oneroster.zip", body)
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_warned"],
            again["rows_changed"]) == ("done", ROWS, 0, WARNED, 0), again
    assert report(again) == REPORT


def test_a_parent_of_a_student_put_in_no_class_reaches_the_childs_pages(client, pump, school):
    status = upload(client, pump, school, "oneroster.zip", oneroster.zip_bytes(package(school["teacher"])))
    assert status["state"] == "done", status
    parent_email = verified_account(client, pump)
    parent = str(login(client, parent_email)["access_token"])
    child = {"child_last_name": "Нестеров", "child_first_name": "Глеб", "child_birth_date": BIRTH["s9"],
             "class_name": "Без класса", "relation": "father"}
    check_and_approve(client, school["id"], school["admin"], apply(client, parent, school["id"], child))
    redeemed = post(client, "/children/redeem", {"code": emailed_access_code(pump, parent_email)}, parent)
    assert redeemed.status_code == 200, redeemed.body
    children = get(client, "/children", parent)
    assert children.status_code == 200, children.body
    [mine] = children.json_body["items"]
    assert (mine["last_name"], mine["class_name"]) == ("Нестеров", "Без класса")
    week = get(client, f"/children/{mine['student_id']}/week?date=2026-09-14", parent)
    assert week.status_code == 200, week.body
