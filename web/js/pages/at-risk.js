// A class's progress in one subject and term: each student's average and absences, the ones at
// risk first with their reasons in words (GET …/classes/{c}/journal: chalicelib/domain/gradebook.py).

import { api } from "../api.js";
import { h } from "../dom.js";
import { language, plural, tr } from "../i18n.js";
import { go } from "../router.js";
import { classPage } from "../staff.js";
import { field, load } from "../ui.js";

const TEXT = {
  ru: { subject: "Предмет", term: "Четверть", show: "Показать", choose: "Выберите предмет",
    held: "Уроков проведено: {n}.", classAvg: "Средний балл класса: {avg}.", atRisk: "В зоне риска: {n}.",
    nobody: "Сейчас никто не в зоне риска.", noStudents: "В классе пока нет учеников.",
    caption: "Ученики: сначала те, кто в зоне риска", student: "Ученик", avg: "Средний балл",
    grade: "Прогноз", absent: "Пропуски", status: "Почему", risk: "В зоне риска", ok: "Всё в порядке",
    low: "средний балл {avg} — ниже 3,0", away: "пропущено {n} из {held} ({share} %) — 30 % и больше",
    lessons: ["урока", "уроков", "уроков"], of: "{n} из {held}", none: "—" },
  en: { subject: "Subject", term: "Term", show: "Show", choose: "Choose a subject",
    held: "Lessons held: {n}.", classAvg: "Class average: {avg}.", atRisk: "At risk: {n}.",
    nobody: "Nobody is at risk now.", noStudents: "The class has no students yet.",
    caption: "Students: those at risk first", student: "Student", avg: "Average",
    grade: "Expected grade", absent: "Absences", status: "Reason", risk: "At risk", ok: "On track",
    low: "average {avg} — below 3.0", away: "missed {n} of {held} ({share}%) — 30% or more",
    lessons: ["lesson", "lessons"], of: "{n} of {held}", none: "—" },
};

const number = (x) => new Intl.NumberFormat(language() === "en" ? "en-GB" : "ru-RU",
  { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

export async function render(main, { params, query }) {
  await classPage(main, params, "risk", query, ({ klass, school }, box) => {
    const subjects = klass ? klass.subjects : [];
    const subjectId = query.subject || (subjects.length === 1 ? subjects[0].subject_id : "");
    const subject = field({ name: "subject", label: tr(TEXT, "subject"), kind: "select",
      options: [["", tr(TEXT, "choose")], ...subjects.map((s) => [s.subject_id, s.name])] });
    subject.control.value = subjectId;
    const term = field({ name: "term", label: tr(TEXT, "term"), kind: "select" });
    term.hidden = true;
    const choose = h("form", { class: "term-selector", hidden: !subjects.length }, subject, term,
      h("button", { type: "submit", class: "secondary" }, tr(TEXT, "show")));
    choose.addEventListener("submit", (event) => {
      event.preventDefault();
      go(`/teach/${params.schoolId}/classes/${params.classId}/risk`,
        { subject: subject.control.value, term: term.hidden ? "" : term.control.value });
    });
    const body = h("div");
    box.append(choose, body);
    if (!subjectId) { body.append(h("p", {}, tr(TEXT, "choose"))); return; }
    const base = `/schools/${school.school_id}`;
    load(body, async () => {
      const terms = await api.get(`${base}/terms`);
      const termId = query.term || lastBegun(terms.items);
      return [await api.get(`${base}/classes/${params.classId}/journal`, { subject_id: subjectId, term_id: termId }),
        terms];
    }, ([data, terms]) => {
      term.control.replaceChildren(...terms.items.map((t) => h("option", { value: t.term_id }, t.name)));
      term.control.value = data.term.term_id;
      term.hidden = false;
      show(body, data);
    });
  });
}

/** None (the API takes the term today falls in) unless today is in none (a holiday): the last begun. */
function lastBegun(terms) {
  const today = new Date().toISOString().slice(0, 10);
  if (terms.some((t) => t.starts_on <= today && today <= t.ends_on)) return undefined;
  return terms.filter((t) => t.starts_on <= today).pop()?.term_id;
}

function reasons(s, held) {
  return s.risk_reasons.map((r) => r === "low_average"
    ? tr(TEXT, "low", { avg: number(s.average) })
    : tr(TEXT, "away", { n: s.absent, held: `${held} ${plural(held, TEXT[language()].lessons)}`,
      share: Math.round(s.absence_share * 100) }));
}

function show(box, data) {
  const risky = data.students.filter((s) => s.at_risk);
  box.append(h("p", { role: "status" }, tr(TEXT, "held", { n: data.lessons_held }), " ",
    data.class_average !== null ? tr(TEXT, "classAvg", { avg: number(data.class_average) }) : null, " ",
    risky.length ? tr(TEXT, "atRisk", { n: risky.length }) : tr(TEXT, "nobody")));
  if (!data.students.length) { box.append(h("p", {}, tr(TEXT, "noStudents"))); return; }
  const name = (s) => `${s.last_name} ${s.first_name}`;
  const rows = [...risky, ...data.students.filter((s) => !s.at_risk)];
  box.append(h("div", { class: "table-wrap" }, h("table", { class: "risk-table" },
    h("caption", {}, `${tr(TEXT, "caption")} — ${data.term.name}`),
    h("thead", {}, h("tr", {}, ["student", "avg", "grade", "absent", "status"].map((k) =>
      h("th", { scope: "col" }, tr(TEXT, k))))),
    h("tbody", {}, rows.map((s) => h("tr", { class: s.at_risk ? "at-risk" : null },
      h("th", { scope: "row" }, name(s)),
      h("td", {}, s.average !== null ? number(s.average) : tr(TEXT, "none")),
      h("td", {}, s.projected_grade ?? tr(TEXT, "none")),
      h("td", {}, tr(TEXT, "of", { n: s.absent, held: data.lessons_held })),
      h("td", {}, s.at_risk
        ? [h("strong", { class: "risk-flag" }, tr(TEXT, "risk")), h("ul", {}, reasons(s, data.lessons_held).map((r) => h("li", {}, r)))]
        : h("span", { class: "muted" }, tr(TEXT, "ok")))))))));
}
