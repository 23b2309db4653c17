// Grades of a term by subject: every grade with its kind, weight and remark, the weighted average
// and the projected term grade. The term selector lists the terms this child's answers named (the
// current one, and those with attestation results): a family cannot list the school's terms.

import { api } from "../api.js";
import { h } from "../dom.js";
import { language, tr } from "../i18n.js";
import { childPage, load, rememberTerms, shortDay, termSelector } from "../ui.js";
import { gradeView } from "./week.js";

const TEXT = {
  ru: { none: "В этой четверти оценок пока нет.", average: "Средний балл: {n}", projected: "Прогноз за четверть: {n}",
    noAverage: "Средний балл: нет оценок", formula: "Средний балл взвешенный: сумма (оценка × вес) / сумма весов.",
    span: "С {from} по {to}" },
  en: { none: "No grades in this term yet.", average: "Average: {n}", projected: "Projected term grade: {n}",
    noAverage: "Average: no grades", formula: "The average is weighted: sum of (grade × weight) / sum of weights.",
    span: "From {from} to {to}" },
};

export function number(value) {
  return new Intl.NumberFormat(language() === "en" ? "en-GB" : "ru-RU", { maximumFractionDigits: 2 }).format(value);
}

export async function render(main, { params, query }) {
  const child = await childPage(main, params.studentId, "grades");
  if (!child) return;
  const box = h("div");
  main.append(box);
  const id = child.student_id;
  await load(box, () => Promise.all([
    api.get(`/children/${id}/grades`, { term_id: query.term }),
    // Only for the term selector: the terms that have results. Its failure leaves the current term alone.
    api.get(`/children/${id}/attestation`).catch(() => ({ results: [] })),
  ]), ([grades, attestation]) => {
    rememberTerms(id, attestation.results.filter((r) => r.period !== "final")
      .map((r) => ({ term_id: r.period, name: r.period_name })));
    show(box, id, grades);
  });
}

function show(box, studentId, data) {
  const term = data.term;
  box.append(termSelector(studentId, "grades", term),
    h("p", {}, tr(TEXT, "span", { from: shortDay(term.starts_on), to: shortDay(term.ends_on) })));
  if (!data.subjects.length) {
    box.append(h("p", {}, tr(TEXT, "none")));
    return;
  }
  for (const subject of data.subjects) {
    box.append(h("section", { class: "subject" },
      h("h2", {}, subject.subject_name || "—"),
      h("p", { class: "average" },
        subject.average === null ? tr(TEXT, "noAverage") : tr(TEXT, "average", { n: number(subject.average) }),
        subject.projected_grade ? [" · ", tr(TEXT, "projected", { n: subject.projected_grade })] : null),
      h("ul", { class: "grades" }, subject.grades.map((grade) => {
        const item = gradeView(grade);
        item.prepend(h("span", { class: "grade-date" }, shortDay(grade.date)), " ");
        return item;
      }))));
  }
  box.append(h("p", { class: "muted" }, tr(TEXT, "formula")));
}
