// The child's homework by due date: still to do (soonest first) or already due (latest first).

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { childPage, load, shortDay } from "../ui.js";

const TEXT = {
  ru: { which: "Какие задания", upcoming: "Предстоящие", past: "Прошедшие", due: "К {day}", noDue: "Без срока",
    set: "задано {day}", none: "Заданий нет." },
  en: { which: "Which homework", upcoming: "Upcoming", past: "Past", due: "Due {day}", noDue: "No due date",
    set: "set on {day}", none: "No homework." },
};

export async function render(main, { params, query }) {
  const child = await childPage(main, params.studentId, "homework");
  if (!child) return;
  const when = query.when === "past" ? "past" : "upcoming";
  const path = `/children/${child.student_id}/homework`;
  main.append(h("nav", { class: "week-nav", "aria-label": tr(TEXT, "which") }, h("ul", {},
    ["upcoming", "past"].map((w) => h("li", {}, h("a", {
      href: href(path, w === "past" ? { when: w } : {}), "aria-current": w === when ? "page" : false }, tr(TEXT, w)))))));
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/homework`, { when }), (data) => show(box, data));
}

function show(box, data) {
  if (!data.items.length) {
    box.append(h("p", {}, tr(TEXT, "none")));
    return;
  }
  // One heading per due date, the tasks of that day under it.
  const byDay = new Map();
  for (const item of data.items) {
    const key = item.due_date || "";
    if (!byDay.has(key)) byDay.set(key, []);
    byDay.get(key).push(item);
  }
  for (const [day, items] of byDay) {
    box.append(h("h2", {}, day ? tr(TEXT, "due", { day: formatDay(day) }) : tr(TEXT, "noDue")),
      h("ul", { class: "homework-list" }, items.map((item) => h("li", {},
        h("strong", {}, item.subject_name || "—"), ": ", h("span", { class: "homework-text" }, item.text),
        item.set_on ? h("span", { class: "muted" }, " (", tr(TEXT, "set", { day: shortDay(item.set_on) }), ")") : null))));
  }
}
