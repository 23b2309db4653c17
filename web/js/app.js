// The cabinet's shell: the header (sign-in state, language switch, main menu), the routes, and
// restoring a sign-in from the refresh cookie when the page is opened again.

import { api, onSignedOut, refresh, signOut, signedIn } from "./api.js";
import { h, replace } from "./dom.js";
import { language, setLanguage, tr } from "./i18n.js";
import { current, fallback, go, href, route } from "./router.js";

const TEXT = {
  ru: { skip: "Перейти к содержанию", brand: "Электронный дневник", menu: "Главное меню",
    children: "Мои дети", applications: "Заявления", messages: "Сообщения", account: "Профиль",
    signout: "Выйти", signin: "Войти", register: "Регистрация", switch: "English",
    switchLabel: "Switch to English", notFound: "Страница не найдена", home: "На главную" },
  en: { skip: "Skip to content", brand: "School e-diary", menu: "Main menu",
    children: "My children", applications: "Applications", messages: "Messages", account: "Profile",
    signout: "Sign out", signin: "Sign in", register: "Register", switch: "Русский",
    switchLabel: "Переключить на русский", notFound: "Page not found", home: "Home" },
};

// Every page: one module, loaded on first visit. `auth`: only for a signed-in account.
route("/", () => import("./pages/children.js"), { auth: true });
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
    ? [["/children", "children"], ["/applications", "applications"], ["/messages", "messages"], ["/account", "account"]]
    : [["/signin", "signin"], ["/register", "register"]];
  const here = current().path;
  const items = links.map(([path, key]) => h("li", {}, h("a", {
    href: href(path), "aria-current": here === path ? "page" : false }, tr(TEXT, key))));
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
  go(next && next.startsWith("/") ? next.split("?")[0] : "/children",
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
