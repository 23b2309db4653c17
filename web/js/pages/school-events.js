// The school's events by date (GET …/events: a week back to three months ahead) and publishing one
// for the whole school or chosen classes (POST …/events); the families see it on their events page.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { audience, allItems, schoolFrame } from "../staff.js";
import { field, form, load, timeSpan } from "../ui.js";

const TEXT = {
  ru: {
    title: "События", list: "События школы", none: "Событий нет.", wholeSchool: "вся школа", place: "Место: {place}",
    publish: "Опубликовать событие", name: "Название", description: "Описание", date: "Дата",
    starts: "Начало", ends: "Конец", optional: "Необязательно.", where: "Место",
    published: "Событие «{title}» опубликовано: семьи увидят его в разделе «События».",
  },
  en: {
    title: "Events", list: "The school's events", none: "No events.", wholeSchool: "whole school", place: "Place: {place}",
    publish: "Publish an event", name: "Title", description: "Description", date: "Date",
    starts: "Starts", ends: "Ends", optional: "Optional.", where: "Place",
    published: "The event “{title}” is published: families see it under “Events”.",
  },
};

export function render(main, { params }) {
  const s = `/schools/${params.schoolId}`;
  return schoolFrame(main, params.schoolId, "events", tr(TEXT, "title"), (school, box) =>
    load(box, () => allItems(`${s}/classes`), (classes) => {
      const status = h("p", { class: "notice live", role: "status", tabindex: "-1" });
      const list = h("div");
      const names = new Map(classes.map((c) => [c.class_id, c.name]));
      const refresh = () => load(list, () => api.get(`${s}/events`), ({ items }) => list.append(items.length
        ? h("ul", { class: "event-list" }, items.map((e) => h("li", {},
          h("p", {}, h("strong", {}, e.title)),
          h("p", {}, formatDay(String(e.date)), " ", timeSpan(e.starts_at, e.ends_at), h("span", { class: "muted" }, " · ",
            e.whole_school ? tr(TEXT, "wholeSchool") : e.class_ids.map((c) => names.get(c) || c).join(", "))),
          e.place ? h("p", {}, tr(TEXT, "place", { place: e.place })) : null,
          e.description ? h("p", { class: "message-body" }, e.description) : null)))
        : h("p", {}, tr(TEXT, "none"))));
      box.append(status, h("h2", {}, tr(TEXT, "list")), list, publishForm(s, classes, async (event) => {
        status.textContent = tr(TEXT, "published", { title: event.title });
        await refresh();
        status.focus();
      }));
      refresh();
    }));
}

function publishForm(s, classes, published) {
  const optional = { hint: tr(TEXT, "optional") };
  const who = audience(classes);
  const fields = [
    field({ name: "title", label: tr(TEXT, "name"), required: true, maxlength: 200 }),
    field({ name: "date", label: tr(TEXT, "date"), type: "date", required: true }),
    field({ name: "starts_at", label: tr(TEXT, "starts"), type: "time", ...optional }),
    field({ name: "ends_at", label: tr(TEXT, "ends"), type: "time", ...optional }),
    field({ name: "place", label: tr(TEXT, "where"), maxlength: 200, ...optional }),
    field({ name: "description", label: tr(TEXT, "description"), kind: "textarea", rows: 3, maxlength: 2000, ...optional }),
    ...who.fields,
  ];
  const node = form({ fields, submitLabel: tr(TEXT, "publish"), submit: async (v, formNode) => {
    const body = { title: v.title.trim(), date: v.date };
    for (const key of ["starts_at", "ends_at", "place", "description"]) if (v[key].trim()) body[key] = v[key].trim();
    body.class_ids = who.classIds(formNode, v);
    await published(await api.post(`${s}/events`, body));
    formNode.reset();
    who.reset();
  } });
  return h("section", {}, h("h2", {}, tr(TEXT, "publish")), node);
}
