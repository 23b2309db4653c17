// The child's absences and late arrivals of a term, with totals overall and by subject.

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { childPage, load, shortDay, termSelector } from "../ui.js";
import { attendanceText } from "./week.js";

const TEXT = {
  ru: { totals: "Итого за четверть", absent: "Пропуски", late: "Опоздания", excused: "По уважительной причине",
    unexcused: "Без уважительной причины", bySubject: "По предметам", subject: "Предмет", list: "Все отметки",
    date: "Дата", mark: "Отметка", none: "В этой четверти пропусков и опозданий нет." },
  en: { totals: "Totals of the term", absent: "Absences", late: "Late arrivals", excused: "Excused",
    unexcused: "Not excused", bySubject: "By subject", subject: "Subject", list: "Every mark",
    date: "Date", mark: "Mark", none: "No absences or late arrivals in this term." },
};

const COUNTS = ["absent", "late", "excused", "unexcused"];

export async function render(main, { params, query }) {
  const child = await childPage(main, params.studentId, "attendance");
  if (!child) return;
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/attendance`, { term_id: query.term }),
    (data) => show(box, child.student_id, data));
}

function show(box, studentId, data) {
  box.append(termSelector(studentId, "attendance", data.term),
    h("h2", {}, tr(TEXT, "totals")),
    h("dl", { class: "totals" }, COUNTS.map((key) => [h("dt", {}, tr(TEXT, key)), h("dd", {}, String(data.totals[key]))])));
  if (!data.items.length) {
    box.append(h("p", {}, tr(TEXT, "none")));
    return;
  }
  box.append(h("h2", {}, tr(TEXT, "bySubject")), table(tr(TEXT, "bySubject"),
    [tr(TEXT, "subject"), ...COUNTS.map((key) => tr(TEXT, key))],
    data.by_subject.map((s) => [s.subject_name || "—", ...COUNTS.map((key) => String(s[key]))])));
  box.append(h("h2", {}, tr(TEXT, "list")), table(tr(TEXT, "list"), [tr(TEXT, "date"), tr(TEXT, "subject"), tr(TEXT, "mark")],
    data.items.map((m) => [shortDay(m.date), m.subject_name || "—", attendanceText(m)])));
}

/** A table with a caption and column headers; the first cell of each row heads the row. */
function table(caption, headers, rows) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows.map(([first, ...rest]) => h("tr", {}, h("th", { scope: "row" }, first),
      rest.map((text) => h("td", {}, text)))))));
}
