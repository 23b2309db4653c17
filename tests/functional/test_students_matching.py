"""Students without a birth date (OneRoster's demographics.csv is optional) and how a parent's
application then finds the child: by name and class, and when several students could be the child
the administrator picks one (issue 14, item 1); a student renamed by an upload is no longer found
under the old name (item 12). The rule: docs/oneroster.md, «Matching a parent's application to a student»."""

from __future__ import annotations

from chalicelib.dal import applications as application_store
from chalicelib.domain.import_rows import stable_id
from chalicelib.domain.roster import name_key
from tests.conftest import sent_emails
from tests.functional import test_oneroster, test_uploads
from tests.functional.test_oneroster import oneroster_zip
from tests.functional.test_uploads import upload, zipped
from tests.journeys import CHILD, apply, check_and_approve, emailed_access_code, get, login, post, verified_account

school = test_uploads.school  # a school with a registered teacher and its system's token

CLASSES = "name,grade_level\n5А,5\n6Б,6\n"


def _roster(students: str) -> bytes:
    return zipped({"classes.csv": CLASSES, "students.csv": "student_id,last_name,first_name,middle_name,birth_date,"
                                                            "class\n" + students})


def _parent(client, pump):
    email = verified_account(client, pump)
    return email, login(client, email)["access_token"]


def _state(client, parent, application_id):
    mine = get(client, "/applications", parent).json_body["items"]
    return next(a["state"] for a in mine if a["application_id"] == application_id)


def _child(last: str, first: str, middle: str | None, class_name: str, born: str = "2015-04-12") -> dict:
    return {**CHILD, "child_last_name": last, "child_first_name": first, "child_middle_name": middle,
            "class_name": class_name, "child_birth_date": born}


def test_a_oneroster_zip_without_demographics_imports_every_student(client, pump, school):
    manifest = test_oneroster.MANIFEST.replace("file.demographics,bulk", "file.demographics,absent")
    body = oneroster_zip(school["teacher"], **{"manifest.csv": manifest})
    body = zipped({name: text for name, text in _files(body).items() if name != "demographics.csv"})
    status = upload(client, pump, school, "oneroster.zip", body)
    assert status["state"] == "done", status
    # 2 classes + 2 subjects + 4 terms + 4 teachings + 4 students + 8 results + 1 departure: no student refused
    assert (status["rows_total"], status["rows_done"], status["rows_rejected"]) == (25, 21, 4)
    assert [e for e in status["errors"] if e["file"] == "users.csv"] == []
    assert status["warned_by_code"] == {"teacher_pending": 1}  # the teacher not of the school, not a student
    classes = {c["name"]: c["class_id"] for c in get(client, f"/schools/{school['id']}/classes",
                                                      school["admin"]).json_body["items"]}
    roster = [s for c in classes.values() for s in get(client, f"/schools/{school['id']}/students?class_id={c}",
                                                       school["admin"]).json_body["items"]]
    assert sorted((s["last_name"], s["birth_date"]) for s in roster) == [
        ("Алексеева", None), ("Иванов", None), ("Петров", None), ("Соколов", None)]
    again = upload(client, pump, school, "oneroster.zip", body)
    assert (again["state"], again["rows_done"], again["rows_rejected"], again["rows_changed"]) == ("done", 21, 4, 0)


def test_a_birth_date_that_is_not_a_date_is_dropped_with_a_warning_not_the_student(client, pump, school):
    demographics = test_oneroster.DEMOGRAPHICS.replace("2015-07-02", "02/07/2015")
    body = oneroster_zip(school["teacher"], **{"demographics.csv": demographics})
    status = upload(client, pump, school, "oneroster.zip", body)
    assert status["state"] == "done", status
    warned = [(e["file"], e["line"], e["column"], e["code"], e["severity"], e["value"])
              for e in status["errors"] if e["severity"] == "warning" and e["file"] == "users.csv"]
    assert warned == [("users.csv", 5, "birthDate", "birth_date_unreadable", "warning", "02/07/2015")]
    assert status["warned_by_code"] == {"birth_date_unreadable": 1, "teacher_pending": 1}
    again = upload(client, pump, school, "oneroster.zip", body)
    assert again["rows_changed"] == 0 and again["warned_by_code"] == {"birth_date_unreadable": 1, "teacher_pending": 1}


def _files(body: bytes) -> dict[str, str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_without_a_birth_date_the_only_student_of_that_name_in_the_class_is_the_child(client, pump, school):
    status = upload(client, pump, school, "roster.zip", _roster("S-1,Орлов,Глеб,Игоревич,,5А\n"
                                                                       "S-2,Орлов,Глеб,Игоревич,,6Б\n"))
    assert (status["state"], status["rows_done"], status["rows_rejected"]) == ("done", 4, 0), status
    parent_email, parent = _parent(client, pump)
    # A namesake in 6Б: the class the parent named tells them apart
    application_id = apply(client, parent, school["id"], _child("Орлов", "Глеб", "Игоревич", "5 а"))
    check_and_approve(client, school["id"], school["admin"], application_id)
    code = emailed_access_code(pump, parent_email)
    assert _state(client, parent, application_id) == "completed"
    assert post(client, "/children/redeem", {"code": code}, parent).status_code == 200
    assert [c["student_id"] for c in get(client, "/children", parent).json_body["items"]] == [
        stable_id(school["id"], "student", "S-1")]


def test_two_namesakes_in_one_class_wait_for_the_administrator_to_pick_the_child(client, pump, school):
    sid, admin = school["id"], school["admin"]
    upload(client, pump, school, "roster.zip", _roster("S-1,Кузнецов,Артём,,,5А\nS-2,Кузнецов,Артём,,,5А\n"
                                                               "S-3,Кузнецов,Артём,,2014-02-02,6Б\n"))
    parent_email, parent = _parent(client, pump)
    application_id = apply(client, parent, sid, _child("Кузнецов", "Артем", None, "5А"))
    check_and_approve(client, sid, admin, application_id)
    pump.drain()
    assert _state(client, parent, application_id) == "awaiting_choice"
    assert not sent_emails(parent_email)[1:]  # no code was guessed: only the verification email
    [waiting] = get(client, f"/schools/{sid}/applications?state=awaiting_choice", admin).json_body["items"]
    assert waiting["application_id"] == application_id and waiting["matched_student"] is None
    first, second = stable_id(sid, "student", "S-1"), stable_id(sid, "student", "S-2")
    # S-3 was born on another day than the parent wrote: not a candidate
    assert sorted((c["student_id"], c["class_name"], c["birth_date"]) for c in waiting["candidates"]) == sorted(
        [(first, "5А", None), (second, "5А", None)])
    # The parent never sees the namesakes
    mine = get(client, "/applications", parent).json_body["items"]
    assert "candidates" not in mine[0]

    base = f"/schools/{sid}/applications/{application_id}"
    unchosen = post(client, f"{base}/approve", {}, admin)
    assert (unchosen.status_code, unchosen.json_body["error"]["code"]) == (422, "child_not_chosen")
    other = post(client, f"{base}/approve", {"student_id": stable_id(sid, "student", "S-3")}, admin)
    assert (other.status_code, other.json_body["error"]["code"], other.json_body["error"]["field"]) == (
        422, "not_a_candidate", "student_id")
    assert _state(client, parent, application_id) == "awaiting_choice"

    chosen = post(client, f"{base}/approve", {"student_id": second}, admin)
    assert chosen.status_code == 200, chosen.body
    assert chosen.json_body["state"] == "completed"
    assert chosen.json_body["chosen_by"] == get(client, "/me", admin).json_body["account_id"]
    code = emailed_access_code(pump, parent_email)
    assert post(client, "/children/redeem", {"code": code}, parent).status_code == 200
    assert [c["student_id"] for c in get(client, "/children", parent).json_body["items"]] == [second]
    # Picked once: a second pick is refused, the list of waiting ones is empty
    again = post(client, f"{base}/approve", {"student_id": first}, admin)
    assert again.status_code == 409
    assert get(client, f"/schools/{sid}/applications?state=awaiting_choice", admin).json_body["items"] == []


def test_a_student_given_to_a_pending_application_is_refused(client, pump, school):
    sid, admin = school["id"], school["admin"]
    upload(client, pump, school, "roster.zip", _roster("S-1,Кузнецов,Артём,,,5А\n"))
    _, parent = _parent(client, pump)
    application_id = apply(client, parent, sid, _child("Кузнецов", "Артём", None, "5А"))
    base = f"/schools/{sid}/applications/{application_id}"
    assert post(client, f"{base}/check", {"confirmed": True}, admin).status_code == 200
    early = post(client, f"{base}/approve", {"student_id": stable_id(sid, "student", "S-1")}, admin)
    assert (early.status_code, early.json_body["error"]["code"]) == (409, "application_not_awaiting_choice")


def test_a_student_renamed_by_an_upload_is_found_under_the_new_name_only(client, pump, school):
    sid, admin = school["id"], school["admin"]
    before = "S-1,Орлов,Глеб,Игоревич,2015-04-12,5А\n"
    first = upload(client, pump, school, "roster.zip", _roster(before))
    assert (first["state"], first["rows_done"]) == ("done", 3)
    # A parent who typed the corrected name is waiting when the upload corrects it
    new_email, new_parent = _parent(client, pump)
    waiting_id = apply(client, new_parent, sid, _child("Орлов-Белый", "Глеб", "Игоревич", "5А"))
    check_and_approve(client, sid, admin, waiting_id)
    pump.drain()
    assert _state(client, new_parent, waiting_id) == "awaiting_school_data"

    renamed = _roster("S-1,Орлов-Белый,Глеб,Игоревич,2015-04-12,5А\n")
    status = upload(client, pump, school, "roster.zip", renamed)
    assert (status["state"], status["rows_done"], status["rows_rejected"], status["rows_changed"]) == (
        "done", 3, 0, 1), status
    assert status["errors"] == []
    pupil = stable_id(sid, "student", "S-1")
    # One roster entry, under the new name; nothing left under the old one
    assert application_store.namesakes(sid, name_key("Орлов", "Глеб", "Игоревич")) == []
    assert [c.student_id for c in application_store.namesakes(sid, name_key("Орлов-Белый", "Глеб", "Игоревич"))] == [
        pupil]
    code = emailed_access_code(pump, new_email)
    assert _state(client, new_parent, waiting_id) == "completed"
    assert post(client, "/children/redeem", {"code": code}, new_parent).status_code == 200

    # A parent applying under the old name now finds no one
    old_email, old_parent = _parent(client, pump)
    old_id = apply(client, old_parent, sid, _child("Орлов", "Глеб", "Игоревич", "5А"))
    check_and_approve(client, sid, admin, old_id)
    pump.drain()
    assert _state(client, old_parent, old_id) == "awaiting_school_data"
    assert not sent_emails(old_email)[1:]

    again = upload(client, pump, school, "roster.zip", renamed)
    assert (again["state"], again["rows_done"], again["rows_changed"]) == ("done", 3, 0)


def test_a_birth_date_corrected_by_an_upload_moves_the_roster_entry(client, pump, school):
    sid = school["id"]
    upload(client, pump, school, "roster.zip", _roster("S-1,Орлов,Глеб,,2015-04-12,5А\n"))
    corrected = _roster("S-1,Орлов,Глеб,,2015-04-21,5А\n")
    status = upload(client, pump, school, "roster.zip", corrected)
    assert (status["state"], status["rows_changed"]) == ("done", 1)
    from chalicelib.dal.models import RosterEntry

    entries = [e.sk for e in RosterEntry.query(f"SCHOOL#{sid}", RosterEntry.sk.startswith("ROSTER#"))]
    assert entries == [f"ROSTER#орлов#глеб##2015-04-21#{stable_id(sid, 'student', 'S-1')}"]
    assert upload(client, pump, school, "roster.zip", corrected)["rows_changed"] == 0


def test_an_entry_left_under_an_old_name_before_renames_moved_it_names_no_one(client, pump, school):
    # Uploads before this fix left the old entry behind: it must not match the child any more
    from chalicelib.dal import schools as school_store
    from chalicelib.domain.roster import roster_key
    from chalicelib.records.school import RosterEntry

    sid = school["id"]
    upload(client, pump, school, "roster.zip", _roster("S-1,Орлов-Белый,Глеб,,2015-04-12,5А\n"))
    pupil = stable_id(sid, "student", "S-1")
    school_store.roster_entry_item(RosterEntry(sid, roster_key("Орлов", "Глеб", None, "2015-04-12"), pupil)).save()
    email, parent = _parent(client, pump)
    application_id = apply(client, parent, sid, _child("Орлов", "Глеб", None, "5А"))
    check_and_approve(client, sid, school["admin"], application_id)
    pump.drain()
    assert _state(client, parent, application_id) == "awaiting_school_data"
    assert not sent_emails(email)[1:]
