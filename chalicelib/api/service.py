"""Service endpoints: health of the system and the OpenAPI document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import Answer, Reply, Request, endpoint

if TYPE_CHECKING:
    from chalicelib.api.schemas import HealthOut

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/health", allow=PUBLIC, same_body_on=(503,),
          summary="State of the database and the queues (503 when one is down)")
def health(req: Request) -> Answer[HealthOut]:
    from chalicelib.domain.health import check

    checks = check()
    healthy = all(state == "ok" for state in checks.values())
    return Reply({"status": "ok" if healthy else "degraded", "checks": checks}, 200 if healthy else 503)


@endpoint(bp, "GET", "/openapi.json", allow=PUBLIC, summary="This API's OpenAPI 3.1 document")
def openapi(req: Request) -> Any:
    from chalicelib.api.openapi import document

    return document()
