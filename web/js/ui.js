// The pieces every page is built from: headings, labelled fields with their error slots, forms
// that show the API's refusals next to the field they name, and loading with a retry.

import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";
import { language, tr } from "./i18n.js";
import * as family from "./family.js";
import { childNav, offers, sectionTitle } from "./child-nav.js";
import { href } from "./router.js";

const TEXT = {
  ru: {
    loading: "Загрузка…", retry: "Повторить", failed: "Не удалось загрузить.",
    network: "Нет связи с сервером. Проверьте интернет и повторите.",
    timeout: "Сервер долго не отвечает. Повторите чуть позже.",
    server: "Что-то пошло не так на сервере. Повторите чуть позже.",
    wait: "Слишком много попыток. Повторите через {s} с.",
    required: "Заполните это поле.", errors: "Исправьте отмеченные поля.",
    sending: "Отправка…", brand: "Электронный дневник",
  },
  en: {
    loading: "Loading…", retry: "Try again", failed: "Could not load.",
    network: "No connection to the server. Check the Internet and try again.",
    timeout: "The server is slow to answer. Try again a little later.",
    server: "Something went wrong on the server. Try again a little later.",
    wait: "Too many attempts. Try again in {s} s.",
    required: "Fill in this field.", errors: "Correct the marked fields.",
    sending: "Sending…", brand: "School e-diary",
  },
};

let fieldCounter = 0;

/** The document title: the page's heading, then the cabinet's name in the reader's language. */
export function retitle(text) {
  document.title = `${text} — ${tr(TEXT, "brand")}`;
}

/** Sets the page's <h1> and the document title, and moves focus to the heading for screen readers. */
export function heading(main, text) {
  retitle(text);
  const h1 = h("h1", { tabindex: "-1" }, text);
  main.append(h1);
  return h1;
}

/** The message for an API refusal in the reader's language (the envelope's message is already in it). */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return tr(TEXT, error.code === "timeout" ? "timeout" : "network");
    if (error.status === 429 && !error.message) return tr(TEXT, "wait", { s: error.retryAfter || 60 });
    if (error.status >= 500 && !error.message) return tr(TEXT, "server");
    return error.message || error.code;
  }
  return tr(TEXT, "server");
}

/**
 * A labelled input with an error slot: field({name: "email", label: "Email", type: "email", required: true}).
 * Returns the wrapper; the control is `wrapper.control`. `kind` may be "input", "select", "textarea".
 */
export function field({ name, label, kind = "input", hint, options = [], ...attrs }) {
  const id = `f-${name}-${++fieldCounter}`;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  let control;
  if (kind === "select") {
    control = h("select", { id, name, "aria-describedby": describedBy, ...attrs },
      options.map(([value, text]) => h("option", { value }, text)));
  } else if (kind === "textarea") {
    control = h("textarea", { id, name, "aria-describedby": describedBy, ...attrs });
  } else {
    control = h("input", { id, name, "aria-describedby": describedBy, type: "text", ...attrs });
  }
  const wrapper = h("div", { class: "field", "data-field": name },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errorId, hidden: true }));
  wrapper.control = control;
  return wrapper;
}

/** A checkbox with its label after it. */
export function checkbox({ name, label, value = "on", checked = false }) {
  const id = `f-${name}-${++fieldCounter}`;
  const control = h("input", { type: "checkbox", id, name, value, checked });
  const wrapper = h("div", { class: "check" }, control, h("label", { for: id }, label));
  wrapper.control = control;
  return wrapper;
}

/**
 * A form that calls `submit(values, form)`; while it runs the button is busy; a refusal shows
 * next to the field the envelope names (`field`, or each of `details`), else above the button.
 */
export function form({ fields, submitLabel, submit, extra = [] }) {
  const status = h("p", { class: "form-error", role: "alert", hidden: true });
  const button = h("button", { type: "submit" }, submitLabel);
  const node = h("form", { novalidate: true }, fields, status, h("div", { class: "actions" }, button, extra));
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(node);
    const values = Object.fromEntries(new FormData(node));
    const missing = fields.filter((f) => f.control && f.control.required && !String(values[f.control.name] || "").trim());
    if (missing.length) {
      for (const f of missing) markField(node, f.control.name, tr(TEXT, "required"));
      missing[0].control.focus();
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await submit(values, node);
    } catch (error) {
      showErrors(node, error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  node.status = status;
  return node;
}

function clearErrors(formNode) {
  for (const slot of formNode.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const control of formNode.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  formNode.status.hidden = true;
}

function markField(formNode, name, message) {
  const wrapper = formNode.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!wrapper) return false;
  const slot = wrapper.querySelector(".field-error");
  slot.textContent = message;
  slot.hidden = false;
  wrapper.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
  return true;
}

/** Puts an API refusal next to its field(s); what names no field of this form goes above the button. */
export function showErrors(formNode, error) {
  let placed = false;
  if (error instanceof ApiError) {
    const named = error.details && error.details.length ? error.details : [{ field: error.field, message: errorText(error) }];
    for (const detail of named) {
      if (detail.field && markField(formNode, detail.field.split(".").pop(), detail.message)) placed = true;
    }
  }
  formNode.status.textContent = placed ? tr(TEXT, "errors") : errorText(error);
  formNode.status.hidden = false;
  const firstInvalid = formNode.querySelector("[aria-invalid]");
  (firstInvalid || formNode.status).focus?.();
}

/**
 * Loads what a page (or a part of it) shows: a "Loading…" line, then `show(data)`; a failure says
 * so with a Retry button, never a blank page.
 */
export async function load(container, fetchData, show) {
  replace(container, h("p", { class: "loading", role: "status" }, tr(TEXT, "loading")));
  try {
    const data = await fetchData();
    replace(container);
    show(data);
  } catch (error) {
    const retry = h("button", { type: "button", onclick: () => load(container, fetchData, show) }, tr(TEXT, "retry"));
    replace(container, h("div", { class: "load-error", role: "alert" }, h("p", {}, errorText(error)), retry));
  }
}

/** A short notice at the top of the page (role=status), e.g. "Saved". */
export function notice(container, text) {
  const node = h("p", { class: "notice", role: "status" }, text);
  container.prepend(node);
  return node;
}

// --- a child's pages (week, grades, attendance, …: web-diary) ---------------------------------

const CHILD_TEXT = {
  ru: { missing: "Этого ребёнка нет среди ваших детей.", notOffered: "Этот раздел вам не открыт.",
    toChildren: "К списку детей", term: "Четверть", show: "Показать" },
  en: { missing: "This child is not among your children.", notOffered: "This section is not open to you.",
    toChildren: "Back to the children", term: "Term", show: "Show" },
};

/**
 * The start of every child page: <h1> "Пётр Иванов — Неделя" and the child's menu. Resolves to the
 * child (from the cached GET /children), or null after saying why the page shows nothing more.
 */
export async function childPage(main, studentId, section) {
  let found;
  try {
    found = await family.child(studentId);
  } catch (error) {
    heading(main, sectionTitle(section));
    const again = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
    main.append(h("div", { class: "load-error", role: "alert" }, h("p", {}, errorText(error)),
      h("button", { type: "button", onclick: again }, tr(TEXT, "retry"))));
    return null;
  }
  if (!found) {
    heading(main, sectionTitle(section));
    main.append(h("p", { role: "alert" }, tr(CHILD_TEXT, "missing")),
      h("p", {}, h("a", { href: href("/children") }, tr(CHILD_TEXT, "toChildren"))));
    return null;
  }
  heading(main, `${found.first_name} ${found.last_name} — ${sectionTitle(section)}`);
  main.append(childNav(found, section));
  if (!offers(found, section)) {
    main.append(h("p", { role: "alert" }, tr(CHILD_TEXT, "notOffered")));
    return null;
  }
  return found;
}

// Terms a family has seen per child (a family cannot list the school's terms: each answer names its own).
const seenTerms = new Map();

/** Remembers terms ({term_id, name}) shown for a child, for the term selector. */
export function rememberTerms(studentId, terms) {
  const known = seenTerms.get(studentId) || new Map();
  for (const term of terms) if (term && term.term_id) known.set(term.term_id, term.name);
  seenTerms.set(studentId, known);
}

/** A term selector (a small GET-like form: choosing does not navigate until "Show"). */
export function termSelector(studentId, section, currentTerm) {
  rememberTerms(studentId, [currentTerm]);
  const options = [...(seenTerms.get(studentId) || new Map())];
  if (options.length < 2) return h("p", {}, `${tr(CHILD_TEXT, "term")}: ${currentTerm.name}`);
  const select = field({ name: "term_id", label: tr(CHILD_TEXT, "term"), kind: "select", options });
  select.control.value = currentTerm.term_id;
  const node = h("form", { class: "term-selector" }, select,
    h("button", { type: "submit", class: "secondary" }, tr(CHILD_TEXT, "show")));
  node.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = href(`/children/${studentId}/${section}`, { term: select.control.value }).slice(1);
  });
  return node;
}

/** "08:30–09:15" from a lesson's or an event's times (either may be missing). */
export function timeSpan(start, end) {
  return [start, end].filter(Boolean).join("–");
}

/** A short date: "7 сент." / "7 Sept". */
export function shortDay(iso) {
  return new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "ru-RU",
    { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(iso.slice(0, 10) + "T00:00:00Z"));
}

// --- family pages (web-family): paged lists and a child's page frame --------------------------

const MORE = { ru: { more: "Показать ещё", none: "Нет доступа к этому ребёнку." },
  en: { more: "Show more", none: "You have no access to this child." } };

/**
 * A list read page by page (`next_cursor`): the first page with load()'s loading and retry, then
 * a "Show more" button that appends the next. `showItems(items, list)` appends each page's items.
 */
export function paged(container, list, fetchPage, showItems, empty) {
  const more = h("button", { type: "button", class: "secondary", hidden: true });
  more.textContent = tr(MORE, "more");
  let cursor = null;
  const status = h("p", { class: "form-error", role: "alert", hidden: true });
  const shown = (result) => {
    showItems(result.items, list);
    cursor = result.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    status.hidden = true;
    try { shown(await fetchPage(cursor)); } catch (error) { status.textContent = errorText(error); status.hidden = false; }
    more.disabled = false;
  });
  return load(container, () => fetchPage(null), (result) => {
    if (!result.items.length && !result.next_cursor && empty) { container.append(empty()); return; }
    container.append(list, status, more);
    shown(result);
  });
}

/**
 * A child's section: the heading, the child's menu, then `show(child, box)`; the child comes from
 * the shared list (family.js). An account that does not see the child is told so, politely.
 */
export function childFrame(main, studentId, section, title, show) {
  const h1 = heading(main, title);
  const box = h("div");
  main.append(box);
  return load(box, () => family.child(studentId), (child) => {
    if (!child) { box.append(h("p", { class: "load-error", role: "alert" }, tr(MORE, "none"))); return; }
    h1.textContent = `${title}: ${child.first_name} ${child.last_name}`;
    retitle(h1.textContent);
    const content = h("div");
    box.append(childNav(child, section), content);
    show(child, content);
  });
}
