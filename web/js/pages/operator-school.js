// One school for the city operator: correct its name, number, district and address
// (PATCH /schools/{id}; an emptied optional field is cleared), and its administrators:
// grant the role to a registered account by email (POST …/administrators), remove it after a
// confirmation (DELETE …/administrators/{account}: their next request is refused).

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { operatorFrame } from "../staff.js";
import { errorText, field, form, load, notice, paged, retitle } from "../ui.js";
import { schoolFields, text } from "./operator.js";

const TEXT = {
  ru: { title: "Школа", back: "Все школы города", edit: "Данные школы", save: "Сохранить", saved: "Сохранено.",
    zone: "Часовой пояс: {zone}", admins: "Администраторы", noAdmins: "Администраторов пока нет.",
    email: "Электронная почта администратора", emailHint: "Учётная запись должна быть зарегистрирована и подтверждена.",
    grant: "Назначить администратором", granted: "{name} — администратор школы.", remove: "Снять с должности",
    sure: "Снять {name} с должности администратора? Доступ к школе закроется сразу.", yes: "Да, снять", no: "Отмена",
    removed: "{name} больше не администратор школы." },
  en: { title: "School", back: "All city schools", edit: "The school's details", save: "Save", saved: "Saved.",
    zone: "Time zone: {zone}", admins: "Administrators", noAdmins: "No administrators yet.",
    email: "Administrator's email", emailHint: "The account must be registered and confirmed.",
    grant: "Add an administrator", granted: "{name} is an administrator of the school.", remove: "Remove",
    sure: "Remove {name} as an administrator? Their access to the school ends at once.", yes: "Yes, remove", no: "Cancel",
    removed: "{name} is no longer an administrator of the school." },
};

const section = (id, title, ...content) => h("section", { "aria-labelledby": id }, h("h2", { id }, title), content);

export function render(main, { params }) {
  const id = params.schoolId;
  return operatorFrame(main, tr(TEXT, "title"), (box) => load(box, () => api.get(`/schools/${id}`), (school) => {
    const h1 = main.querySelector("h1");
    const named = (name) => {
      h1.textContent = `${tr(TEXT, "title")}: ${name}`;
      retitle(h1.textContent);
    };
    named(school.name);
    const admins = h("div");
    const edit = form({
      fields: schoolFields(school),
      submitLabel: tr(TEXT, "save"),
      submit: async (values, node) => {
        const body = { name: values.name.trim() };
        for (const key of ["number", "district", "address"]) body[key] = text(values[key]);
        named((await api.patch(`/schools/${id}`, body)).name);
        node.querySelector(".notice")?.remove();
        notice(node, tr(TEXT, "saved"));
      },
    });
    const grant = form({
      fields: [field({ name: "email", label: tr(TEXT, "email"), hint: tr(TEXT, "emailHint"), type: "email",
        autocomplete: "off", required: true })],
      submitLabel: tr(TEXT, "grant"),
      submit: async (values, node) => {
        const admin = await api.post(`/schools/${id}/administrators`, { email: values.email.trim() });
        node.reset();
        node.querySelector(".notice")?.remove();
        notice(node, tr(TEXT, "granted", { name: admin.name }));
        showAdmins(admins, id);
      },
    });
    box.append(h("p", {}, h("a", { href: href("/operator") }, tr(TEXT, "back"))),
      section("os-edit", tr(TEXT, "edit"), h("p", { class: "muted" }, tr(TEXT, "zone", { zone: school.timezone })), edit),
      section("os-admins", tr(TEXT, "admins"), admins, grant));
    showAdmins(admins, id);
  }));
}

function showAdmins(box, id) {
  return paged(box, h("ul", { class: "cards" }), (cursor) => api.get(`/schools/${id}/administrators`, { limit: 50, cursor }),
    (items, list) => list.append(...items.map((admin) => adminCard(id, admin))), () => h("p", {}, tr(TEXT, "noAdmins")));
}

// A card with «Снять с должности»: it asks first (yes / cancel) and says in the card what came of it.
function adminCard(id, admin) {
  const status = h("p", { role: "status" });
  const actions = h("div", { class: "actions" });
  const button = (label, onclick, cls = "secondary") => h("button", { type: "button", class: cls, onclick }, label);
  const ask = () => {
    const yes = button(tr(TEXT, "yes"), async () => {
      yes.disabled = true;
      try {
        await api.delete(`/schools/${id}/administrators/${admin.account_id}`);
        actions.remove();
        status.className = "notice";
        status.textContent = tr(TEXT, "removed", { name: admin.name });
      } catch (error) {
        status.className = "form-error";
        status.textContent = errorText(error);
        yes.disabled = false;
      }
    }, "danger");
    actions.replaceChildren(h("p", {}, tr(TEXT, "sure", { name: admin.name })), yes, button(tr(TEXT, "no"), idle));
    yes.focus();
  };
  const idle = () => {
    status.textContent = "";
    actions.replaceChildren(button(tr(TEXT, "remove"), ask));
    actions.firstChild.focus();
  };
  actions.append(button(tr(TEXT, "remove"), ask));
  return h("li", { class: "card" }, h("h3", {}, admin.name), h("p", { class: "muted" }, admin.email), actions, status);
}
