// One upload (docs/staff.md «Uploads»): its progress, polled with a growing pause until it ends (and
// never for ever), then its row-level report, what it noticed about the classes, and the report as CSV.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { href } from "../router.js";
import { schoolFrame } from "../staff.js";
import { errorText, field, paged } from "../ui.js";
import { TEXT as LIST } from "./uploads.js";

const TEXT = {
  ru: {
    title: "Загрузка", back: "Все загрузки", progress: "Ход обработки",
    counts: "Обработано {n} из {total} строк: принято {done}, отклонено {rejected}, с замечаниями {warned}.",
    waiting: "Ждём файл…", state: "Состояние: {s}.", slow: "Обработка идёт дольше обычного. Проверьте позже.",
    again: "Проверить снова", report: "Отчёт по строкам", caption: "Отклонённые строки и строки с замечаниями",
    severity: "Какие записи", all: "все записи", rejected: "отклонённые", warning: "с замечаниями", show: "Показать",
    file: "Файл", line: "Строка", column: "Столбец", value: "Значение", reason: "Причина",
    clean: "Все строки приняты без замечаний.", notices: "Обратите внимание", csvRejected: "Скачать отклонённые строки (CSV)",
    csvAll: "Скачать весь отчёт (CSV)", failed: "Загрузка не удалась: ничего не записано.",
  },
  en: {
    title: "Upload", back: "All uploads", progress: "Progress",
    counts: "{n} of {total} rows processed: {done} accepted, {rejected} rejected, {warned} with warnings.",
    waiting: "Waiting for the file…", state: "State: {s}.", slow: "Processing is taking longer than usual. Check again later.",
    again: "Check again", report: "Row report", caption: "Rejected rows and rows with warnings",
    severity: "Which entries", all: "every entry", rejected: "rejected", warning: "with warnings", show: "Show",
    file: "File", line: "Line", column: "Column", value: "Value", reason: "Reason",
    clean: "Every row was accepted without warnings.", notices: "Please note", csvRejected: "Download the rejected rows (CSV)",
    csvAll: "Download the whole report (CSV)", failed: "The upload failed: nothing was written.",
  },
};

const ENDED = ["done", "failed", "expired"];
const FIRST_PAUSE_MS = 1000, LONGEST_PAUSE_MS = 10000, GIVE_UP_MS = 20 * 60 * 1000; // a file may come 20 min late

export function render(main, { params }) {
  const { schoolId, uploadId } = params;
  const base = `/schools/${schoolId}/uploads/${uploadId}`;
  return schoolFrame(main, schoolId, "uploads", tr(TEXT, "title"), (school, box) => {
    const bar = h("progress", { "aria-label": tr(TEXT, "progress"), max: 1 });
    const status = h("p", { role: "status", "aria-live": "polite" });
    const problem = h("div");
    const rest = h("div");
    const title = h("h2", {}, tr(TEXT, "title"));
    box.append(h("p", {}, h("a", { href: href(`/school/${schoolId}/uploads`) }, tr(TEXT, "back"))),
      title, h("div", { class: "upload-progress" }, bar, status), problem, rest);

    const show = (u) => {
      title.textContent = `${u.filename}${u.created_at ? " — " + formatDateTime(u.created_at) : ""}`;
      const n = u.rows_done + u.rows_rejected;
      if (u.rows_total) { bar.max = u.rows_total; bar.value = n; } else if (ENDED.includes(u.state)) { bar.value = bar.max = 1; } else bar.removeAttribute("value");
      const text = u.state === "awaiting_file" ? tr(TEXT, "waiting")
        : [tr(TEXT, "state", { s: tr(LIST, u.state) }), u.rows_total ? tr(TEXT, "counts", { n, total: u.rows_total, done: u.rows_done, rejected: u.rows_rejected, warned: u.rows_warned }) : ""].join(" ");
      if (status.textContent !== text) status.textContent = text;
    };

    const started = Date.now();
    let pause = FIRST_PAUSE_MS;
    const poll = async () => {
      if (!box.isConnected) return; // the reader went elsewhere
      replace(problem);
      let u;
      try {
        u = await api.get(base, { limit: 1 });
      } catch (error) {
        u = null;
        problem.append(h("p", { class: "form-error", role: "alert" }, errorText(error)));
        if (error.status >= 400 && error.status < 500 && error.status !== 429) return; // no such upload here: asking again will not help
      }
      if (u) show(u);
      if (u && ENDED.includes(u.state)) { finished(u); return; }
      if (Date.now() - started > GIVE_UP_MS) {
        problem.append(h("div", { class: "load-error", role: "alert" }, h("p", {}, tr(TEXT, "slow")),
          h("button", { type: "button", onclick: () => { pause = FIRST_PAUSE_MS; poll(); } }, tr(TEXT, "again"))));
        return;
      }
      setTimeout(poll, pause);
      pause = Math.min(pause * 1.5, LONGEST_PAUSE_MS);
    };

    const finished = (u) => {
      replace(rest);
      if (u.state !== "done") {
        rest.append(h("div", { class: "load-error", role: "alert" }, h("p", {}, tr(TEXT, "failed")), u.reason_message && h("p", {}, u.reason_message)));
      }
      if (u.notices && u.notices.length) {
        rest.append(h("h2", {}, tr(TEXT, "notices")), h("ul", { class: "upload-notices" }, u.notices.map((x) => h("li", {}, x.message))));
      }
      if (u.state !== "done") return;
      rest.append(h("h2", {}, tr(TEXT, "report")));
      if (!u.errors_listed) { rest.append(h("p", {}, tr(TEXT, "clean"))); return; }
      const downloads = h("p", { class: "actions" },
        ["rejected", ""].map((severity) => h("button", { type: "button", class: "secondary", onclick: () => download(base, uploadId, severity, downloads) },
          tr(TEXT, severity ? "csvRejected" : "csvAll"))));
      const choice = field({ name: "severity", label: tr(TEXT, "severity"), kind: "select",
        options: [["", tr(TEXT, "all")], ["rejected", tr(TEXT, "rejected")], ["warning", tr(TEXT, "warning")]] });
      const filter = h("form", { class: "term-selector" }, choice, h("button", { type: "submit", class: "secondary" }, tr(TEXT, "show")));
      const list = h("div");
      filter.addEventListener("submit", (event) => { event.preventDefault(); report(list, base, choice.control.value); });
      rest.append(downloads, filter, list);
      report(list, base, "");
    };
    poll();
  });
}

function report(list, base, severity) {
  const body = h("tbody");
  const table = h("div", { class: "table-wrap" }, h("table", { class: "upload-report" }, h("caption", {}, tr(TEXT, "caption")),
    h("thead", {}, h("tr", {}, ["file", "line", "column", "value", "reason"].map((k) => h("th", { scope: "col" }, tr(TEXT, k))))), body));
  return paged(list, table, (cursor) => api.get(base, { limit: 50, cursor, severity }).then((u) => ({ items: u.errors, next_cursor: u.next_cursor })),
    (items) => body.append(...items.map((e) => h("tr", { class: e.severity },
      h("td", {}, e.file), h("th", { scope: "row" }, e.line), h("td", {}, e.column || "—"), h("td", {}, e.value || "—"),
      h("td", {}, e.message)))), () => h("p", {}, tr(TEXT, "clean")));
}

/** The report as CSV (the token is in memory, so no plain link): fetched, then offered as a file. */
async function download(base, uploadId, severity, where) {
  where.querySelector(".form-error")?.remove();
  try {
    const text = await api.get(`${base}/report.csv`, { severity });
    // the API's BOM (Excel reads Cyrillic by it) is lost in decoding: put it back
    const url = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
    const link = h("a", { href: url, download: `upload-${uploadId}-${severity || "report"}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    where.append(h("span", { class: "form-error", role: "alert" }, errorText(error)));
  }
}
