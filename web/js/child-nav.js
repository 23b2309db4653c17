// What a child's menu offers: a parent everything; an invited viewer only the parts in the scope
// the parent gave (the API refuses the rest anyway; the menu does not offer it).

import { h } from "./dom.js";
import { tr } from "./i18n.js";
import { href } from "./router.js";

const TEXT = {
  ru: { week: "Неделя", grades: "Оценки", attendance: "Посещаемость", homework: "Домашние задания",
    attestation: "Аттестация", events: "События и собрания", statistics: "Статистика",
    write: "Написать учителю", access: "Доступ", alerts: "Уведомления", menu: "Разделы: {name}" },
  en: { week: "Week", grades: "Grades", attendance: "Attendance", homework: "Homework",
    attestation: "Attestation", events: "Events and meetings", statistics: "Statistics",
    write: "Write to a teacher", access: "Access", alerts: "Alerts", menu: "Sections: {name}" },
};

// Each section of a child and the part of the scope it needs (null: parents only; "any": everyone linked).
export const SECTIONS = [
  ["week", ["schedule"]],
  ["grades", ["grades"]],
  ["attendance", ["attendance"]],
  ["homework", ["homework"]],
  ["attestation", ["grades"]],
  ["events", ["events", "meetings"]],
  ["statistics", ["statistics"]],
  ["write", null],
  ["access", null],
  ["alerts", "any"],
];

/** Whether the child's link (from GET /children: role, scope) opens a section. */
export function offers(child, section) {
  const entry = SECTIONS.find(([name]) => name === section);
  if (!entry) return false;
  const needs = entry[1];
  if (child.role === "parent") return true;
  if (needs === null) return false;
  if (needs === "any") return true;
  return needs.some((part) => child.scope.includes(part));
}

/** The child's section menu; `active` is the section shown now. */
export function childNav(child, active) {
  const name = `${child.first_name} ${child.last_name}`;
  return h("nav", { class: "child-nav", "aria-label": tr(TEXT, "menu", { name }) },
    h("ul", {}, SECTIONS.filter(([section]) => offers(child, section)).map(([section]) =>
      h("li", {}, h("a", {
        href: href(`/children/${child.student_id}/${section}`),
        "aria-current": section === active ? "page" : false,
      }, tr(TEXT, section))))));
}

export function sectionTitle(section) {
  return tr(TEXT, section);
}
