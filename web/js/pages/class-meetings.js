// A class's parent meetings (a week back to three months ahead) and calling a new one: the
// families are told by their alerts and see it on the child's events page.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { classPage } from "../staff.js";
import { field, form, load, notice } from "../ui.js";

const TEXT = {
  ru: { list: "Назначенные собрания", none: "Собраний пока нет.", call: "Назначить собрание",
    date: "Дата", time: "Начало", place: "Место", agenda: "Повестка", submit: "Назначить",
    called: "Собрание назначено: семьи класса получат уведомление." },
  en: { list: "Meetings called", none: "No meetings yet.", call: "Call a meeting",
    date: "Date", time: "Starts at", place: "Place", agenda: "Agenda", submit: "Call the meeting",
    called: "Meeting called: the class's families have been notified." },
};

export async function render(main, { params, query }) {
  await classPage(main, params, "meetings", query, (ctx, box) => {
    const path = `/schools/${params.schoolId}/classes/${params.classId}/meetings`;
    const list = h("div");
    const fields = [
      field({ name: "date", label: tr(TEXT, "date"), type: "date", required: true }),
      field({ name: "starts_at", label: tr(TEXT, "time"), type: "time", required: true }),
      field({ name: "place", label: tr(TEXT, "place"), required: true, maxlength: 200 }),
      field({ name: "agenda", label: tr(TEXT, "agenda"), kind: "textarea", required: true, maxlength: 2000 }),
    ];
    const refresh = () => load(list, () => api.get(path), (data) => {
      list.append(data.items.length ? h("ul", { class: "meetings" }, data.items.map((m) => h("li", { class: "card" },
        h("h3", {}, `${formatDay(m.date)}, ${m.starts_at}`), h("p", {}, `${tr(TEXT, "place")}: ${m.place}`),
        h("p", { class: "message-body" }, m.agenda)))) : h("p", {}, tr(TEXT, "none")));
    });
    const node = form({ fields, submitLabel: tr(TEXT, "submit"), submit: async (values, f) => {
      await api.post(path, { date: values.date, starts_at: values.starts_at, place: values.place.trim(),
        agenda: values.agenda.trim() });
      f.reset();
      await refresh();
      notice(list, tr(TEXT, "called"));
    } });
    box.append(h("section", { "aria-labelledby": "meetings-list" }, h("h2", { id: "meetings-list" }, tr(TEXT, "list")), list),
      h("section", { "aria-labelledby": "meetings-call" }, h("h2", { id: "meetings-call" }, tr(TEXT, "call")), node));
    return refresh();
  });
}
