// The child's attestation results: per term (and the final one) each subject's result.

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { childPage, load } from "../ui.js";

const TEXT = {
  ru: { none: "Результатов аттестации пока нет.", subject: "Предмет", result: "Итог", final: "Итоговая",
    pass: "зачтено", fail: "не зачтено" },
  en: { none: "No attestation results yet.", subject: "Subject", result: "Result", final: "Final",
    pass: "pass", fail: "fail" },
};

export async function render(main, { params }) {
  const child = await childPage(main, params.studentId, "attestation");
  if (!child) return;
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/attestation`), (data) => show(box, data));
}

function show(box, data) {
  if (!data.results.length) {
    box.append(h("p", {}, tr(TEXT, "none")));
    return;
  }
  const byPeriod = new Map();
  for (const result of data.results) {
    if (!byPeriod.has(result.period)) byPeriod.set(result.period, []);
    byPeriod.get(result.period).push(result);
  }
  for (const [period, results] of byPeriod) {
    const title = period === "final" ? tr(TEXT, "final") : results[0].period_name;
    box.append(h("h2", {}, title), h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, title),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, tr(TEXT, "subject")), h("th", { scope: "col" }, tr(TEXT, "result")))),
      h("tbody", {}, results.map((r) => h("tr", {}, h("th", { scope: "row" }, r.subject_name),
        h("td", {}, r.result === "pass" || r.result === "fail" ? tr(TEXT, r.result) : r.result)))))));
  }
}
