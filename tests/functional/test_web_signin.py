"""The cabinet's sign-in (issue 13): with the header X-Ediary-Client: web, the refresh token travels
only as an HttpOnly cookie scoped to /api/auth; without the header, the routes are as API clients
have always known them, and a cookie is ignored."""

from __future__ import annotations

import re
from typing import Any

from tests.journeys import PASSWORD, get, login, post, verified_account

WEB = {"X_Ediary_Client": "web"}


def _cookie(response: Any) -> dict[str, str]:
    """The ediary_refresh cookie the answer sets: its value and attributes (lower-case names)."""
    header = response.headers.get("Set-Cookie") or response.headers.get("set-cookie")
    assert header, response.headers
    name_value, *attributes = [part.strip() for part in header.split(";")]
    name, _, value = name_value.partition("=")
    assert name == "ediary_refresh"
    parsed = {"value": value}
    for attribute in attributes:
        key, _, setting = attribute.partition("=")
        parsed[key.lower()] = setting or "yes"
    return parsed


def _web_login(client: Any, email: str) -> Any:
    answer = post(client, "/auth/login", {"email": email, "password": PASSWORD}, **WEB)
    assert answer.status_code == 200, answer.body
    return answer


def test_a_browser_sign_in_sets_the_cookie_and_keeps_the_token_out_of_the_body(client, pump):
    # Given a verified account, when the cabinet signs in with its header
    answer = _web_login(client, verified_account(client, pump))
    # then the refresh token is a cookie no script can read, sent back only to the sign-in routes
    cookie = _cookie(answer)
    assert {k: cookie.get(k) for k in ("path", "httponly", "secure", "samesite", "max-age")} == {
        "path": "/api/auth", "httponly": "yes", "secure": "yes", "samesite": "Strict", "max-age": str(30 * 24 * 3600)}
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}", cookie["value"])
    # and the body holds the access token alone, which works
    assert set(answer.json_body) == {"access_token", "token_type", "expires_in"}
    assert cookie["value"] not in answer.body.decode()
    assert get(client, "/me", answer.json_body["access_token"]).status_code == 200


def test_refresh_by_cookie_rotates_it_and_a_replayed_cookie_ends_the_login(client, pump):
    first = _cookie(_web_login(client, verified_account(client, pump)))["value"]
    # When the cabinet refreshes with {} and its cookie, the cookie is replaced and a token comes back
    second = post(client, "/auth/refresh", {}, Cookie=f"theme=dark; ediary_refresh={first}", **WEB)
    assert second.status_code == 200, second.body
    assert set(second.json_body) == {"access_token", "token_type", "expires_in"}
    rotated = _cookie(second)["value"]
    assert rotated != first
    assert get(client, "/me", second.json_body["access_token"]).status_code == 200
    # A stolen old cookie played back is refused and ends the whole login, and the browser forgets it
    replay = post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={first}", **WEB)
    assert replay.status_code == 401 and replay.json_body["error"]["code"] == "refresh_token_reused"
    assert _cookie(replay)["max-age"] == "0"
    after = post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={rotated}", **WEB)
    assert after.status_code == 401 and after.json_body["error"]["code"] == "refresh_token_invalid"


def test_without_the_header_the_cookie_is_ignored(client, pump):
    cookie = _cookie(_web_login(client, verified_account(client, pump)))["value"]
    # A cross-site form can send the cookie but not the header: its refresh finds no token at all
    bare = post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={cookie}")
    assert bare.status_code == 422 and bare.json_body["error"]["field"] == "refresh_token"
    assert "Set-Cookie" not in bare.headers and "set-cookie" not in bare.headers
    other_value = post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={cookie}", X_Ediary_Client="mobile")
    assert other_value.status_code == 422
    # nor can it end the login: the cookie still refreshes from the cabinet
    assert post(client, "/auth/logout", {}, Cookie=f"ediary_refresh={cookie}").status_code == 422
    assert post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={cookie}", **WEB).status_code == 200


def test_api_clients_keep_the_token_pair_in_the_body(client, pump):
    tokens = login(client, verified_account(client, pump))
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token"}
    renewed = post(client, "/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200 and "refresh_token" in renewed.json_body
    assert "Set-Cookie" not in renewed.headers and "set-cookie" not in renewed.headers


def test_a_cabinet_refresh_without_a_cookie_is_refused(client):
    answer = post(client, "/auth/refresh", {}, **WEB)
    assert answer.status_code == 401 and answer.json_body["error"]["code"] == "refresh_token_invalid"


def test_sign_out_ends_the_login_and_clears_the_cookie(client, pump):
    cookie = _cookie(_web_login(client, verified_account(client, pump)))["value"]
    out = post(client, "/auth/logout", {}, Cookie=f"ediary_refresh={cookie}", **WEB)
    assert out.status_code == 204
    cleared = _cookie(out)
    assert cleared["value"] == "" and cleared["max-age"] == "0" and cleared["path"] == "/api/auth"
    assert post(client, "/auth/refresh", {}, Cookie=f"ediary_refresh={cookie}", **WEB).status_code == 401
    # Signing out with no cookie left (a second tab) still answers, and clears
    assert post(client, "/auth/logout", {}, **WEB).status_code == 204


def test_the_openapi_document_names_both_answers(client):
    document = client.http.get("/openapi.json").json_body
    schemas = document["components"]["schemas"]
    assert "refresh_token" not in schemas["WebTokens"]["properties"]
    login_answer = document["paths"]["/auth/login"]["post"]["responses"]["200"]["content"]["application/json"]
    assert login_answer["schema"] == {"$ref": "#/components/schemas/SignInAnswer"}
    refs = {option["$ref"] for option in schemas["SignInAnswer"]["anyOf"]}
    assert refs == {"#/components/schemas/TokenPair", "#/components/schemas/WebTokens"}
