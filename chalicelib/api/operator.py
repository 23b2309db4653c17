"""Endpoints of the city operator: schools and their administrators; and the school directory any
signed-in account searches (a parent needs a school's id to apply)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import ACCOUNT, OPERATOR, OPERATOR_OR_SCHOOL_ADMIN
from chalicelib.api.routing import Answer, Reply, Request, endpoint
from chalicelib.domain import schools

if TYPE_CHECKING:
    from chalicelib.api.schemas import SchoolListingPage, SchoolOut, SchoolPage, StaffOut, StaffPage

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/schools", allow=OPERATOR, body="SchoolCreate", status=201,
          errors=(401, 403, 422), summary="Register a school")
def create_school(req: Request) -> Answer[SchoolOut]:
    b = req.body
    return schools.register_school(b.name, b.address, b.timezone, b.number, b.district)


@endpoint(bp, "PATCH", "/schools/{school_id}", allow=OPERATOR, body="SchoolChange",
          errors=(401, 403, 404, 422), summary="Correct a school's name, address, number or district")
def change_school(req: Request) -> Answer[SchoolOut]:
    changes = {k: getattr(req.body, k) for k in req.body.model_fields_set}
    return schools.change_school(req.path["school_id"], changes)


@endpoint(bp, "GET", "/directory/schools", allow=ACCOUNT, query="DirectoryQuery",
          errors=(400, 401, 422),
          summary="Find a school by name, number or district (any signed-in account; public fields only)")
def school_directory(req: Request) -> Answer[SchoolListingPage]:
    q = req.query
    return schools.search_directory(q.name, q.number, q.district, q.limit, req.cursor)


@endpoint(bp, "GET", "/schools", allow=OPERATOR, query="PageQuery",
          errors=(400, 401, 403, 422), summary="All schools, by name")
def list_schools(req: Request) -> Answer[SchoolPage]:
    return schools.list_schools(req.query.limit, req.cursor)


@endpoint(bp, "GET", "/schools/{school_id}", allow=OPERATOR_OR_SCHOOL_ADMIN,
          errors=(401, 403, 404), summary="One school")
def get_school(req: Request) -> Answer[SchoolOut]:
    return schools.school_view(schools.require_school(req.path["school_id"]))


@endpoint(bp, "POST", "/schools/{school_id}/administrators", allow=OPERATOR, body="StaffGrant",
          status=201, errors=(401, 403, 404, 409, 422),
          summary="Make a registered account an administrator of the school")
def add_administrator(req: Request) -> Answer[StaffOut]:
    return schools.grant_staff(req.path["school_id"], "admin", req.body.email)


@endpoint(bp, "GET", "/schools/{school_id}/administrators", allow=OPERATOR_OR_SCHOOL_ADMIN,
          query="PageQuery", errors=(400, 401, 403, 422),
          summary="The school's administrators")
def list_administrators(req: Request) -> Answer[StaffPage]:
    return schools.list_staff(req.path["school_id"], "admin", req.query.limit, req.cursor)


@endpoint(bp, "DELETE", "/schools/{school_id}/administrators/{account_id}", allow=OPERATOR, status=204,
          errors=(401, 403, 404), summary="The administrator leaves the school: the role is removed at once")
def remove_administrator(req: Request) -> Reply:

    schools.remove_administrator(req.path["school_id"], req.path["account_id"])
    return Reply(None, 204)
