// The school's applications desk: the applications in one state (pending first), searched by the
// child's or the applicant's name, each opening its own page (desk-application.js).

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, formatDay, tr } from "../i18n.js";
import { go, href } from "../router.js";
import { schoolFrame } from "../staff.js";
import { field, paged } from "../ui.js";

export const TEXT = {
  ru: { title: "Заявления", states: "Заявления по состоянию", pending: "Новые", awaiting_choice: "Выбор ученика",
    awaiting_school_data: "Ждут данных школы", needs_attention: "Требуют внимания", approved: "Одобренные",
    completed: "Завершённые", rejected: "Отклонённые", withdrawn: "Отозванные",
    q: "Имя ребёнка или заявителя", find: "Найти", all: "Показать все",
    child: "Ребёнок", cls: "Класс", born: "Дата рождения", applicant: "Заявитель", relation: "Родство",
    filed: "Подано", note: "Отметка", checked: "проверен лично", unchecked: "ждёт личной проверки",
    stalled: "не обработано", caption: "{state}: по имени ребёнка", found: "{state}: найдено по «{q}»",
    none: "Заявлений в этом состоянии нет.", noneFound: "Никого не нашлось по «{q}».",
    mother: "мать", father: "отец", guardian: "опекун", other: "другое" },
  en: { title: "Applications", states: "Applications by state", pending: "New", awaiting_choice: "Choose the student",
    awaiting_school_data: "Awaiting school data", needs_attention: "Needs attention", approved: "Approved",
    completed: "Completed", rejected: "Rejected", withdrawn: "Withdrawn",
    q: "Child's or applicant's name", find: "Search", all: "Show all",
    child: "Child", cls: "Class", born: "Birth date", applicant: "Applicant", relation: "Relationship",
    filed: "Filed", note: "Note", checked: "checked in person", unchecked: "awaiting the in-person check",
    stalled: "not processed", caption: "{state}, by the child's name", found: "{state}: found by “{q}”",
    none: "No applications in this state.", noneFound: "No one found by “{q}”.",
    mother: "mother", father: "father", guardian: "guardian", other: "other" },
};

export const DESK_STATES = ["pending", "awaiting_choice", "awaiting_school_data", "needs_attention", "approved",
  "completed", "rejected", "withdrawn"];

/** "Соколов Иван Петрович" from last, first and middle names (any may be missing). */
export const fullName = (last, first, middle) => [last, first, middle].filter(Boolean).join(" ");

export function render(main, { params, query }) {
  const schoolId = params.schoolId;
  const state = DESK_STATES.includes(query.state) ? query.state : "pending";
  const q = (query.q || "").trim();
  return schoolFrame(main, schoolId, "applications", tr(TEXT, "title"), (school, box) => {
    const base = `/school/${schoolId}/applications`;
    const tabs = h("nav", { class: "desk-states", "aria-label": tr(TEXT, "states") }, h("ul", {},
      DESK_STATES.map((s) => h("li", {}, h("a", { href: href(base, { state: s, q }),
        "aria-current": s === state ? "page" : false }, tr(TEXT, s))))));
    const search = field({ name: "q", label: tr(TEXT, "q"), type: "search", value: q, autocomplete: "off" });
    const searchForm = h("form", { class: "desk-search", role: "search" }, search,
      h("button", { type: "submit" }, tr(TEXT, "find")),
      q ? h("a", { href: href(base, { state }) }, tr(TEXT, "all")) : null);
    searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      go(base, { state, q: search.control.value.trim() });
    });
    const list = h("div");
    box.append(tabs, searchForm, list);
    const tbody = h("tbody");
    const table = h("div", { class: "table-wrap" }, h("table", { class: "desk-table" },
      h("caption", {}, q ? tr(TEXT, "found", { state: tr(TEXT, state), q }) : tr(TEXT, "caption", { state: tr(TEXT, state) })),
      h("thead", {}, h("tr", {}, ["child", "cls", "born", "applicant", "relation", "filed", "note"]
        .map((key) => h("th", { scope: "col" }, tr(TEXT, key))))),
      tbody));
    paged(list, table, (cursor) => api.get(`/schools/${schoolId}/applications`, { state, q, limit: 50, cursor }),
      (items) => tbody.append(...items.map((item) => row(base, item))),
      () => h("p", {}, q ? tr(TEXT, "noneFound", { q }) : tr(TEXT, "none")));
  });
}

function row(base, item) {
  const who = item.applicant || {};
  const note = item.needs_attention ? tr(TEXT, "stalled")
    : item.state === "pending" ? tr(TEXT, item.checked_at ? "checked" : "unchecked") : "";
  return h("tr", {},
    h("th", { scope: "row" }, h("a", { href: href(`${base}/${item.application_id}`) },
      fullName(item.child_last_name, item.child_first_name, item.child_middle_name))),
    h("td", {}, item.class_name),
    h("td", {}, formatDay(item.child_birth_date, { day: "numeric", month: "short", year: "numeric" })),
    h("td", {}, who.name || "—", who.email ? h("br") : null, who.email ? h("span", { class: "muted" }, who.email) : null),
    h("td", {}, tr(TEXT, item.relation)),
    h("td", {}, item.filed_at ? formatDateTime(item.filed_at) : "—"),
    h("td", { class: item.needs_attention ? "desk-alert" : "" }, note));
}
