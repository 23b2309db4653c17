"""Endpoints of alerts: a family's alert preferences per child, the one-click unsubscribe link,
and a school's news (published by its administrator, fanned out from the alerts queue)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib import i18n
from chalicelib.api.access import ACCOUNT, PUBLIC, SCHOOL_ADMIN
from chalicelib.api.routing import Answer, Request, endpoint
from chalicelib.domain import alerts
from chalicelib.errors import DiaryError

if TYPE_CHECKING:
    from chalicelib.api.schemas import AlertPreferencesOut, NewsOut, NewsPage

bp = Blueprint(__name__)
UNSUBSCRIBE_POSTS = ("application/x-www-form-urlencoded", "multipart/form-data", "application/json")


@endpoint(bp, "GET", "/children/{student_id}/alert-preferences", allow=ACCOUNT,
          errors=(401, 403, 404), summary="How I hear about this child (email for everything until changed)")
def get_alert_preferences(req: Request) -> Answer[AlertPreferencesOut]:
    return alerts.preferences_of(req.account_id, req.path["student_id"])


@endpoint(bp, "PUT", "/children/{student_id}/alert-preferences", allow=ACCOUNT, body="AlertPreferencesUpdate",
          errors=(400, 401, 403, 404, 422),
          summary="Choose channels per kind, quiet hours, digest, thresholds (viewers: email, within scope)")
def put_alert_preferences(req: Request) -> Answer[AlertPreferencesOut]:
    change = {name: getattr(req.body, name) for name in req.body.model_fields_set}
    if change.get("quiet_hours") is not None:
        change["quiet_hours"] = change["quiet_hours"].model_dump()
    return alerts.change_preferences(req.account_id, req.path["student_id"], change)


@endpoint(bp, "GET", "/alerts/unsubscribe", allow=PUBLIC, query="UnsubscribeQuery", media_type="text/html",
          errors=(400, 404, 422),
          summary="The link in every alert email: a page saying what would stop (changing nothing)")
def unsubscribe_page(req: Request) -> Any:
    return _unsubscribe_page(req, alerts.unsubscribe_preview, "ask")


# The page's button posts a form, a mail client's one-click (RFC 8058) posts the body
# "List-Unsubscribe=One-Click" form-encoded or as multipart: the signed token in the address is
# all either carries, and the body is not read.
@endpoint(bp, "POST", "/alerts/unsubscribe", allow=PUBLIC, query="UnsubscribeQuery", media_type="text/html",
          errors=(400, 404, 422), content_types=UNSUBSCRIBE_POSTS,
          summary="Stop this kind of alert about this child (the page's button, or one-click from the mail client)")
def unsubscribe(req: Request) -> Any:
    return _unsubscribe_page(req, alerts.unsubscribe, "done")


def _unsubscribe_page(req: Request, act: Callable[[str], dict[str, Any]], state: str) -> Any:
    from chalicelib.api.pages import page, wants_html

    try:
        view = act(req.query.token)
    except DiaryError as error:
        if not wants_html(req.headers):
            raise  # an API client gets the error envelope
        return page("unsubscribe", req.lang, error.status, state="refused", kind="",
                    message=i18n.message(error.code, req.lang))
    return page("unsubscribe", view["language"], state=state, kind=view["kind"], child=view["child"],
                already=view["channel"] == "none")


@endpoint(bp, "POST", "/schools/{school_id}/news", allow=SCHOOL_ADMIN, body="NewsCreate",
          status=201, errors=(401, 403, 404, 422), summary="Publish news to the whole school or some classes")
def publish_news(req: Request) -> Answer[NewsOut]:
    b = req.body
    return alerts.publish_news(req.path["school_id"], req.account_id, b.title, b.body, b.class_ids)


@endpoint(bp, "GET", "/schools/{school_id}/news", allow=SCHOOL_ADMIN, query="PageQuery",
          errors=(400, 401, 403, 422), summary="The school's news, newest first, with how many families each reached")
def list_news(req: Request) -> Answer[NewsPage]:
    return alerts.list_news(req.path["school_id"], req.query.limit, req.cursor)


@endpoint(bp, "GET", "/schools/{school_id}/news/{news_id}", allow=SCHOOL_ADMIN,
          errors=(401, 403, 404), summary="News and how many families it reached")
def get_news(req: Request) -> Answer[NewsOut]:
    return alerts.get_news(req.path["school_id"], req.path["news_id"])
