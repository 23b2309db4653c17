"""Endpoints of a school's information system: a machine token, then bulk uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import PUBLIC, SCHOOL_UPLOADER
from chalicelib.api.routing import Answer, Request, endpoint

if TYPE_CHECKING:
    from chalicelib.api.schemas import MachineToken, UploadPage, UploadStatus, UploadTicket

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/machine/token", allow=PUBLIC, body="MachineTokenRequest",
          errors=(401, 422), summary="Trade a school system's credential for a 5-minute access token")
def machine_token(req: Request) -> Answer[MachineToken]:
    from chalicelib.domain import credentials

    return credentials.exchange(req.body.credential)


@endpoint(bp, "POST", "/schools/{school_id}/uploads", allow=SCHOOL_UPLOADER, body="UploadRequest",
          status=201, errors=(400, 422, 503),
          summary="Ask to upload a file: an upload id and a pre-signed URL to PUT it to")
def request_upload(req: Request) -> Answer[UploadTicket]:
    from chalicelib.domain import uploads

    return uploads.request_upload(req.path["school_id"], req.body.filename, req.account_id)


@endpoint(bp, "GET", "/schools/{school_id}/uploads", allow=SCHOOL_UPLOADER, query="PageQuery",
          errors=(400, 422), summary="The school's uploads, newest first")
def list_uploads(req: Request) -> Answer[UploadPage]:
    from chalicelib.domain import uploads

    return uploads.list_for(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "GET", "/schools/{school_id}/uploads/{upload_id}", allow=SCHOOL_UPLOADER, query="PageQuery",
          errors=(400, 404, 422),
          summary="State, progress and the row-level error report of an upload")
def upload_status(req: Request) -> Answer[UploadStatus]:
    from chalicelib.domain import uploads

    return uploads.status(req.path["school_id"], req.path["upload_id"], req.query.limit, req.cursor, req.lang)
