"""Schemathesis over every operation of GET /openapi.json, against the API served by `chalice local`,
as every kind of caller, across two schools with real data: no 5xx ever, every status declared and
every body the declared model. Phases: valid data, invalid data (schemathesis' negative generation)
and journeys (a state machine over the links schemathesis infers from the document).

`make test` runs a CI-sized slice; `make fuzz` runs it longer (FUZZ_EXAMPLES per operation and actor)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ops import local_gateway
from ops.services import ROOT, free_port, stop, wait_for_port
from tests.journeys import (
    CHILD,
    PASSWORD,
    apply,
    check_and_approve,
    emailed_access_code,
    enrol,
    login,
    post,
    school_class,
    verified_account,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))  # per operation, admitted actor and phase
EVERY_ACTOR = "FUZZ_EXAMPLES" in os.environ  # the CI slice asks one refused actor per operation, in turn
JOURNEYS = int(os.environ.get("FUZZ_JOURNEYS", str(max(5, EXAMPLES))))
TOKEN_AGE = 600  # seconds; access tokens live 15 minutes and `make fuzz` runs longer

# Who each access rule lets in: they get EXAMPLES per phase; everyone else one (the rule refuses
# them before the input is read, so more would only ask the same question again).
ACTORS = ("anonymous", "parent", "viewer", "teacher", "admin_a", "admin_b", "operator", "system")
ADMITTED = {
    "public": set(ACTORS),
    "account": {"parent", "viewer", "teacher", "admin_a", "operator"},
    "operator": {"operator"},
    "school_admin": {"admin_a", "admin_b"},
    "school_staff": {"admin_a", "admin_b", "teacher"},
    "operator_or_school_admin": {"operator", "admin_a", "admin_b"},
    "school_uploader": {"system", "admin_a"},
}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

ANSWERS: Counter[tuple[str, str, int]] = Counter()  # what the fuzz was answered (printed with -s)

# Destructive operations run last, so the others meet the data whole (a new calendar token ends the old).
LAST = ("DELETE", "/withdraw", "/reject", "/approve", "/auth/logout", "/calendar-token")


@dataclass
class School:
    """Real ids of one school's entities, filled into paths (and ids in bodies and queries)."""

    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: Any) -> None:
        self.ids.setdefault(name, []).append(str(value))


@dataclass
class Actor:
    """A caller and how to get it a fresh token."""

    email: str | None = None
    credential: str | None = None
    token: str | None = None
    issued: float = 0.0


class World:
    """Two schools with staff, a class, lessons, grades, a linked family, a viewer, a thread, an
    application, an upload, news, credentials; and a token for each kind of caller."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.schools: list[School] = []
        self.actors: dict[str, Actor] = {name: Actor() for name in ACTORS}
        self.journeys = Actor()

    def headers(self, actor: Actor | str) -> dict[str, str]:
        """The Authorization header of the actor (none for anonymous), re-issued before it expires."""
        caller = self.actors[actor] if isinstance(actor, str) else actor
        if caller.email is None and caller.credential is None:
            return {}
        if time.monotonic() - caller.issued > TOKEN_AGE:
            self._refresh(caller)
        return {"Authorization": f"Bearer {caller.token}"}

    def _refresh(self, caller: Actor) -> None:
        from chalice.test import Client

        from chalicelib.dal import accounts as store

        store.clear_throttle("client", "127.0.0.1")  # the fuzz's own wrong logins must not lock us out
        with Client(self.app, stage_name="test") as client:
            if caller.credential:
                answer = post(client, "/machine/token", {"credential": caller.credential})
                assert answer.status_code == 200, answer.body
                caller.token = answer.json_body["access_token"]
            else:
                assert caller.email is not None
                caller.token = login(client, caller.email, PASSWORD)["access_token"]
        caller.issued = time.monotonic()


def _operator(client: Any) -> str:
    from chalicelib.domain.accounts import bootstrap_operator
    from tests.conftest import unique_email

    email = unique_email("operator")
    bootstrap_operator(email, PASSWORD, "Оператор Фаззинга")
    return email


def _created(response: Any, key: str) -> str:
    assert response.status_code in (200, 201), response.body
    return str(response.json_body[key])


def _school(client: Any, pump: Any, operator: str, name: str) -> tuple[School, dict[str, Actor]]:
    """One school with everything a path can name, and its admin, teacher, parent, viewer, system."""
    from tests.journeys import get

    school = School()
    school_id = _created(post(client, "/schools", {"name": name, "address": "Невский пр., 1"}, operator), "school_id")
    school.add("school_id", school_id)
    base = f"/schools/{school_id}"
    admin_email = verified_account(client, pump, name="Смирнов Алексей Викторович")
    assert post(client, f"{base}/administrators", {"email": admin_email}, operator).status_code == 201
    admin = login(client, admin_email)["access_token"]
    class_id = school_class(client, school_id, admin)
    school.add("class_id", class_id)
    subject_id = _created(post(client, f"{base}/subjects", {"name": "Математика"}, admin), "subject_id")
    school.add("subject_id", subject_id)
    post(client, f"{base}/terms", {"name": "1 четверть", "starts_on": "2026-09-01", "ends_on": "2026-10-26"}, admin)
    teacher_email = verified_account(client, pump, name="Петрова Анна Сергеевна")
    teacher_id = _created(post(client, f"{base}/teachers", {"email": teacher_email}, admin), "account_id")
    school.add("teacher_id", teacher_id)
    spare_email = verified_account(client, pump, name="Сидоров Олег Ильич")
    school.add("account_id", _created(post(client, f"{base}/teachers", {"email": spare_email}, admin), "account_id"))
    post(client, f"{base}/teachings", {"teacher_id": teacher_id, "class_id": class_id, "subject_id": subject_id},
         admin)
    student_id = enrol(client, school_id, admin, class_id)
    school.add("student_id", student_id)
    lesson_id = _created(post(client, f"{base}/classes/{class_id}/lessons", {
        "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:15", "subject_id": subject_id,
        "teacher_id": teacher_id, "room": "214"}, admin), "lesson_id")
    school.add("lesson_id", lesson_id)
    teacher = login(client, teacher_email)["access_token"]
    school.add("grade_id", _created(post(client, f"{base}/classes/{class_id}/lessons/{lesson_id}/grades", {
        "student_id": student_id, "value": 4, "work_kind": "test", "remark": "Хорошо"}, teacher), "grade_id"))

    parent_email = verified_account(client, pump)
    parent = login(client, parent_email)["access_token"]
    check_and_approve(client, school_id, admin, apply(client, parent, school_id))
    assert post(client, "/children/redeem", {"code": emailed_access_code(pump, parent_email)},
                parent).status_code == 200
    school.add("application_id", apply(client, parent, school_id, {**CHILD, "child_first_name": "Мария"}))
    viewer_email = verified_account(client, pump)
    post(client, f"/children/{student_id}/invitations",
         {"email": viewer_email, "role": "tutor", "scope": ["grades", "homework"]}, parent)
    viewer = login(client, viewer_email)["access_token"]
    assert post(client, "/children/redeem", {"code": emailed_access_code(pump, viewer_email)},
                viewer).status_code == 200
    school.add("account_id", get(client, "/me", viewer).json_body["account_id"])
    school.add("invitation_id", _created(post(client, f"/children/{student_id}/invitations", {
        "email": "babushka@example.ru", "role": "relative", "scope": ["grades"]}, parent), "invitation_id"))
    school.add("token", _created(post(client, f"/children/{student_id}/calendar-token", {}, parent), "token"))
    school.add("thread_id", _created(post(client, f"/children/{student_id}/messages", {
        "teacher_id": teacher_id, "subject": "Контрольная", "body": "Можно переписать?"}, parent), "thread_id"))
    school.add("news_id", _created(post(client, f"{base}/news", {"title": "Субботник", "body": "В субботу в 10:00"},
                                        admin), "news_id"))
    school.add("upload_id", _created(post(client, f"{base}/uploads", {"filename": "grades.csv"}, admin), "upload_id"))
    secret = _created(post(client, f"{base}/credentials", {"name": "АИС «Школа»"}, admin), "secret")
    school.add("credential_id", _created(post(client, f"{base}/credentials", {"name": "Запасной ключ"}, admin),
                                         "credential_id"))
    actors = {"admin": Actor(admin_email), "teacher": Actor(teacher_email), "parent": Actor(parent_email),
              "viewer": Actor(viewer_email), "system": Actor(credential=secret)}
    return school, actors


@pytest.fixture(scope="module")
def world(app, aws) -> World:
    """Schools A and B, and a caller of each kind (staff and family of school A, admin of B)."""
    from chalice.test import Client

    from chalicelib.dal import accounts as store
    from ops.pump import Pump

    built = World(app)
    with Client(app, stage_name="test") as client:
        pump = Pump(app, schedules=False)
        store.clear_throttle("client", "127.0.0.1")
        operator_email = _operator(client)
        operator = login(client, operator_email)["access_token"]
        school_a, people_a = _school(client, pump, operator, "ГБОУ Школа № 239")
        school_b, people_b = _school(client, pump, operator, "Лицей № 30")
        built.schools = [school_a, school_b]
        built.actors.update({"parent": people_a["parent"], "viewer": people_a["viewer"],
                             "teacher": people_a["teacher"], "admin_a": people_a["admin"],
                             "admin_b": people_b["admin"], "operator": Actor(operator_email),
                             "system": people_a["system"]})
        # The journeys' caller may do nearly everything, so a chain of links is not cut short by a 403:
        # an operator who also runs both schools and teaches in A.
        from chalicelib.domain.schools import grant_staff

        journeys = _operator(client)
        for school, role in [(school_a, "admin"), (school_b, "admin"), (school_a, "teacher")]:
            grant_staff(school.ids["school_id"][0], role, journeys)
        built.journeys = Actor(journeys)
    return built


@pytest.fixture(scope="module")
def served(aws):
    """The API over real HTTP, as `make run` serves it, against the test's table and queues."""
    port = free_port()
    proc = subprocess.Popen(local_gateway.command("test", port), cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, "chalice local", proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def schema(served):
    return schemathesis.openapi.from_url(f"{served}/openapi.json")


def _operations(schema: Any) -> list[Any]:
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: any(mark in f"{op.method.upper()} {op.path}" for mark in LAST))


def _real_ids(case: Any, school: School, schools: list[School], data: Any) -> None:
    """Real ids in the path (unless the path itself is the invalid part), in the query and in a body:
    the school's own, or now and then the other school's, so ownership checks are asked too."""
    def pick(name: str) -> str | None:
        owner = data.draw(st.sampled_from([school, school, *schools]), label=f"{name} from")
        values = owner.ids.get(name) or school.ids.get(name)
        return data.draw(st.sampled_from(values), label=name) if values else None

    path_invalid = case.meta is not None and case.meta.components.get(ParameterLocation.PATH) is not None \
        and case.meta.components[ParameterLocation.PATH].mode == GenerationMode.NEGATIVE
    if case.path_parameters and not path_invalid:
        for name in case.path_parameters:
            value = school.ids["school_id"][0] if name == "school_id" else pick(name)
            if value is not None:
                case.path_parameters[name] = value
    if case.meta is None or all(info.mode == GenerationMode.POSITIVE for info in case.meta.components.values()):
        for container in (case.query, case.body):
            if isinstance(container, dict):
                for name in container:
                    if name in school.ids and name != "school_id" and isinstance(container[name], str):
                        container[name] = pick(name) or container[name]


def _negatable(operation: Any, actor: str) -> bool:
    """Whether invalid input means anything here: a body or query to break, or (for the anonymous
    caller only: the others would just repeat it) the Authorization header to drop or garble."""
    raw = operation.definition.raw
    has_input = "requestBody" in raw or any(p.get("in") == "query" for p in raw.get("parameters", []))
    return has_input or (actor == "anonymous" and "security" in raw)


def _only_the_token_broken(case: Any) -> bool:
    components = case.meta.components if case.meta is not None else {}
    negative = {loc for loc, info in components.items() if info.mode == GenerationMode.NEGATIVE}
    return negative == {ParameterLocation.HEADER}


def _fuzz(operation: Any, served: str, world: World, actor: str, mode: GenerationMode, examples: int) -> Any:
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])
    keep_token = mode == GenerationMode.NEGATIVE and actor != "anonymous"

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any, data: Any) -> None:
        if keep_token:
            assume(not _only_the_token_broken(case))
        school = data.draw(st.sampled_from(world.schools), label="school")
        _real_ids(case, school, world.schools, data)
        response = case.call_and_validate(base_url=served, headers=world.headers(actor), checks=checks)
        ANSWERS[(mode.value, actor, response.status_code)] += 1

    return run


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_as_every_actor_holds_to_the_document(served, schema, world, mode):
    operations = _operations(schema)
    assert len(operations) >= 90
    failures: list[str] = []
    for turn, operation in enumerate(operations):
        admitted = ADMITTED[operation.definition.raw.get("x-access", "public")]
        refused = [actor for actor in ACTORS if actor not in admitted]
        asked = refused if EVERY_ACTOR or not refused else [refused[turn % len(refused)]]
        for actor in [a for a in ACTORS if a in admitted or a in asked]:
            if mode == GenerationMode.NEGATIVE and not _negatable(operation, actor):
                continue
            examples = EXAMPLES if actor in admitted else 1
            try:
                _fuzz(operation, served, world, actor, mode, examples)()
            except BaseException as failure:  # collect every operation's failures, then report them all
                if isinstance(failure, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.label} as {actor}: {str(failure)[:1500]}")
    print(sorted((k, n) for k, n in ANSWERS.items() if k[0] == mode.value))
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)


def test_journeys_along_the_documents_links_hold_to_it(served, schema, world):
    known = {school.ids["school_id"][0] for school in world.schools}

    class Journeys(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            # A school id the journey did not get from an earlier answer is one of the two real ones.
            if case.path_parameters and case.path_parameters.get("school_id") not in known:
                case.path_parameters["school_id"] = sorted(known)[len(case.path_parameters) % 2]

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            ANSWERS[("journey", f"{case.method.upper()} {case.path}", response.status_code)] += 1
            if case.method.upper() == "POST" and case.path == "/schools" and response.status_code == 201:
                known.add(json.loads(response.content)["school_id"])

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": served, "headers": world.headers(world.journeys)}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder)

    Journeys.run(settings=settings(max_examples=JOURNEYS, stateful_step_count=10, deadline=None, derandomize=True,
                                   database=None, suppress_health_check=list(HealthCheck)))
    print(sorted((k, n) for k, n in ANSWERS.items() if k[0] == "journey"))
