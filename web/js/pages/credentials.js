// Keys of the school's information systems: issue one (its secret is shown this once, with a copy
// button and a warning; the API never shows it again), list them, revoke one after a confirmation.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { addForm, confirmButton, schoolFrame, table } from "../staff.js";
import { field, load } from "../ui.js";

const TEXT = {
  ru: { title: "Ключи систем", keys: "Ключи", name: "Название", nameHint: "Какая система будет им пользоваться, например «Сетевой город».",
    issued: "Выдан", state: "Состояние", actions: "Действия", active: "действует", revoked: "отозван",
    issue: "Выдать ключ", secret: "Ключ «{name}»", secretLabel: "Секрет ключа",
    warn: "Скопируйте секрет сейчас и сохраните в настройках системы: он показан один раз и больше не будет виден никому.",
    copy: "Копировать", copied: "Скопировано.", copyFailed: "Не удалось скопировать: выделите текст и скопируйте вручную.",
    revoke: "Отозвать", revokeAsk: "Отозвать ключ «{name}»? Система больше не сможет загружать данные.",
    revokedSaid: "Ключ «{name}» отозван.", none: "Ключей пока нет." },
  en: { title: "System keys", keys: "Keys", name: "Name", nameHint: "Which system will use it, e.g. “Network City”.",
    issued: "Issued", state: "State", actions: "Actions", active: "active", revoked: "revoked",
    issue: "Issue a key", secret: "Key “{name}”", secretLabel: "The key's secret",
    warn: "Copy the secret now and keep it in the system's settings: it is shown this once and never again, to anyone.",
    copy: "Copy", copied: "Copied.", copyFailed: "Could not copy: select the text and copy it by hand.",
    revoke: "Revoke", revokeAsk: "Revoke the key “{name}”? The system will no longer be able to upload.",
    revokedSaid: "The key “{name}” is revoked.", none: "No keys yet." },
};

const t = (key, params) => tr(TEXT, key, params);

export function render(main, { params }) {
  const id = params.schoolId;
  return schoolFrame(main, id, "credentials", t("title"), (school, box) => {
    const said = h("p", { class: "added", role: "status", tabindex: "-1" });
    const shown = h("div"); // the one-time secret, in this page's memory only
    const keys = table(t("keys"), [t("name"), t("issued"), t("state"), t("actions")]);
    const row = (c) => {
      const state = h("td", {}, t(c.revoked ? "revoked" : "active"));
      const node = h("tr", {}, h("td", {}, c.name), h("td", {}, c.created_at ? formatDateTime(c.created_at) : "—"), state);
      node.append(h("td", {}, c.revoked ? "" : confirmButton([t("revoke"), h("span", { class: "visually-hidden" }, ` ${c.name}`)],
        t("revokeAsk", { name: c.name }), async () => {
          await api.delete(`/schools/${id}/credentials/${c.credential_id}`);
          node.replaceWith(row({ ...c, revoked: true }));
          said.textContent = t("revokedSaid", { name: c.name });
          shown.replaceChildren();
          said.focus();
        }, said)));
      return node;
    };
    const list = h("div");
    load(list, () => api.get(`/schools/${id}/credentials`), (page) => {
      list.append(keys);
      keys.body.append(...page.items.map(row));
    });
    const reveal = (c) => {
      const copyStatus = h("p", { role: "status" });
      const secret = field({ name: "secret", label: t("secretLabel"), readonly: true, value: c.secret, spellcheck: "false",
        autocomplete: "off", class: "secret" });
      const copy = h("button", { type: "button", onclick: async () => {
        try { await navigator.clipboard.writeText(c.secret); copyStatus.textContent = t("copied"); } catch {
          secret.control.select();
          copyStatus.textContent = t("copyFailed");
        }
      } }, t("copy"));
      shown.replaceChildren(h("section", { class: "secret-box", tabindex: "-1", "aria-labelledby": "secret-heading" },
        h("h2", { id: "secret-heading" }, t("secret", { name: c.name })), h("p", { class: "warning", role: "alert" }, t("warn")),
        secret, h("div", { class: "actions" }, copy), copyStatus));
      keys.body.prepend(row(c));
      secret.control.focus();
      secret.control.select();
    };
    box.append(said, shown, addForm({ title: t("issue"), submitLabel: t("issue"),
      fields: [field({ name: "name", label: t("name"), hint: t("nameHint"), required: true, maxlength: 120 })],
      submit: (v) => api.post(`/schools/${id}/credentials`, { name: v.name.trim() }), say: () => "", added: reveal }), list);
  });
}
