"""Teachers an upload names before they have registered (issue 14, item 4): the rows are taken with a
warning, the teachings wait for the address, one invitation goes out, and the first sign-in (or the
verified registration) makes the teacher the school's, with the teachings."""

from __future__ import annotations

from urllib.parse import quote

from tests.conftest import sent_emails, unique_email
from tests.functional import test_oneroster as oneroster_files
from tests.functional import test_uploads
from tests.functional.test_uploads import upload, zipped
from tests.journeys import get, login, verified_account

school = test_uploads.school  # a school with a registered teacher, and its system's token

CLASSES = "name,grade_level\n5А,5\n6Б,6\n"
SUBJECTS = "name\nМатематика\nРусский язык\n"


def our_set(teacher: str, newcomer: str) -> bytes:
    return zipped({
        "classes.csv": CLASSES, "subjects.csv": SUBJECTS,
        "teachings.csv": ("teacher_email,class,subject\n"
                          f"{teacher},5А,Математика\n"
                          f"{newcomer.upper()},5А,Русский язык\n"  # as people type it: matched lower-cased
                          f"{newcomer},6Б,Математика\n"
                          ",6Б,Русский язык\n"),
        "schedule.csv": ("date,starts_at,ends_at,class,subject,teacher_email,room,topic\n"
                         f"2026-09-07,09:25,10:10,5А,Русский язык,{newcomer},215,\n"),
    })


def invitations(email: str) -> list[dict]:
    return [m for m in sent_emails(email) if "приглашение" in m["subject"].lower()]


def entries(status: dict) -> list[tuple]:
    return sorted((e["file"], e["line"], e["column"], e["code"], e["severity"], e["value"]) for e in status["errors"])


def names(client, school_id: str, admin: str, what: str) -> dict[str, str]:
    key = "class_id" if what == "classes" else "subject_id"
    return {c["name"]: c[key] for c in get(client, f"/schools/{school_id}/{what}", admin).json_body["items"]}


def test_our_csv_set_keeps_an_unregistered_teacher_waiting_until_they_register(client, pump, school):
    sid, admin, newcomer = school["id"], school["admin"], unique_email("teacher")
    body = our_set(school["teacher"], newcomer)
    status = upload(client, pump, school, "year.zip", body)
    assert status["state"] == "done", status
    # 2 classes + 2 subjects + 4 teachings + 1 lesson, every row taken; 4 of them with a warning
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_warned"]) == (9, 9, 0, 4)
    assert entries(status) == [
        ("schedule.csv", 2, "teacher_email", "teacher_pending", "warning", newcomer),
        ("teachings.csv", 3, "teacher_email", "teacher_pending", "warning", newcomer),
        ("teachings.csv", 4, "teacher_email", "teacher_pending", "warning", newcomer),
        ("teachings.csv", 5, "teacher_email", "teacher_without_email", "warning", None),
    ]
    # One invitation for two teachings, opening the registration page with the address filled in
    [invitation] = invitations(newcomer)
    assert f"#/register?email={quote(newcomer, safe='')}" in invitation["body"]
    assert "ГБОУ Школа № 239" in invitation["text"]
    classes, subjects = names(client, sid, admin, "classes"), names(client, sid, admin, "subjects")
    waiting = get(client, f"/schools/{sid}/pending-teachers", admin)
    assert waiting.status_code == 200, waiting.body
    assert sorted((p["email"], p["class_id"], p["subject_id"]) for p in waiting.json_body["items"]) == sorted([
        (newcomer, classes["5А"], subjects["Русский язык"]), (newcomer, classes["6Б"], subjects["Математика"])])
    assert get(client, f"/schools/{sid}/pending-teachers", school["system"]).status_code == 403  # administrators'
    lessons = get(client, f"/schools/{sid}/classes/{classes['5А']}/lessons?from=2026-09-07&to=2026-09-07",
                  admin).json_body["items"]
    assert [(lesson["starts_at"], lesson["teacher_id"]) for lesson in lessons] == [("09:25", None)]

    again = upload(client, pump, school, "year.zip", body)
    assert (again["state"], again["rows_done"], again["rows_warned"], again["rows_changed"]) == ("done", 9, 4, 0)
    assert len(invitations(newcomer)) == 1  # a second upload invites nobody again

    # The teacher registers: the verified address takes the role and the teachings up
    verified_account(client, pump, newcomer, name="Новикова Ольга Игоревна")
    tokens = login(client, newcomer)
    me = get(client, "/me", tokens["access_token"]).json_body
    assert {"role": "teacher", "school_id": sid, "school_name": "ГБОУ Школа № 239"} in me["roles"]
    taught = get(client, f"/schools/{sid}/teachings", admin).json_body["items"]
    assert {(t["class_id"], t["subject_id"]) for t in taught if t["teacher_id"] == me["account_id"]} == {
        (classes["5А"], subjects["Русский язык"]), (classes["6Б"], subjects["Математика"])}
    assert get(client, f"/schools/{sid}/pending-teachers", admin).json_body["items"] == []
    # and teaches: the lesson of their class takes their topic (only the subject's teacher may set it)
    put = client.http.put(f"/schools/{sid}/classes/{classes['5А']}/lessons/{lessons[0]['lesson_id']}/topic",
                          headers={"Content-Type": "application/json",
                                   "Authorization": f"Bearer {tokens['access_token']}"},
                          body='{"topic": "Фонетика"}')
    assert put.status_code == 200, put.body

    # Signing in again finds nothing waiting; the same files now name a teacher of the school
    login(client, newcomer)
    third = upload(client, pump, school, "year.zip", body)
    assert (third["state"], third["rows_done"], third["rows_warned"]) == ("done", 9, 1)
    assert entries(third) == [("teachings.csv", 5, "teacher_email", "teacher_without_email", "warning", None)]
    assert third["rows_changed"] == 1  # the lesson has its teacher now; the teachings are as stored
    assert len(invitations(newcomer)) == 1


def roster_with(stranger: str) -> dict[str, str]:
    """The OneRoster fixture of test_oneroster with its unregistered teacher at a fresh address, and a
    third teacher without any email teaching two sections."""
    users = oneroster_files.users("{teacher}").replace("stranger@example.ru", stranger)
    users += "t3,,,true,nomail,Ирина,Безадресная,,,\n"  # users.csv line 9
    roles = oneroster_files.ROLES + "r8,,,t3,primary,teacher,org-1\n"
    enrollments = oneroster_files.ENROLLMENTS + "e15,,,rus-5,org-1,t3,teacher,\ne16,,,math-5a,org-1,t3,teacher,\n"
    return {"users.csv": users, "roles.csv": roles, "enrollments.csv": enrollments}


def test_a_oneroster_teacher_not_of_the_school_waits_and_one_without_email_is_a_warning(client, pump, school):
    sid, admin, stranger = school["id"], school["admin"], unique_email("teacher")
    # Registered already, elsewhere: not a teacher of this school, so their teachings wait too
    verified_account(client, pump, stranger, name="Чужой Олег")
    files = roster_with(stranger)
    files["users.csv"] = files["users.csv"].replace("{teacher}", school["teacher"])
    body = oneroster_files.oneroster_zip(school["teacher"], **files)
    status = upload(client, pump, school, "oneroster.zip", body)
    assert status["state"] == "done", status
    # test_oneroster's 25 rows and the row of the teacher without email; taken: 21 + 1, with 2 warnings
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"], status["rows_warned"]) == (
        26, 22, 4, 2)
    warned = [e for e in entries(status) if e[4] == "warning"]
    assert warned == [("enrollments.csv", 13, "email", "teacher_pending", "warning", stranger),
                      ("users.csv", 9, "email", "teacher_without_email", "warning", None)]
    assert not [e for e in entries(status) if e[2] == "userSourcedId" and e[3] == "required"]
    assert len(invitations(stranger)) == 1
    classes, subjects = names(client, sid, admin, "classes"), names(client, sid, admin, "subjects")
    waiting = get(client, f"/schools/{sid}/pending-teachers", admin).json_body["items"]
    assert [(p["email"], p["class_id"], p["subject_id"]) for p in waiting] == [
        (stranger, classes["5Б"], subjects["Математика"])]

    again = upload(client, pump, school, "oneroster.zip", body)
    assert (again["state"], again["rows_done"], again["rows_warned"], again["rows_changed"]) == ("done", 22, 2, 0)
    assert len(invitations(stranger)) == 1

    # The first sign-in makes them the school's teacher of 5Б, in the very token it returns
    tokens = login(client, stranger)
    me = get(client, "/me", tokens["access_token"]).json_body
    assert {"role": "teacher", "school_id": sid, "school_name": "ГБОУ Школа № 239"} in me["roles"]
    lessons = get(client, f"/schools/{sid}/classes/{classes['5Б']}/lessons?from=2026-09-01&to=2026-09-30",
                  tokens["access_token"])
    assert lessons.status_code == 200, lessons.body  # a staff route of the school: the role stands
    taught = get(client, f"/schools/{sid}/teachings", admin).json_body["items"]
    assert [(t["class_id"], t["subject_id"]) for t in taught if t["teacher_id"] == me["account_id"]] == [
        (classes["5Б"], subjects["Математика"])]
    assert get(client, f"/schools/{sid}/pending-teachers", admin).json_body["items"] == []
    login(client, stranger)  # a second sign-in takes up nothing and fails nothing
    assert [g for g in get(client, "/me", tokens["access_token"]).json_body["roles"] if g["school_id"] == sid] == [
        {"role": "teacher", "school_id": sid, "school_name": "ГБОУ Школа № 239"}]
