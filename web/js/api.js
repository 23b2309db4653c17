// The one client of the JSON API. Same origin: every call goes to /api/… (CloudFront forwards it
// to API Gateway; `make run` to chalice local). The access token lives in this module's memory
// only; the refresh token is an HttpOnly cookie the browser sends to /api/auth/* alone, so no
// script can read either from storage. See docs/web.md "Browser sign-in and the security model".

import { language } from "./i18n.js";

const BASE = "/api";
// A header a cross-site form cannot send: the API honours the refresh cookie only with it.
const CLIENT_HEADER = { "X-Ediary-Client": "web" };
const TIMEOUT_MS = 15000;

let accessToken = null;
let refreshing = null; // one refresh at a time, shared by every request that found the token stale
const signedOutListeners = [];

/** What the API refused, or a network failure (status 0), with the envelope's fields. */
export class ApiError extends Error {
  constructor(status, { code = "network", message = "", field = null, details = null, current } = {}, retryAfter = null) {
    super(message || code);
    this.current = current; // a stale edit (409): the record as it is now (null: deleted)
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export function onSignedOut(listener) {
  signedOutListeners.push(listener);
}

export function signedIn() {
  return accessToken !== null;
}

async function send(method, path, { body, query, auth = true } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  const headers = { Accept: "application/json", "Accept-Language": language(), ...CLIENT_HEADER };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", signal: controller.signal,
    });
  } catch {
    throw new ApiError(0, { code: controller.signal.aborted ? "timeout" : "network" });
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const envelope = data && data.error ? data.error : { code: "http_" + response.status };
    throw new ApiError(response.status, envelope, response.headers.get("Retry-After"));
  }
  return data;
}

async function request(method, path, options = {}) {
  try {
    return await send(method, path, options);
  } catch (error) {
    // A stale access token (15 minutes): refresh once from the cookie, then try again.
    if (error instanceof ApiError && error.status === 401 && options.auth !== false && accessToken) {
      if (await refresh()) return send(method, path, options);
      signOutLocally();
    }
    throw error;
  }
}

/** Trades the refresh cookie for a new access token; false when there is no live sign-in. */
export async function refresh() {
  if (!refreshing) {
    refreshing = send("POST", "/auth/refresh", { body: {}, auth: false })
      .then((tokens) => { accessToken = tokens.access_token; return true; })
      .catch(() => { accessToken = null; return false; })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function signIn(email, password) {
  const tokens = await send("POST", "/auth/login", { body: { email, password }, auth: false });
  accessToken = tokens.access_token;
}

export async function signOut() {
  try {
    await send("POST", "/auth/logout", { body: {}, auth: false });
  } finally {
    signOutLocally();
  }
}

function signOutLocally() {
  accessToken = null;
  for (const listener of signedOutListeners) listener();
}

export const api = {
  get: (path, query) => request("GET", path, { query }),
  post: (path, body = {}, query) => request("POST", path, { body, query }),
  put: (path, body = {}) => request("PUT", path, { body }),
  patch: (path, body = {}) => request("PATCH", path, { body }),
  delete: (path) => request("DELETE", path),
  /** For the routes anyone may call (register, verify, reset): no token. */
  public: (method, path, body) => send(method, path, { body, auth: false }),
};
