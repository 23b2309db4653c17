// The administrator's start page: the school's name (from /me) and what needs them now — pending
// applications and uploads under way — each linking to its section. Two API calls, side by side.

import { api } from "../api.js";
import { h } from "../dom.js";
import { language, plural, tr } from "../i18n.js";
import { href } from "../router.js";
import { schoolFrame } from "../staff.js";
import { load } from "../ui.js";

const TEXT = {
  ru: { title: "Обзор", now: "Что ждёт вас", apps: ["заявление ждёт решения", "заявления ждут решения", "заявлений ждут решения"],
    ups: ["загрузка в работе", "загрузки в работе", "загрузок в работе"],
    more: "Структура школы, ученики и ключи систем — в меню выше." },
  en: { title: "Overview", now: "Waiting for you", apps: ["application awaits a decision", "applications await a decision"],
    ups: ["upload under way", "uploads under way"],
    more: "The school's structure, students and system keys are in the menu above." },
};
const UNDER_WAY = new Set(["awaiting_file", "processing"]);

export function render(main, { params }) {
  const id = params.schoolId;
  return schoolFrame(main, id, "", tr(TEXT, "title"), (school, box) => load(box, () => Promise.all([
    api.get(`/schools/${id}/applications`, { state: "pending", limit: 100 }),
    api.get(`/schools/${id}/uploads`, { limit: 20 }),
  ]), ([apps, ups]) => {
    const busy = ups.items.filter((u) => UNDER_WAY.has(u.state)).length;
    const item = (n, more, forms, section) => h("li", { class: "card" }, h("a", { href: href(`/school/${id}/${section}`) },
      h("strong", { class: "count" }, `${n}${more ? "+" : ""}`), " ", plural(n, TEXT[language()][forms])));
    box.append(h("h2", {}, tr(TEXT, "now")), h("ul", { class: "cards" },
      item(apps.items.length, Boolean(apps.next_cursor), "apps", "applications"),
      item(busy, Boolean(ups.next_cursor) && busy === ups.items.length, "ups", "uploads")),
    h("p", { class: "muted" }, tr(TEXT, "more")));
  }));
}
