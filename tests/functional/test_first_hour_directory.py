"""Issue 17, items 3-5: the administrator sees who applied and searches the applications; any
signed-in account finds a school in the directory; a parent sees the child's teachers to write to."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import uuid

import pytest

from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    operator_token,
    patch,
    post,
    school_class,
    school_with_admin,
    verified_account,
)

ARTYOM = {**CHILD, "child_last_name": "Фёдоров", "child_first_name": "Артём", "child_middle_name": None,
          "child_birth_date": "2014-03-03", "relation": "father"}
VERA = {**CHILD, "child_last_name": "Орлова", "child_first_name": "Вера", "child_middle_name": "Ильинична",
        "child_birth_date": "2015-06-06", "relation": "guardian"}


def _query(path, **params):
    return f"{path}?{urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})}"


def _walk(client, token, path, **params):
    """Every item of a list, following its cursors; and how many pages it took."""
    items, cursor, pages = [], None, 0
    while True:
        response = get(client, _query(path, cursor=cursor, **params), token)
        assert response.status_code == 200, response.body
        items += response.json_body["items"]
        pages += 1
        cursor = response.json_body["next_cursor"]
        if not cursor:
            return items, pages


def _parent(client, pump, name, phone=None):
    token = login(client, verified_account(client, pump, name=name))["access_token"]
    if phone:
        assert patch(client, "/me", {"phone": phone}, token).status_code == 200
    return token


# --- item 3: the school's list of applications -------------------------------------------


@pytest.fixture(scope="module")
def desk(app, aws):
    """School A with three applications (Соколов by Соколова, Фёдоров by Петров, Орлова by Орлов)
    and school B with one of its own (Соколов again, by another Соколова)."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        school_a, admin_a = school_with_admin(client, pump)
        school_b, admin_b = school_with_admin(client, pump)
        mother = _parent(client, pump, "Соколова Анна Викторовна", "8 (921) 555-12-34")
        father = _parent(client, pump, "Петров Семён Игоревич")
        guardian = _parent(client, pump, "Орлов Илья Андреевич")
        other = _parent(client, pump, "Соколова Ольга Павловна")
        ids = {"sokolov": apply(client, mother, school_a), "fedorov": apply(client, father, school_a, ARTYOM),
               "orlova": apply(client, guardian, school_a, VERA), "b": apply(client, other, school_b)}
        return {"client": client, "pump": pump, "a": school_a, "admin_a": admin_a, "b": school_b,
                "admin_b": admin_b, "mother": mother, "ids": ids}


def _applications(client, desk, school="a", **params):
    admin = desk[f"admin_{school}"]
    return _walk(client, admin, f"/schools/{desk[school]}/applications", **params)[0]


def test_the_desk_sees_who_applied_the_child_as_typed_and_when(client, desk):
    listed = {a["application_id"]: a for a in _applications(client, desk)}
    mine = listed[desk["ids"]["sokolov"]]
    assert mine["applicant"]["name"] == "Соколова Анна Викторовна"
    assert mine["applicant"]["email"].startswith("parent")
    assert mine["applicant"]["phone"] == "+79215551234"
    assert mine["applicant"]["phone_verified"] is False  # typed, never confirmed by its texted code
    assert mine["applicant"]["relation"] == "mother"
    assert (mine["child_last_name"], mine["child_first_name"], mine["child_middle_name"],
            mine["child_birth_date"], mine["class_name"]) == ("Соколов", "Иван", "Петрович", "2015-04-12", "5А")
    assert mine["matched_student"] is None  # nobody matched on the roster while pending
    filed = dt.datetime.fromisoformat(mine["filed_at"])
    assert filed.utcoffset() is not None
    assert abs(dt.datetime.now(dt.UTC) - filed) < dt.timedelta(hours=1)
    # The parent's own list is unchanged: no applicant block for them
    own = get(client, "/applications", desk["mother"]).json_body["items"][0]
    assert "applicant" not in own and own["application_id"] == desk["ids"]["sokolov"]


def test_the_applicant_is_shown_as_at_filing(client, desk):
    assert patch(client, "/me", {"name": "Кузнецова Анна Викторовна"}, desk["mother"]).status_code == 200
    listed = {a["application_id"]: a for a in _applications(client, desk)}
    assert listed[desk["ids"]["sokolov"]]["applicant"]["name"] == "Соколова Анна Викторовна"
    # ...and searched by it too
    found = _applications(client, desk, q="соколова")
    assert [a["application_id"] for a in found] == [desk["ids"]["sokolov"]]


def test_search_by_the_childs_or_the_applicants_name(client, desk):
    ids = desk["ids"]

    def found(q):
        return {a["application_id"] for a in _applications(client, desk, q=q)}

    assert found("Соколов") == {ids["sokolov"]}  # the child (and his mother's name begins so too)
    assert found("СОК ив") == {ids["sokolov"]}  # case does not matter; every word must match
    assert found("петров") == {ids["sokolov"], ids["fedorov"]}  # Иван Петрович; the applicant Петров
    assert found("федоров артем") == {ids["fedorov"]}  # ё and е are one letter
    assert found("Семён") == {ids["fedorov"]}  # the applicant's first name
    assert found("ильин") == {ids["orlova"]}  # the child's patronymic
    assert found("ван") == set()  # a word's beginning, never its middle
    assert found("Соколов Вера") == set()
    # Another school's applications never show, whatever the search
    assert ids["b"] not in found("соколова ольга") | found("Соколов")


def test_other_schools_desk_sees_only_its_own(client, desk):
    assert [a["application_id"] for a in _applications(client, desk, "b", q="соколов")] == [desk["ids"]["b"]]
    refused = get(client, f"/schools/{desk['a']}/applications?q=соколов", desk["admin_b"])
    assert refused.status_code == 403


def test_search_pages_with_sealed_cursors(client, desk):
    admin, path = desk["admin_a"], f"/schools/{desk['a']}/applications"
    items, pages = _walk(client, admin, path, q="петров", limit=1)  # Иван Петрович; Петров Семён
    assert sorted(a["application_id"] for a in items) == sorted([desk["ids"]["sokolov"], desk["ids"]["fedorov"]])
    assert pages >= 2
    first = get(client, _query(path, q="петров", limit=1), admin).json_body
    assert first["next_cursor"]
    elsewhere = get(client, _query(path, q="соколов", limit=1, cursor=first["next_cursor"]), admin)
    assert elsewhere.status_code == 400 and elsewhere.json_body["error"]["code"] == "invalid_cursor"


def test_a_search_reads_a_bounded_share_and_carries_on_by_cursor(client, desk, monkeypatch):
    from chalicelib.dal import applications, search

    # One application evaluated per call, one call per request: each page holds at most one match,
    # and a page that evaluated only misses is empty yet has a cursor.
    monkeypatch.setattr(applications, "READ_SIZE", 1)
    monkeypatch.setattr(search, "READS", 1)
    items, pages = _walk(client, desk["admin_a"], f"/schools/{desk['a']}/applications", q="семен")
    assert [a["application_id"] for a in items] == [desk["ids"]["fedorov"]]
    assert pages >= 3


def test_bad_searches_are_refused_clearly(client, desk):
    path = f"/schools/{desk['a']}/applications"
    for q in ("№", "a b c d e f", "x" * 101):
        refused = get(client, _query(path, q=q), desk["admin_a"])
        assert refused.status_code == 422, refused.body
        assert refused.json_body["error"]["field"] == "q"


def test_a_matched_application_shows_the_roster_child_and_older_ones_their_account(client, desk):
    from chalicelib.dal.models import Application

    client, pump, school_id, admin = desk["client"], desk["pump"], desk["a"], desk["admin_a"]
    student_id = enrol(client, school_id, admin, school_class(client, school_id, admin, "6Б"), VERA)
    check_and_approve(client, school_id, admin, desk["ids"]["orlova"])
    pump.drain()
    done = {a["application_id"]: a for a in _applications(client, desk, state="completed")}
    matched = done[desk["ids"]["orlova"]]["matched_student"]
    assert matched["student_id"] == student_id
    assert (matched["last_name"], matched["first_name"], matched["birth_date"]) == ("Орлова", "Вера", "2015-06-06")

    # An application filed before applications kept their applicant: the account, read in one batch
    stored = next(i for i in Application.query(f"ACCOUNT#{done[desk['ids']['orlova']]['account_id']}")
                  if isinstance(i, Application))
    stored.update(actions=[Application.applicant_name.remove(), Application.applicant_email.remove(),
                           Application.applicant_phone.remove()])
    again = {a["application_id"]: a for a in _applications(client, desk, state="completed")}
    assert again[desk["ids"]["orlova"]]["applicant"]["name"] == "Орлов Илья Андреевич"
    assert again[desk["ids"]["orlova"]]["applicant"]["email"]


# --- item 4: the school directory ----------------------------------------------------------


@pytest.fixture(scope="module")
def city(app, aws):
    """Three schools of one made-up district (names unique to this module) and a parent."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        tag = uuid.uuid4().hex[:8]
        operator = operator_token(client)
        schools = {}
        for key, name, number, district in [
            ("lyceum", f"Лицей «Вектор{tag}»", f"{tag[:4]}1", f"Заречный{tag} район"),
            ("school", f"Школа Вектор{tag} имени Ёжикова", f"{tag[:4]}2", f"Заречный{tag} район"),
            ("gymnasium", f"Гимназия Полюс{tag}", f"{tag[:4]}3", f"Нагорный{tag} район"),
        ]:
            made = post(client, "/schools", {"name": name, "number": f"№ {number}", "district": district,
                                             "address": f"ул. Садовая, {len(schools) + 1}"}, operator)
            assert made.status_code == 201, made.body
            assert (made.json_body["number"], made.json_body["district"]) == (f"№ {number}", district)
            schools[key] = made.json_body["school_id"]
        parent = login(client, verified_account(client, pump))["access_token"]
        return {"tag": tag, "operator": operator, "parent": parent, "ids": schools}


def _directory(client, city, **params):
    return _walk(client, city["parent"], "/directory/schools", **params)[0]


def test_any_account_finds_a_school_by_name_number_or_district(client, city):
    tag, ids = city["tag"], city["ids"]

    def found(**params):
        return {s["school_id"] for s in _directory(client, city, **params)}

    assert found(name=f"вектор{tag}") == {ids["lyceum"], ids["school"]}
    assert found(name=f"ВЕКТОР{tag} ежиков") == {ids["school"]}  # case and ё/е do not matter
    assert found(name=f"ектор{tag}") == set()  # a word's beginning, never its middle
    assert found(number=f"{tag[:4]}3") == {ids["gymnasium"]}  # "№ …" or the bare number alike
    assert found(number=f"№{tag[:4]}3") == {ids["gymnasium"]}
    assert found(number=tag[:4]) == set()  # a number is matched whole
    assert found(district=f"заречный{tag}") == {ids["lyceum"], ids["school"]}
    assert found(district=f"заречный{tag}", name="школа") == {ids["school"]}
    listed = _directory(client, city, name=f"вектор{tag}")
    assert [s["name"] for s in listed] == sorted(s["name"] for s in listed)  # by name


def test_the_directory_shows_public_fields_only(client, city):
    from chalicelib.dal import schools as store

    listed = _directory(client, city, district=f"заречный{city['tag']}")
    assert listed and all(set(s) == {"school_id", "name", "number", "district", "address"} for s in listed)
    lyceum = next(s for s in listed if s["school_id"] == city["ids"]["lyceum"])
    assert lyceum["address"] == "ул. Садовая, 1" and lyceum["number"] == f"№ {city['tag'][:4]}1"
    raw = get(client, f"/directory/schools?district=заречный{city['tag']}", city["parent"]).body.decode()
    key = store.get_school(city["ids"]["lyceum"]).id_key
    assert key and key not in raw and "timezone" not in raw and "search_" not in raw


def test_the_directory_pages(client, city):
    items, pages = _walk(client, city["parent"], "/directory/schools", name=f"вектор{city['tag']}", limit=1)
    assert sorted(s["school_id"] for s in items) == sorted([city["ids"]["lyceum"], city["ids"]["school"]])
    assert pages >= 2
    unfiltered = get(client, "/directory/schools?limit=2", city["parent"]).json_body
    assert len(unfiltered["items"]) == 2 and unfiltered["next_cursor"]


def test_the_operator_records_district_and_address(client, city):
    tag, ids, operator = city["tag"], city["ids"], city["operator"]
    path = f"/schools/{ids['gymnasium']}"
    moved = patch(client, path, {"district": f"Заречный{tag} район", "address": "пр. Мира, 10"}, operator)
    assert moved.status_code == 200, moved.body
    assert moved.json_body["district"] == f"Заречный{tag} район" and moved.json_body["address"] == "пр. Мира, 10"
    assert ids["gymnasium"] in {s["school_id"] for s in _directory(client, city, district=f"заречный{tag}")}
    renamed = patch(client, path, {"name": f"Гимназия Зенит{tag}", "number": None}, operator)
    assert renamed.status_code == 200 and renamed.json_body["number"] is None
    assert renamed.json_body["address"] == "пр. Мира, 10"  # left out: kept
    assert {s["school_id"] for s in _directory(client, city, name=f"зенит{tag}")} == {ids["gymnasium"]}
    assert _directory(client, city, name=f"полюс{tag}") == []
    assert _directory(client, city, number=f"{tag[:4]}3") == []
    # The school's own record keeps what the operator did not touch
    assert get(client, path, operator).json_body["timezone"] == "Europe/Moscow"
    assert patch(client, path, {"name": None}, operator).status_code == 422
    assert patch(client, f"/schools/{'0' * 32}", {"district": "Нигде"}, operator).status_code == 404
    assert patch(client, path, {"district": "Нигде"}, city["parent"]).status_code == 403


# --- item 5: the child's teachers --------------------------------------------------------------


@pytest.fixture(scope="module")
def classroom(app, aws):
    """5А taught maths and physics by Петрова, Russian by Смирнов; 6Б taught by Котов; a parent of a
    5А child, the tutor they invited, and a parent of a 6Б child."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        school_id, admin = school_with_admin(client, pump)
        base = f"/schools/{school_id}"
        classes = {name: school_class(client, school_id, admin, name) for name in ("5А", "6Б")}
        subjects = {name: post(client, f"{base}/subjects", {"name": name}, admin).json_body["subject_id"]
                    for name in ("Математика", "Физика", "Русский язык")}
        teachers = {}
        for name, taught in [("Петрова Анна Сергеевна", [("5А", "Математика"), ("5А", "Физика")]),
                             ("Смирнов Олег Иванович", [("5А", "Русский язык")]),
                             ("Котов Пётр Ильич", [("6Б", "Математика")])]:
            email = verified_account(client, pump, name=name)
            teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
            for class_name, subject in taught:
                made = post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": classes[class_name],
                                                          "subject_id": subjects[subject]}, admin)
                assert made.status_code == 201, made.body
            teachers[name.split()[0]] = teacher_id
        family = {}
        for key, child, class_name in [("parent", CHILD, "5А"), ("other", VERA, "6Б")]:
            student_id = enrol(client, school_id, admin, classes[class_name], child)
            email = verified_account(client, pump)
            token = login(client, email)["access_token"]
            check_and_approve(client, school_id, admin, apply(client, token, school_id, child))
            assert post(client, "/children/redeem", {"code": emailed_access_code(pump, email)},
                        token).status_code == 200
            family[key] = {"token": token, "student": student_id}
        tutor_email = verified_account(client, pump)
        tutor = login(client, tutor_email)["access_token"]
        invited = post(client, f"/children/{family['parent']['student']}/invitations",
                       {"email": tutor_email, "role": "tutor", "scope": ["grades", "schedule"]},
                       family["parent"]["token"])
        assert invited.status_code == 201, invited.body
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)},
                    tutor).status_code == 200
        return {"school": school_id, "admin": admin, "teachers": teachers, "subjects": subjects,
                "family": family, "tutor": tutor}


def _teachers(client, classroom, who="parent"):
    family = classroom["family"]
    token = classroom["tutor"] if who == "tutor" else family[who]["token"]
    return get(client, f"/children/{family['parent']['student']}/teachers", token)


def test_a_parent_sees_the_childs_teachers_with_subjects(client, classroom):
    response = _teachers(client, classroom)
    assert response.status_code == 200, response.body
    teachers, subjects = classroom["teachers"], classroom["subjects"]
    assert response.json_body["items"] == [
        {"teacher_id": teachers["Петрова"], "name": "Петрова Анна Сергеевна",
         "subjects": [{"subject_id": subjects["Математика"], "name": "Математика"},
                      {"subject_id": subjects["Физика"], "name": "Физика"}]},
        {"teacher_id": teachers["Смирнов"], "name": "Смирнов Олег Иванович",
         "subjects": [{"subject_id": subjects["Русский язык"], "name": "Русский язык"}]},
    ]


def test_the_listed_teachers_are_exactly_those_the_message_route_accepts(client, classroom):
    family = classroom["family"]["parent"]
    listed = {t["teacher_id"] for t in _teachers(client, classroom).json_body["items"]}
    for teacher_id in classroom["teachers"].values():
        sent = post(client, f"/children/{family['student']}/messages",
                    {"teacher_id": teacher_id, "body": "Здравствуйте! Когда можно подойти?"}, family["token"])
        assert (sent.status_code == 201) == (teacher_id in listed), (teacher_id, sent.body)
        if teacher_id not in listed:
            assert sent.json_body["error"]["code"] == "not_childs_teacher"
    # A teacher who leaves the school leaves the list and can no longer be written to
    smirnov = classroom["teachers"]["Смирнов"]
    gone = client.http.delete(f"/schools/{classroom['school']}/teachers/{smirnov}",
                              headers={"Authorization": f"Bearer {classroom['admin']}"})
    assert gone.status_code == 204
    assert smirnov not in {t["teacher_id"] for t in _teachers(client, classroom).json_body["items"]}
    refused = post(client, f"/children/{family['student']}/messages",
                   {"teacher_id": smirnov, "body": "Здравствуйте!"}, family["token"])
    assert refused.status_code == 403


def test_another_family_and_viewers_are_refused(client, classroom):
    other = _teachers(client, classroom, "other")
    assert other.status_code == 403 and other.json_body["error"]["code"] == "child_not_linked"
    tutor = _teachers(client, classroom, "tutor")  # a viewer cannot write to teachers, so gets no list
    assert tutor.status_code == 403 and tutor.json_body["error"]["code"] == "guardian_only"
    unknown = get(client, f"/children/{'0' * 32}/teachers", classroom["family"]["parent"]["token"])
    assert unknown.status_code == 403


# --- records stored before the searches ---------------------------------------------------------


def test_schools_and_applications_stored_before_are_indexed_once(client, city, desk):
    from chalicelib import aws, settings
    from chalicelib.dal import applications as application_store
    from chalicelib.dal import schools as school_store
    from chalicelib.dal.models import Application, School
    from ops import migrate

    # As an older checkout stored them: no search fields, no applicant
    school = school_store.get_school(city["ids"]["lyceum"])
    school.update(actions=[School.search_name.remove(), School.search_district.remove(), School.number_key.remove()])
    application = application_store.stored_by_id(desk["ids"]["fedorov"])
    application.update(actions=[Application.applicant_name.remove(), Application.applicant_email.remove(),
                                Application.applicant_phone_verified.remove(), Application.search_text.remove()])
    lyceum = f"лицей вектор{city['tag']}"
    assert city["ids"]["lyceum"] not in {s["school_id"] for s in _directory(client, city, name=lyceum)}
    assert _applications(client, desk, q="семен") == []

    aws.client("dynamodb").delete_item(TableName=settings.table_name(),
                                       Key={"PK": {"S": "MIGRATION"}, "SK": {"S": "search-keys"}})
    assert "search-keys" in migrate.run()
    assert [s["school_id"] for s in _directory(client, city, name=lyceum)] == [city["ids"]["lyceum"]]
    found = _applications(client, desk, q="семен")
    assert [a["application_id"] for a in found] == [desk["ids"]["fedorov"]]
    assert found[0]["applicant"]["name"] == "Петров Семён Игоревич"
    assert "search-keys" not in migrate.run()  # remembered
