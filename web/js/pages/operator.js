// The city operator's schools (GET /schools, by name, page by page) and registering a new one
// (POST /schools): name, number, district, address (what families find it by in the directory)
// and its time zone. Each school opens its own page (operator-school.js).

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { operatorFrame } from "../staff.js";
import { field, form, notice, paged } from "../ui.js";

export const TEXT = {
  ru: { title: "Школы города", list: "Зарегистрированные школы", none: "Школ пока нет.", name: "Название",
    number: "Номер", district: "Район", address: "Адрес", timezone: "Часовой пояс", numberHint: "Например, 57 или 1543",
    zoneHint: "Идентификатор IANA, например Europe/Moscow", add: "Зарегистрировать школу",
    added: "Школа «{name}» зарегистрирована." },
  en: { title: "City schools", list: "Registered schools", none: "No schools yet.", name: "Name",
    number: "Number", district: "District", address: "Address", timezone: "Time zone", numberHint: "For example 57 or 1543",
    zoneHint: "An IANA name such as Europe/Moscow", add: "Register the school",
    added: "The school “{name}” is registered." },
};

const ZONES = ["Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
  "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan",
  "Asia/Kamchatka"];

/** The school's descriptive fields (name required), prefilled from `school` when given. */
export function schoolFields(school = {}) {
  return ["name", "number", "district", "address"].map((name) => field({ name, label: tr(TEXT, name),
    required: name === "name", value: school[name] || "", maxlength: name === "number" ? 16 : name === "address" ? 300 : 120,
    hint: name === "number" ? tr(TEXT, "numberHint") : undefined }));
}

/** What the form's optional fields say: trimmed text, or null for an empty one. */
export const text = (value) => String(value || "").trim() || null;

export function render(main) {
  return operatorFrame(main, tr(TEXT, "title"), (box) => {
    const listBox = h("div");
    const section = (id, ...content) => h("section", { "aria-labelledby": id }, content);
    const zone = field({ name: "timezone", label: tr(TEXT, "timezone"), hint: tr(TEXT, "zoneHint"),
      value: "Europe/Moscow", list: "op-zones", required: true });
    zone.append(h("datalist", { id: "op-zones" }, ZONES.map((z) => h("option", { value: z }))));
    const register = form({
      fields: [...schoolFields(), zone],
      submitLabel: tr(TEXT, "add"),
      submit: async (values, node) => {
        const body = { name: values.name.trim(), timezone: values.timezone.trim() };
        for (const key of ["number", "district", "address"]) if (text(values[key])) body[key] = text(values[key]);
        const school = await api.post("/schools", body);
        node.reset();
        node.querySelector(".notice")?.remove();
        notice(node, tr(TEXT, "added", { name: school.name }));
        showSchools(listBox);
      },
    });
    box.append(section("op-list", h("h2", { id: "op-list" }, tr(TEXT, "list")), listBox),
      section("op-add", h("h2", { id: "op-add" }, tr(TEXT, "add")), register));
    showSchools(listBox);
  });
}

function showSchools(box) {
  const body = h("tbody");
  const table = h("div", { class: "table-wrap" }, h("table", { class: "op-schools" }, h("caption", { class: "visually-hidden" }, tr(TEXT, "list")),
    h("thead", {}, h("tr", {}, ["name", "number", "district", "address", "timezone"].map((k) => h("th", { scope: "col" }, tr(TEXT, k))))),
    body));
  return paged(box, table, (cursor) => api.get("/schools", { limit: 50, cursor }),
    (items) => body.append(...items.map((s) => h("tr", {},
      h("th", { scope: "row" }, h("a", { href: href(`/operator/schools/${s.school_id}`) }, s.name)),
      [s.number, s.district, s.address, s.timezone].map((v) => h("td", {}, v || "—"))))),
    () => h("p", {}, tr(TEXT, "none")));
}
