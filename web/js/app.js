// The cabinet's shell: the header (sign-in state, language switch, main menu), the routes, and
// restoring a sign-in from the refresh cookie when the page is opened again.

import { api, onSignedOut, refresh, signOut, signedIn } from "./api.js";
import { h, replace } from "./dom.js";
import { language, setLanguage, tr } from "./i18n.js";
import { current, fallback, go, href, route } from "./router.js";
import { homeOf, isOperator, schoolsAs } from "./roles.js";

const TEXT = {
  ru: { skip: "Перейти к содержанию", brand: "Электронный дневник", menu: "Главное меню",
    children: "Мои дети", applications: "Мои заявления", messages: "Сообщения", account: "Профиль",
    signout: "Выйти", signin: "Войти", register: "Регистрация", switch: "English",
    switchLabel: "Switch to English", notFound: "Страница не найдена", home: "На главную",
    teach: "Журнал", school: "Школа", operator: "Школы города" },
  en: { skip: "Skip to content", brand: "School e-diary", menu: "Main menu",
    children: "My children", applications: "My applications", messages: "Messages", account: "Profile",
    signout: "Sign out", signin: "Sign in", register: "Register", switch: "Русский",
    switchLabel: "Переключить на русский", notFound: "Page not found", home: "Home",
    teach: "Journal", school: "School", operator: "City schools" },
};

// Every page: one module, loaded on first visit. `auth`: only for a signed-in account.
route("/", () => import("./pages/home.js"), { auth: true });
route("/signin", () => import("./pages/signin.js"));
route("/register", () => import("./pages/register.js"));
route("/verify", () => import("./pages/verify.js"));
route("/reset", () => import("./pages/reset.js"));
route("/children", () => import("./pages/children.js"), { auth: true });
route("/applications", () => import("./pages/applications.js"), { auth: true });
route("/applications/new", () => import("./pages/application-new.js"), { auth: true });
route("/code", () => import("./pages/code.js"), { auth: true });
route("/account", () => import("./pages/account.js"), { auth: true });
route("/messages", () => import("./pages/messages.js"), { auth: true });
route("/messages/:threadId", () => import("./pages/thread.js"), { auth: true });
for (const section of ["week", "grades", "attendance", "homework", "attestation", "events", "statistics",
  "write", "access", "alerts"]) {
  route(`/children/:studentId/${section}`, () => import(`./pages/${section}.js`), { auth: true });
}
// The school's side (docs/staff.md): a teacher's classes and journal, an administrator's school
// (`/school/<id>/…`), the city operator's schools. One module per page, as for families.
const STAFF_PAGES = {
  "/teach": "teach", // «Мои классы»: what I teach, today's lessons first
  "/teach/:schoolId/classes/:classId/journal": "journal", // students × lessons (?subject=&term=)
  "/teach/:schoolId/classes/:classId/lessons/:lessonId": "lesson", // topic, homework
  "/teach/:schoolId/classes/:classId/risk": "at-risk", // averages, who is at risk (?subject=&term=)
  "/teach/:schoolId/classes/:classId/meetings": "class-meetings",
  "/teach/:schoolId/classes/:classId/message": "class-message",
  "/school/:schoolId": "school",
  "/school/:schoolId/applications": "desk",
  "/school/:schoolId/applications/:applicationId": "desk-application",
  "/school/:schoolId/uploads": "uploads",
  "/school/:schoolId/uploads/:uploadId": "upload",
  "/school/:schoolId/structure": "structure",
  "/school/:schoolId/students": "students",
  "/school/:schoolId/timetable": "timetable",
  "/school/:schoolId/events": "school-events",
  "/school/:schoolId/news": "news",
  "/school/:schoolId/credentials": "credentials",
  "/operator": "operator",
  "/operator/schools/:schoolId": "operator-school",
};
for (const [pattern, module] of Object.entries(STAFF_PAGES)) {
  route(pattern, () => import(`./pages/${module}.js`), { auth: true });
}
fallback(() => Promise.resolve({ render: renderNotFound }));

const shell = {
  header: document.getElementById("site-header"),
  main: document.getElementById("main"),
};

/** The account shown in the header (GET /me), kept for pages: `session.me`. */
export const session = { me: null };

function renderHeader() {
  const switchButton = h("button", {
    type: "button", class: "lang-switch", lang: language() === "ru" ? "en" : "ru",
    "aria-label": tr(TEXT, "switchLabel"),
    onclick: () => { setLanguage(language() === "ru" ? "en" : "ru"); render(); },
  }, tr(TEXT, "switch"));
  const links = signedIn()
    ? [...staffLinks(session.me), ["/children", "children"], ["/applications", "applications"],
      ["/messages", "messages"], ["/account", "account"]]
    : [["/signin", "signin"], ["/register", "register"]];
  const here = current().path;
  const items = links.map(([path, key]) => h("li", {}, h("a", {
    href: href(path), "aria-current": here === path || here.startsWith(path + "/") ? "page" : false },
  tr(TEXT, key))));
  if (signedIn()) {
    items.push(h("li", {}, h("button", { type: "button", class: "link", onclick: async () => {
      await signOut().catch(() => {});
      go("/signin");
    } }, tr(TEXT, "signout"))));
  }
  replace(shell.header,
    h("a", { class: "skip", href: "#main", onclick: (e) => { e.preventDefault(); shell.main.focus(); } }, tr(TEXT, "skip")),
    h("a", { class: "brand", href: href("/") }, tr(TEXT, "brand")),
    h("nav", { "aria-label": tr(TEXT, "menu") }, h("ul", {}, items)),
    switchButton);
}

/** The header's entries for the account's staff roles (docs/staff.md), before the family's own. */
function staffLinks(me) {
  const links = [];
  if (isOperator(me)) links.push(["/operator", "operator"]);
  const admin = schoolsAs(me, "admin");
  if (admin.length) links.push([`/school/${admin[0].school_id}`, "school"]);
  if (schoolsAs(me, "teacher").length) links.push(["/teach", "teach"]);
  return links;
}

function renderNotFound(main) {
  main.append(h("h1", { tabindex: "-1" }, tr(TEXT, "notFound")), h("p", {}, h("a", { href: href("/") }, tr(TEXT, "home"))));
}

let renderCount = 0;

/** Renders the page the address names; a page that needs a sign-in sends to it and back. */
export async function render() {
  const mine = ++renderCount;
  const where = current();
  if (where.route && where.route.auth && !signedIn()) {
    go("/signin", { next: location.hash.slice(1) });
    return;
  }
  renderHeader();
  const module = await where.route.load();
  if (mine !== renderCount) return; // the reader moved on while the module loaded
  const main = shell.main;
  main.replaceChildren();
  await module.render(main, { params: where.params, query: where.query });
  main.querySelector("h1")?.focus();
}

/** After sign-in: learn the account (its language wins) and go where the reader was heading. */
export async function afterSignIn(next) {
  session.me = await api.get("/me");
  if (session.me.language) setLanguage(session.me.language);
  go(next && next.startsWith("/") ? next.split("?")[0] : homeOf(session.me),
    next && next.includes("?") ? Object.fromEntries(new URLSearchParams(next.split("?")[1])) : undefined);
}

onSignedOut(() => { session.me = null; });
window.addEventListener("hashchange", render);

async function start() {
  setLanguage(language());
  // A page opened again (or reloaded): the refresh cookie, if any, signs the reader back in.
  if (await refresh()) {
    session.me = await api.get("/me").catch(() => null);
    if (session.me && session.me.language && !sessionStorage.getItem("ediary.language")) setLanguage(session.me.language);
  }
  await render();
}

start();
