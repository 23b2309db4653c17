"""Endpoints of a school's information system: a machine token, then bulk uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

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

    return uploads.list_for(req.path["school_id"], req.query.limit, req.cursor, req.lang)


@endpoint(bp, "GET", "/schools/{school_id}/uploads/{upload_id}", allow=SCHOOL_UPLOADER, query="UploadStatusQuery",
          errors=(400, 404, 422),
          summary="State, progress and the row-level report of an upload: refused rows and rows taken with a "
                  "warning, in words in the reader's language (Accept-Language)")
def upload_status(req: Request) -> Answer[UploadStatus]:
    from chalicelib.domain import uploads

    return uploads.status(req.path["school_id"], req.path["upload_id"], req.query.limit, req.cursor, req.lang,
                          req.query.severity)


@endpoint(bp, "GET", "/schools/{school_id}/uploads/{upload_id}/report.csv", allow=SCHOOL_UPLOADER,
          query="UploadReportQuery", errors=(404, 422), media_type="text/csv",
          summary="An upload's report as CSV for a spreadsheet: file, line, column, value, code, severity, "
                  "message (in the reader's language)")
def upload_report_csv(req: Request) -> Any:
    from chalicelib.domain import uploads

    upload_id = req.path["upload_id"]
    body = uploads.report_csv(req.path["school_id"], upload_id, req.lang, req.query.severity)
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "private, no-store",
        "Content-Disposition": f'attachment; filename="upload-{upload_id}-report.csv"'})
