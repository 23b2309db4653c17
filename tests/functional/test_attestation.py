"""Term and final attestation results: set by the teacher or an administrator, brought by uploads,
read by the family under "grades"."""

from __future__ import annotations

import json

import requests

from tests.journeys import get, linked_parent, login, post, verified_account


def put(client, path, body, token):
    return client.http.put(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                           body=json.dumps(body))


def test_results_set_by_teacher_and_admin_are_read_by_the_parent(client, pump):
    school_id, admin, student_id, _, parent = linked_parent(client, pump)
    base = f"/schools/{school_id}"
    class_id = get(client, f"{base}/students/{student_id}", admin).json_body["class_id"]
    maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
    history = post(client, f"{base}/subjects", {"name": "История"}, admin).json_body["subject_id"]
    term = post(client, f"{base}/terms", {"name": "1 четверть", "starts_on": "2026-09-01",
                                          "ends_on": "2026-10-26"}, admin).json_body["term_id"]
    teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher_id = post(client, f"{base}/teachers", {"email": teacher_email}, admin).json_body["account_id"]
    post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths}, admin)
    teacher = login(client, teacher_email)["access_token"]
    path = f"{base}/students/{student_id}/attestation"

    assert put(client, path, {"subject_id": maths, "period": term, "result": "4"}, teacher).status_code == 200
    # The teacher of mathematics does not set history; an administrator sets anything
    refused = put(client, path, {"subject_id": history, "period": term, "result": "5"}, teacher)
    assert refused.status_code == 403
    assert put(client, path, {"subject_id": history, "period": "final", "result": "pass"}, admin).status_code == 200
    assert put(client, path, {"subject_id": maths, "period": "final", "result": "5"}, admin).status_code == 200
    assert put(client, path, {"subject_id": maths, "period": term, "result": "6"}, admin).status_code == 422
    unknown = put(client, path, {"subject_id": maths, "period": "no-such-term", "result": "4"}, admin)
    assert (unknown.status_code, unknown.json_body["error"]["code"]) == (404, "term_not_found")

    results = get(client, f"/children/{student_id}/attestation", parent)
    assert results.status_code == 200
    assert [(r["period_name"], r["subject_name"], r["result"]) for r in results.json_body["results"]] == [
        ("1 четверть", "Математика", "4"), ("Итоговая", "История", "pass"), ("Итоговая", "Математика", "5")]
    stranger = login(client, verified_account(client, pump))["access_token"]
    assert get(client, f"/children/{student_id}/attestation", stranger).status_code == 403


def test_attestation_results_arrive_by_upload(client, pump):
    school_id, admin, _, _, _ = linked_parent(client, pump)
    base = f"/schools/{school_id}"
    class_name = get(client, f"{base}/classes", admin).json_body["items"][0]["name"]
    post(client, f"{base}/subjects", {"name": "Математика"}, admin)
    post(client, f"{base}/terms", {"name": "1 четверть", "starts_on": "2026-09-01", "ends_on": "2026-10-26"}, admin)
    secret = post(client, f"{base}/credentials", {"name": "АИС"}, admin).json_body["secret"]
    system = post(client, "/machine/token", {"credential": secret}).json_body["access_token"]
    students = f"student_id,last_name,first_name,birth_date,class\nA-1,Орлова,Вера,2015-05-05,{class_name}\n"
    attestation = ("student_id,subject,period,result\n"
                   "A-1,Математика,1 четверть,4\n"
                   "A-1,Математика,Итоговая,зачёт\n"
                   "A-1,Математика,5 четверть,4\n"
                   "A-1,Математика,1 четверть,отлично\n")
    for name, body in [("students.csv", students), ("attestation.csv", attestation)]:
        ticket = post(client, f"{base}/uploads", {"filename": name}, system).json_body
        requests.put(ticket["upload_url"], data=body.encode(), timeout=10).raise_for_status()
        pump.drain(timeout=60)
        status = get(client, f"{base}/uploads/{ticket['upload_id']}", system).json_body
        assert status["state"] == "done", status
    assert (status["rows_done"], status["rows_rejected"]) == (2, 2)
    assert [(e["line"], e["column"], e["code"]) for e in status["errors"]] == [
        (4, "period", "unknown_term"), (5, "result", "not_allowed")]
    from chalicelib.dal.models import AttestationResult
    from chalicelib.domain.import_rows import stable_id

    student_id = stable_id(school_id, "student", "A-1")
    stored = sorted((i.period == "final", i.result) for i in AttestationResult.query(
        f"STUDENT#{student_id}", AttestationResult.sk.startswith("ATTESTATION#")))
    assert stored == [(False, "4"), (True, "pass")]
