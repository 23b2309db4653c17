"""OneRoster `tobedeleted` / `inactive` rows applied through the real pipeline (issue 14, items 6
and 13): a full zip, then a second zip of what the school's system ended (statuses written in
any case), then that second zip again, which changes nothing and tells no one."""

from __future__ import annotations

from chalicelib.dal import applications as application_store
from chalicelib.dal import journal as journal_store
from chalicelib.dal import schools as school_store
from chalicelib.dal.models import Grade, Teaching
from chalicelib.domain.import_rows import stable_id
from chalicelib.domain.roster import name_key
from tests.conftest import sent_emails
from tests.functional import test_oneroster as bulk
from tests.functional import test_uploads
from tests.functional.test_uploads import upload, zipped
from tests.journeys import (
    apply,
    check_and_approve,
    emailed_access_code,
    get,
    login,
    post,
    verified_account,
)

school = test_uploads.school  # a school with a registered teacher and its system's token

HEAD = bulk.HEAD
# A homeroom nobody is enrolled in: the first upload makes it empty, the second does not name it.
CLASSES_WITH_5V = bulk.CLASSES + "hr-5v,,,5В,05,c-hr,5V,homeroom,каб. 16,org-1,\"q1,q2,q3,q4\"\n"
PETR = {"child_last_name": "Иванов", "child_first_name": "Пётр", "child_middle_name": "Сергеевич",
        "child_birth_date": "2015-03-14", "class_name": "5А", "relation": "mother"}
LEFT = "Доступ к дневнику закрыт"


def ended_zip(teacher_email: str) -> bytes:
    """What the school's system sends after: Пётр (s1) left the school, Михаил (s3) left 5Б, the
    teacher stopped teaching maths to 5А (e5), the 4th quarter (q4) was replaced by another one."""
    users = HEAD + f"""enabledUser,username,givenName,familyName,middleName,email,grades
t1,,,true,petrova,Анна,Петрова,Сергеевна,{teacher_email},
t2,,,true,stranger,Олег,Чужой,,stranger@example.ru,
s1,TobeDeleted,2027-02-01T00:00:00.000Z,true,s1,Пётр,Иванов,Сергеевич,,05
"""
    enrollments = (bulk.ENROLLMENTS
                   .replace("e3,,,hr-5b", "e3,Inactive,2027-02-01T00:00:00.000Z,hr-5b")
                   .replace("e5,,,math-5a", "e5,INACTIVE,2027-02-01T00:00:00.000Z,math-5a"))
    sessions = HEAD + """title,type,startDate,endDate,parentSourcedId,schoolYear
q4,tobedeleted,2027-02-01T00:00:00.000Z,4 четверть,gradingPeriod,2027-03-31,2027-05-31,sem2,2027
q4n,,,4 четверть (перенос),gradingPeriod,2027-04-07,2027-05-31,sem2,2027
"""
    return zipped({"academicSessions.csv": sessions, "courses.csv": bulk.COURSES, "classes.csv": bulk.CLASSES,
                   "users.csv": users, "enrollments.csv": enrollments})


def _parent_of_petr(client, pump, school) -> tuple[str, str]:
    """A mother linked to Пётр through the whole journey (application, check, code, redeem)."""
    email = verified_account(client, pump)
    token = str(login(client, email)["access_token"])
    check_and_approve(client, school["id"], school["admin"], apply(client, token, school["id"], PETR))
    redeemed = post(client, "/children/redeem", {"code": emailed_access_code(pump, email)}, token)
    assert redeemed.status_code == 200, redeemed.body
    return email, token


def _classes(client, school) -> dict[str, str]:
    found = get(client, f"/schools/{school['id']}/classes", school["admin"]).json_body["items"]
    return {c["name"]: c["class_id"] for c in found}


def _roster(client, school, class_id: str) -> list[str]:
    found = get(client, f"/schools/{school['id']}/students?class_id={class_id}", school["admin"]).json_body["items"]
    return [s["last_name"] for s in found]


def _left_emails(email: str) -> list[dict]:
    return [m for m in sent_emails(email) if LEFT in m["subject"]]


def test_ended_students_enrolments_sessions_and_teachings_are_applied_once(client, pump, school):
    sid, admin = school["id"], school["admin"]
    first = upload(client, pump, school, "oneroster.zip",
                   bulk.oneroster_zip(school["teacher"], **{"classes.csv": CLASSES_WITH_5V}))
    assert first["state"] == "done", first
    # (the teacher not of the school waits, taken with a warning; the student without birth date is taken)
    assert (first["rows_total"], first["rows_done"], first["rows_rejected"]) == (26, 22, 4)
    assert [(n["kind"], n["class_name"]) for n in first["notices"]] == [("class_left_empty", "5В")]
    assert "5В" in first["notices"][0]["message"]
    email, parent = _parent_of_petr(client, pump, school)
    petr, mikhail = stable_id(sid, "student", "s1"), stable_id(sid, "student", "s3")
    assert get(client, f"/children/{petr}", parent).status_code == 200
    overlapping = {"name": "Весенняя четверть", "starts_on": "2027-04-07", "ends_on": "2027-05-31"}
    assert post(client, f"/schools/{sid}/terms", overlapping, admin).status_code == 409  # q4 blocks it

    ended = upload(client, pump, school, "ended.zip", ended_zip(school["teacher"]))
    assert ended["state"] == "done", ended
    # 2 classes + 2 subjects + 1 term + 1 teaching (t2 is not the school's: it still waits) + 4 departures:
    # s1, e3, e5, q4
    assert (ended["rows_total"], ended["rows_done"], ended["rows_rejected"], ended["rows_changed"]) == (10, 10, 0, 5)
    assert [(e["file"], e["line"], e["code"]) for e in ended["errors"]] == [
        ("enrollments.csv", 13, "teacher_pending")]
    assert [(n["kind"], n["class_name"]) for n in ended["notices"]] == [("class_not_in_upload", "5В")]

    classes = _classes(client, school)
    assert set(classes) == {"5А", "5Б", "5В"}  # nothing is removed for not being named
    # Пётр left the school: off the roster, no application finds him, his mother's access ended
    assert _roster(client, school, classes["5А"]) == ["Алексеева"]
    assert get(client, f"/schools/{sid}/students/{petr}", admin).status_code == 404
    assert application_store.namesakes(sid, name_key("Иванов", "Пётр", "Сергеевич")) == []
    assert get(client, f"/children/{petr}", parent).status_code == 403
    assert get(client, "/children", parent).json_body["items"] == []
    pump.drain()
    told = _left_emails(email)
    assert len(told) == 1 and "Иванов" in told[0]["body"]
    # His marks stay stored
    assert any(isinstance(i, Grade) for i in journal_store.student_days(petr, "2026-09-01", "2026-09-30"))
    # Михаил left 5Б but is still the school's student (Петров, taken without a birth date, stays in 5Б)
    assert _roster(client, school, classes["5Б"]) == ["Петров"]
    assert get(client, f"/schools/{sid}/students/{mikhail}", admin).json_body["class_id"] == ""
    # The 4th quarter went and its replacement, overlapping it, was taken in the same upload
    terms = sorted(t.name for t in school_store.all_terms(sid))
    assert terms == ["1 четверть", "2 четверть", "3 четверть", "4 четверть (перенос)"]
    # The teacher no longer teaches maths to 5А; what the zip did not end stays
    subjects = {s["name"]: s["subject_id"] for s in get(client, f"/schools/{sid}/subjects", admin).json_body["items"]}
    teachings = {(t.class_id, t.subject_id) for t in school_store.children(Teaching, sid, "TEACHING#", 100, None)}
    assert teachings == {(classes["5А"], subjects["Русский язык"]), (classes["5Б"], subjects["Русский язык"])}

    again = upload(client, pump, school, "ended.zip", ended_zip(school["teacher"]))
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_changed"]) == ("done", 10, 0, 0)
    assert [(e["file"], e["line"], e["code"]) for e in again["errors"]] == [("enrollments.csv", 13, "teacher_pending")]
    assert [(n["kind"], n["class_name"]) for n in again["notices"]] == [("class_not_in_upload", "5В")]
    pump.drain()
    assert len(_left_emails(email)) == 1
    assert sorted(t.name for t in school_store.all_terms(sid)) == terms


def test_notices_are_in_the_readers_language(client, pump, school):
    status = upload(client, pump, school, "oneroster.zip",
                    bulk.oneroster_zip(school["teacher"], **{"classes.csv": CLASSES_WITH_5V}))
    answer = get(client, f"/schools/{school['id']}/uploads/{status['upload_id']}", school["system"],
                 accept_language="en")
    assert [n["message"] for n in answer.json_body["notices"]] == [
        "Class «5В» was created by this upload but has no students"]
    assert "создан этой загрузкой" in status["notices"][0]["message"]
