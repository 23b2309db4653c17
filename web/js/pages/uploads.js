// An administrator's uploads (docs/staff.md «Uploads»): choose our CSV set or a OneRoster zip and
// send it, then follow it on its own page; below, the school's uploads, newest first.

import { api, ApiError } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { go, href } from "../router.js";
import { schoolFrame } from "../staff.js";
import { field, form, paged } from "../ui.js";

export const TEXT = {
  ru: {
    title: "Загрузки", send: "Отправить", file: "Файл",
    hint: "Один файл нашего набора (classes.csv, students.csv, grades.csv…), архив .zip с ними или выгрузка OneRoster (.zip); до 50 МБ.",
    choose: "Выберите файл.", putFailed: "Файл не дошёл до хранилища ({s}). Попробуйте ещё раз.",
    history: "История загрузок", when: "Когда", rows: "Строк принято", rejected: "Отклонено", warned: "С замечаниями",
    state: "Состояние", none: "Загрузок ещё не было.",
    awaiting_file: "ждёт файл", processing: "обрабатывается", done: "готово", failed: "не удалась", expired: "файл не пришёл",
  },
  en: {
    title: "Uploads", send: "Send", file: "File",
    hint: "One file of our set (classes.csv, students.csv, grades.csv…), a .zip of them or a OneRoster export (.zip); up to 50 MB.",
    choose: "Choose a file.", putFailed: "The file did not reach the storage ({s}). Try again.",
    history: "Upload history", when: "When", rows: "Rows accepted", rejected: "Rejected", warned: "With warnings",
    state: "State", none: "No uploads yet.",
    awaiting_file: "awaiting the file", processing: "processing", done: "done", failed: "failed", expired: "the file never arrived",
  },
};

/** Asks for an upload, PUTs the file on the cabinet's own origin (the API's `cabinet_path`, which the
 * cabinet forwards to the upload bucket: docs/staff.md), and resolves to the upload's id. */
export async function send(schoolId, file) {
  const ticket = await api.post(`/schools/${schoolId}/uploads`, { filename: file.name });
  let response;
  try {
    // no cookie, no token: the pre-signed query is the whole permission
    response = await fetch(ticket.cabinet_path, { method: "PUT", body: file, credentials: "omit" });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  if (!response.ok) throw new ApiError(response.status, { code: "put_failed", field: "filename", message: tr(TEXT, "putFailed", { s: response.status }) });
  return ticket.upload_id;
}

export function render(main, { params }) {
  const { schoolId } = params;
  return schoolFrame(main, schoolId, "uploads", tr(TEXT, "title"), (school, box) => {
    const input = field({ name: "filename", label: tr(TEXT, "file"), type: "file", accept: ".csv,.zip", hint: tr(TEXT, "hint") });
    box.append(form({
      fields: [input], submitLabel: tr(TEXT, "send"),
      submit: async () => {
        const file = input.control.files[0];
        if (!file) throw new ApiError(422, { code: "required", field: "filename", message: tr(TEXT, "choose") });
        go(`/school/${schoolId}/uploads/${await send(schoolId, file)}`);
      },
    }));
    const list = h("div");
    box.append(h("h2", {}, tr(TEXT, "history")), list);
    const body = h("tbody");
    const table = h("div", { class: "table-wrap" }, h("table", { class: "uploads" },
      h("caption", {}, tr(TEXT, "history")),
      h("thead", {}, h("tr", {}, ["file", "when", "state", "rows", "rejected", "warned"].map((k) => h("th", { scope: "col" }, tr(TEXT, k))))),
      body));
    paged(list, table, (cursor) => api.get(`/schools/${schoolId}/uploads`, { limit: 20, cursor }),
      (items) => body.append(...items.map((u) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: href(`/school/${schoolId}/uploads/${u.upload_id}`) }, u.filename)),
        h("td", {}, u.created_at ? formatDateTime(u.created_at) : "—"),
        h("td", {}, tr(TEXT, u.state)),
        h("td", {}, `${u.rows_done} / ${u.rows_total}`),
        h("td", {}, u.rows_rejected), h("td", {}, u.rows_warned)))),
      () => h("p", {}, tr(TEXT, "none")));
  });
}
