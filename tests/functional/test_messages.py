"""Messages between parents and teachers about a child, in threads: who may write and read, unread
counts, read status, limits, paging, and what the alerts get from the stream."""

from __future__ import annotations

import pytest

from tests.journeys import (
    CHILD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    get,
    login,
    post,
    school_class,
    school_with_admin,
    verified_account,
)

VERA = {**CHILD, "child_last_name": "Орлова", "child_first_name": "Вера", "child_middle_name": None,
        "child_birth_date": "2014-02-02", "class_name": "6Б"}
OLEG = {**CHILD, "child_last_name": "Кузнецов", "child_first_name": "Олег", "child_middle_name": None,
        "child_birth_date": "2015-09-09"}


def _me(client, token):
    return get(client, "/me", token).json_body["account_id"]


def _link(client, pump, school_id, admin, class_id, child):
    student_id = enrol(client, school_id, admin, class_id, child)
    email = verified_account(client, pump)
    token = login(client, email)["access_token"]
    check_and_approve(client, school_id, admin, apply(client, token, school_id, child))
    assert post(client, "/children/redeem", {"code": emailed_access_code(pump, email)}, token).status_code == 200
    return {"email": email, "token": token, "id": _me(client, token), "student": student_id}


@pytest.fixture(scope="module")
def school(app, aws):
    """5А: Ivan (parent `a`) and Oleg (parent `c`), taught by `teacher`; 6Б: Vera (parent `b`),
    taught by `other_teacher`; a tutor invited to Ivan's diary."""
    from chalice.test import Client

    from chalicelib.dal import accounts as account_store
    from ops.pump import Pump

    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        account_store.clear_throttle("client", "127.0.0.1")
        school_id, admin = school_with_admin(client, pump)
        base = f"/schools/{school_id}"
        class_a = school_class(client, school_id, admin, "5А")
        class_b = school_class(client, school_id, admin, "6Б")
        maths = post(client, f"{base}/subjects", {"name": "Математика"}, admin).json_body["subject_id"]
        world = {"id": school_id, "admin": admin, "admin_id": _me(client, admin), "class_a": class_a}
        for key, class_id in [("teacher", class_a), ("other_teacher", class_b)]:
            email = verified_account(client, pump, name=f"Учитель {key}")
            teacher_id = post(client, f"{base}/teachers", {"email": email}, admin).json_body["account_id"]
            taught = post(client, f"{base}/teachings",
                          {"teacher_id": teacher_id, "class_id": class_id, "subject_id": maths}, admin)
            assert taught.status_code == 201, taught.body
            world[key] = {"token": login(client, email)["access_token"], "id": teacher_id}
        world["a"] = _link(client, pump, school_id, admin, class_a, CHILD)
        world["c"] = _link(client, pump, school_id, admin, class_a, OLEG)
        world["b"] = _link(client, pump, school_id, admin, class_b, VERA)
        tutor_email = verified_account(client, pump)
        tutor = login(client, tutor_email)["access_token"]
        invited = post(client, f"/children/{world['a']['student']}/invitations",
                       {"email": tutor_email, "role": "tutor", "scope": ["grades"]}, world["a"]["token"])
        assert invited.status_code == 201, invited.body
        assert post(client, "/children/redeem", {"code": emailed_access_code(pump, tutor_email)},
                    tutor).status_code == 200
        world["tutor"] = {"token": tutor, "id": _me(client, tutor)}
        return world


def _threads(client, token):
    response = get(client, "/messages/threads", token)
    assert response.status_code == 200, response.body
    return {t["thread_id"]: t for t in response.json_body["items"]}


def _to_teacher(client, school, body="Здравствуйте! Ваня болел, можно сдать контрольную позже?"):
    a = school["a"]
    return post(client, f"/children/{a['student']}/messages",
                {"teacher_id": school["teacher"]["id"], "subject": "Контрольная", "body": body}, a["token"])


def test_parent_and_teacher_write_both_ways_with_unread_counts_and_read_status(client, school):
    a, teacher = school["a"], school["teacher"]
    started = _to_teacher(client, school)
    assert started.status_code == 201, started.body
    thread_id = started.json_body["thread_id"]
    assert started.json_body["student_name"] == "Иван Соколов"
    assert sorted(started.json_body["participant_ids"]) == sorted([a["id"], teacher["id"]])
    assert started.json_body["message"]["read"] is False

    # The teacher sees it on top of their list, unread; the parent's own message is not unread for them
    assert _threads(client, teacher["token"])[thread_id]["unread"] == 1
    assert _threads(client, a["token"])[thread_id]["unread"] == 0
    # Another parent of the class is not in the conversation
    assert thread_id not in _threads(client, school["c"]["token"])

    # The teacher answers twice; the parent has two unread
    for text in ("Здравствуйте! Да, конечно.", "Приходите в четверг после уроков."):
        answered = post(client, f"/messages/threads/{thread_id}/messages", {"body": text}, teacher["token"])
        assert answered.status_code == 201, answered.body
        assert answered.json_body["sender_account_id"] == teacher["id"]
    assert _threads(client, a["token"])[thread_id]["unread"] == 2
    assert _threads(client, a["token"])[thread_id]["preview"] == "Приходите в четверг после уроков."

    # The teacher reads: the parent sees their message read; the teacher's answers are not yet
    read = post(client, f"/messages/threads/{thread_id}/read", {}, teacher["token"])
    assert read.status_code == 200 and read.json_body["unread"] == 0 and read.json_body["read_at"]
    page = get(client, f"/messages/threads/{thread_id}", a["token"]).json_body
    texts = [(m["sender_account_id"], m["read"], m["read_by"]) for m in page["items"]]
    assert texts == [(teacher["id"], False, []), (teacher["id"], False, []), (a["id"], True, [teacher["id"]])]
    sides = {p["account_id"]: (p["side"], bool(p["last_read_at"])) for p in page["participants"]}
    assert sides == {a["id"]: ("family", False), teacher["id"]: ("school", True)}

    # The parent reads: counts go down, the teacher sees their answers read
    assert post(client, f"/messages/threads/{thread_id}/read", {}, a["token"]).json_body["unread"] == 0
    assert _threads(client, a["token"])[thread_id]["unread"] == 0
    seen = get(client, f"/messages/threads/{thread_id}", teacher["token"]).json_body["items"]
    assert all(m["read"] for m in seen)
    assert seen[0]["read_by"] == [a["id"]]

    # A reply from the parent moves the thread up again and counts for the teacher only
    assert post(client, f"/messages/threads/{thread_id}/messages", {"body": "Спасибо!"}, a["token"]).status_code == 201
    assert _threads(client, teacher["token"])[thread_id]["unread"] == 1
    assert _threads(client, a["token"])[thread_id]["unread"] == 0


def test_teacher_writes_to_every_parent_of_the_child(client, school):
    teacher, a = school["teacher"], school["a"]
    started = post(client, f"/schools/{school['id']}/students/{a['student']}/messages",
                   {"body": "Ваня сегодня отлично отвечал у доски."}, teacher["token"])
    assert started.status_code == 201, started.body
    thread_id = started.json_body["thread_id"]
    assert started.json_body["message"]["recipient_account_ids"] == [a["id"]]
    assert _threads(client, a["token"])[thread_id]["unread"] == 1
    assert post(client, f"/messages/threads/{thread_id}/messages", {"body": "Спасибо!"}, a["token"]).status_code == 201
    assert _threads(client, teacher["token"])[thread_id]["unread"] == 1


def test_a_teacher_of_another_class_is_refused(client, school):
    other, a = school["other_teacher"], school["a"]
    refused = post(client, f"/schools/{school['id']}/students/{a['student']}/messages", {"body": "Привет"},
                   other["token"])
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "not_your_student"
    # nor may a parent write to a teacher who does not teach their child's class
    wrong = post(client, f"/children/{a['student']}/messages", {"teacher_id": other["id"], "body": "Добрый день"},
                 a["token"])
    assert wrong.status_code == 403 and wrong.json_body["error"]["code"] == "not_childs_teacher"
    # nor read a thread they are not in
    thread_id = _to_teacher(client, school).json_body["thread_id"]
    assert get(client, f"/messages/threads/{thread_id}", other["token"]).status_code == 404
    assert post(client, f"/messages/threads/{thread_id}/messages", {"body": "Я тоже"},
                other["token"]).status_code == 404


def test_a_parent_of_another_child_and_a_viewer_are_refused(client, school):
    a, b, tutor = school["a"], school["b"], school["tutor"]
    thread_id = _to_teacher(client, school).json_body["thread_id"]
    # Parent of Vera writes about Ivan: not their child
    foreign = post(client, f"/children/{a['student']}/messages",
                   {"teacher_id": school["teacher"]["id"], "body": "Здравствуйте"}, b["token"])
    assert foreign.status_code == 403 and foreign.json_body["error"]["code"] == "child_not_linked"
    assert get(client, f"/messages/threads/{thread_id}", b["token"]).status_code == 404
    assert post(client, f"/messages/threads/{thread_id}/read", {}, b["token"]).status_code == 404
    assert thread_id not in _threads(client, b["token"])
    # A viewer of Ivan's diary neither writes nor reads the family's conversations
    viewer = post(client, f"/children/{a['student']}/messages",
                  {"teacher_id": school["teacher"]["id"], "body": "Здравствуйте"}, tutor["token"])
    assert viewer.status_code == 403 and viewer.json_body["error"]["code"] == "guardian_only"
    assert get(client, f"/messages/threads/{thread_id}", tutor["token"]).status_code == 404
    assert _threads(client, tutor["token"]) == {}


def test_administrator_writes_to_every_family_of_a_class(client, school):
    admin = school["admin"]
    sent = post(client, f"/schools/{school['id']}/classes/{school['class_a']}/messages",
                {"subject": "Экскурсия", "body": "В пятницу экскурсия в Эрмитаж. Сбор в 9:00."}, admin)
    assert sent.status_code == 201, sent.body
    assert sent.json_body["families"] == 2 and sent.json_body["recipients"] == 2
    threads = set(sent.json_body["thread_ids"])
    for parent in (school["a"], school["c"]):
        mine = _threads(client, parent["token"])
        reached = [t for t in mine.values() if t["thread_id"] in threads]
        assert len(reached) == 1 and reached[0]["unread"] == 1 and reached[0]["subject"] == "Экскурсия"
    # Vera's parent (6Б) is not reached
    assert not threads & set(_threads(client, school["b"]["token"]))
    # A family's answer goes to the school only, not to the other family
    answer_thread = next(t for t in _threads(client, school["c"]["token"]) if t in threads)
    assert post(client, f"/messages/threads/{answer_thread}/messages", {"body": "Олег придёт."},
                school["c"]["token"]).status_code == 201
    assert _threads(client, admin)[answer_thread]["unread"] == 1
    # The school's administrator, or a teacher of the class (tests/functional/test_staff_teacher_classes.py):
    # not a teacher of another class
    assert post(client, f"/schools/{school['id']}/classes/{school['class_a']}/messages", {"body": "x"},
                school["other_teacher"]["token"]).status_code == 403


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 4001, "тревога\x07", "нулевой\x00байт"])
def test_empty_over_long_or_control_character_bodies_are_refused(client, school, body):
    response = post(client, f"/children/{school['a']['student']}/messages",
                    {"teacher_id": school["teacher"]["id"], "body": body}, school["a"]["token"])
    assert response.status_code == 422, response.body
    assert response.json_body["error"]["field"] == "body"


def test_the_longest_body_is_kept_trimmed_with_its_line_breaks(client, school):
    text = "Строка один\nСтрока два\t!" + "ж" * (4000 - 24)
    started = _to_teacher(client, school, f"  {text}  ")
    assert started.status_code == 201, started.body
    assert started.json_body["message"]["body"] == text


def test_sending_is_rate_limited_per_account(client, school, monkeypatch):
    from chalicelib.domain import messages

    # One fixed instant: the test never straddles two windows.
    monkeypatch.setattr(messages, "epoch", lambda: 600 * 3_000_000 - 120)
    b, teacher = school["b"], school["other_teacher"]
    started = post(client, f"/children/{b['student']}/messages", {"teacher_id": teacher["id"], "body": "1"},
                   b["token"])
    assert started.status_code == 201, started.body
    thread_id = started.json_body["thread_id"]
    for n in range(2, messages.SEND_LIMIT + 1):
        reply = post(client, f"/messages/threads/{thread_id}/messages", {"body": str(n)}, b["token"])
        assert reply.status_code == 201, (n, reply.body)
    refused = post(client, f"/messages/threads/{thread_id}/messages", {"body": "ещё"}, b["token"])
    assert refused.status_code == 429
    assert refused.json_body["error"]["code"] == "too_many_messages"
    assert refused.headers["Retry-After"] == "120"
    # The other side is not limited by the parent's flood
    assert post(client, f"/messages/threads/{thread_id}/messages", {"body": "Хватит!"},
                teacher["token"]).status_code == 201
    assert _threads(client, teacher["token"])[thread_id]["unread"] == messages.SEND_LIMIT


def test_thread_messages_are_paged_newest_first(client, school):
    a, teacher = school["c"], school["teacher"]
    started = post(client, f"/children/{a['student']}/messages", {"teacher_id": teacher["id"], "body": "0"},
                   a["token"])
    thread_id = started.json_body["thread_id"]
    for n in range(1, 5):
        post(client, f"/messages/threads/{thread_id}/messages", {"body": str(n)},
             teacher["token"] if n % 2 else a["token"])
    seen, cursor = [], None
    while True:
        path = f"/messages/threads/{thread_id}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = get(client, path, a["token"]).json_body
        assert len(page["items"]) <= 2
        seen += [m["body"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["4", "3", "2", "1", "0"]
    broken = get(client, f"/messages/threads/{thread_id}?cursor=forged", a["token"])
    assert broken.status_code == 400 and broken.json_body["error"]["code"] == "invalid_cursor"
    # The thread list pages too
    first = get(client, "/messages/threads?limit=1", a["token"]).json_body
    assert [t["thread_id"] for t in first["items"]] == [thread_id] and first["next_cursor"]


def test_messages_reach_the_stream_with_what_alerts_need(client, school, app):
    from chalice import Chalice

    from ops.pump import Pump

    listener = Chalice(app_name="alerts-probe")
    images = []

    @listener.on_dynamodb_record(stream_arn="arn:aws:dynamodb:eu-central-1:123456789012:table/ediary-test/stream/x",
                                 starting_position="LATEST")
    def changes(event):
        images.extend(r.new_image for r in event if r.new_image)

    pump = Pump(listener)
    pump.poll_once()
    started = _to_teacher(client, school, "Проверка потока")
    thread_id = started.json_body["thread_id"]
    pump.drain(timeout=10)
    found = [i for i in images if i.get("kind") == {"S": "Message"} and i["thread_id"] == {"S": thread_id}]
    assert len(found) == 1
    image = found[0]
    assert image["school_id"] == {"S": school["id"]}
    assert image["student_id"] == {"S": school["a"]["student"]}
    assert image["sender_account_id"] == {"S": school["a"]["id"]}
    assert image["recipient_account_ids"] == {"SS": [school["teacher"]["id"]]}
    assert image["created_at"]["S"]
    assert image["body"] == {"S": "Проверка потока"}
