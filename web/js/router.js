// Hash routes (#/children/<id>/week?week=2026-09-07): a static bucket needs no rewrite rules, and
// every page has an address to link to from an email. Page modules load on first visit.

const routes = [];
let notFound = null;

/** route("/children/:id/week", () => import("./pages/week.js"), {auth: true}) */
export function route(pattern, load, options = {}) {
  const names = [];
  const regex = new RegExp("^" + pattern.replace(/:(\w+)/g, (_, name) => { names.push(name); return "([^/]+)"; }) + "$");
  routes.push({ pattern, regex, names, load, ...options });
}

export function fallback(load) {
  notFound = load;
}

/** The current location: {path, params, query}. */
export function current() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = hash.split("?");
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const r of routes) {
    const match = r.regex.exec(path);
    if (match) {
      const params = Object.fromEntries(r.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return { route: r, path, params, query };
    }
  }
  return { route: notFound ? { load: notFound } : null, path, params: {}, query };
}

/** href("/children/" + id + "/week", {week}) → "#/children/…/week?week=…" */
export function href(path, query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
  return "#" + path + (search ? "?" + search : "");
}

export function go(path, query) {
  location.hash = href(path, query).slice(1);
}
