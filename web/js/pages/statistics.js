// Statistics of a term per subject: the weekly average as a line chart (inline SVG drawn here, with
// a real table beside it for screen readers), the class standing in words, and the attendance rate.

import { api } from "../api.js";
import { h, svg } from "../dom.js";
import { tr } from "../i18n.js";
import { childPage, load, shortDay, termSelector } from "../ui.js";
import { number } from "./grades.js";

const TEXT = {
  ru: { chart: "Средний балл по неделям: {subject}", table: "Таблица", week: "Неделя с", average: "Средний балл",
    noGrade: "нет оценок", noGrades: "Оценок в этой четверти пока нет.", summary: "Средний балл: {avg} · Прогноз за четверть: {grade} · Оценок: {n}",
    attendance: "Посещаемость: {rate} % (уроков: {held}, пропусков: {absent}, опозданий: {late})",
    noLessons: "Посещаемость: уроков ещё не было.", standing: "Место в классе: {text}", none: "Статистики пока нет.",
    axisX: "Недели", axisY: "Балл" },
  en: { chart: "Average by week: {subject}", table: "Table", week: "Week of", average: "Average",
    noGrade: "no grades", noGrades: "No grades in this term yet.", summary: "Average: {avg} · Projected term grade: {grade} · Grades: {n}",
    attendance: "Attendance: {rate} % (lessons: {held}, absences: {absent}, late: {late})",
    noLessons: "Attendance: no lessons held yet.", standing: "Standing in the class: {text}", none: "No statistics yet.",
    axisX: "Weeks", axisY: "Grade" },
};

let chartCounter = 0;

export async function render(main, { params, query }) {
  const child = await childPage(main, params.studentId, "statistics");
  if (!child) return;
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/statistics`, { term_id: query.term }), (data) => {
    box.append(termSelector(child.student_id, "statistics", data.term));
    if (!data.subjects.length) box.append(h("p", {}, tr(TEXT, "none")));
    for (const subject of data.subjects) box.append(subjectView(subject));
  });
}

function subjectView(s) {
  const a = s.attendance;
  return h("section", { class: "subject" }, h("h2", {}, s.subject_name || "—"),
    s.grades_count ? h("p", {}, tr(TEXT, "summary", { avg: s.average === null ? "—" : number(s.average),
      grade: s.projected_grade ?? "—", n: s.grades_count })) : h("p", {}, tr(TEXT, "noGrades")),
    s.grades_count ? chart(s) : null,
    s.grades_count ? table(s) : null,
    s.standing ? h("p", {}, tr(TEXT, "standing", { text: s.standing.summary })) : null,
    h("p", {}, a.rate === null ? tr(TEXT, "noLessons") : tr(TEXT, "attendance",
      { rate: number(a.rate), held: a.lessons_held, absent: a.absent, late: a.late })));
}

const W = 360, H = 190, LEFT = 34, RIGHT = 30, TOP = 24, BOTTOM = 40;

/** The weekly averages on a 1–5 scale; weeks without grades leave a gap in the points, not a zero. */
function chart(s) {
  const id = `chart-${++chartCounter}`;
  const weeks = s.weekly;
  const x = (i) => LEFT + (weeks.length > 1 ? (i * (W - LEFT - RIGHT)) / (weeks.length - 1) : (W - LEFT - RIGHT) / 2);
  const y = (v) => TOP + ((5 - v) * (H - TOP - BOTTOM)) / 4;
  const every = Math.max(1, Math.ceil(weeks.length / 5));
  const points = weeks.map((w, i) => [w, i]).filter(([w]) => w.average !== null);
  return svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": id, focusable: "false" },
    svg("title", { id }, tr(TEXT, "chart", { subject: s.subject_name })),
    [1, 2, 3, 4, 5].map((v) => [
      svg("line", { class: "chart-grid", x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }),
      svg("text", { class: "chart-label", x: LEFT - 8, y: y(v) + 4, "text-anchor": "end" }, String(v))]),
    weeks.map((w, i) => i % every === 0
      ? svg("text", { class: "chart-label", x: x(i), y: H - BOTTOM + 16, "text-anchor": "middle" }, shortDay(w.week)) : null),
    svg("text", { class: "chart-label", x: (W + LEFT) / 2, y: H - 6, "text-anchor": "middle" }, tr(TEXT, "axisX")),
    svg("text", { class: "chart-label", x: 4, y: 12 }, tr(TEXT, "axisY")),
    points.length > 1 ? svg("polyline", { class: "chart-line", points: points.map(([w, i]) => `${x(i)},${y(w.average)}`).join(" ") }) : null,
    points.map(([w, i]) => svg("circle", { class: "chart-point", cx: x(i), cy: y(w.average), r: 4 })));
}

function table(s) {
  return h("details", { class: "chart-table" }, h("summary", {}, tr(TEXT, "table")),
    h("div", { class: "table-wrap" }, h("table", {},
      h("caption", {}, tr(TEXT, "chart", { subject: s.subject_name })),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, tr(TEXT, "week")), h("th", { scope: "col" }, tr(TEXT, "average")))),
      h("tbody", {}, s.weekly.map((w) => h("tr", {}, h("th", { scope: "row" }, shortDay(w.week)),
        h("td", {}, w.average === null ? tr(TEXT, "noGrade") : number(w.average))))))));
}
