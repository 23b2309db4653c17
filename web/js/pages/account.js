// The profile: name, language (which the cabinet then speaks) and phone; a phone is confirmed by a
// texted code before SMS alerts may go to it.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { setLanguage, tr } from "../i18n.js";
import { field, form, heading, load, notice, showErrors } from "../ui.js";
import { render as renderPage, session } from "../app.js";

const TEXT = {
  ru: { title: "Профиль", email: "Электронная почта (не меняется)", name: "Имя и фамилия",
    language: "Язык писем и кабинета", phone: "Телефон для SMS", phoneHint: "Например, +7 916 123-45-67. Пусто — без телефона.",
    save: "Сохранить", saved: "Сохранено.", phoneTitle: "Подтверждение телефона",
    confirmed: "Телефон {phone} подтверждён: на него можно получать SMS.",
    unconfirmed: "Телефон {phone} ещё не подтверждён.", noPhone: "Телефон не указан.",
    sendCode: "Прислать SMS с кодом", codeSent: "Код отправлен по SMS на {phone}.",
    code: "Код из SMS", verify: "Подтвердить телефон", verified: "Телефон подтверждён." },
  en: { title: "Profile", email: "Email (cannot be changed)", name: "Full name",
    language: "Language of emails and the cabinet", phone: "Phone for SMS", phoneHint: "E.g. +7 916 123-45-67. Empty: no phone.",
    save: "Save", saved: "Saved.", phoneTitle: "Confirming the phone",
    confirmed: "The phone {phone} is confirmed: SMS can go to it.",
    unconfirmed: "The phone {phone} is not confirmed yet.", noPhone: "No phone given.",
    sendCode: "Text me a code", codeSent: "A code went by SMS to {phone}.",
    code: "Code from the SMS", verify: "Confirm the phone", verified: "The phone is confirmed." },
};

export function render(main) {
  heading(main, tr(TEXT, "title"));
  const box = h("div");
  main.append(box);
  return load(box, () => api.get("/me"), (me) => show(box, me));
}

function show(box, me, message) {
  session.me = me;
  const email = field({ name: "email", label: tr(TEXT, "email"), type: "email", readonly: true, value: me.email });
  const name = field({ name: "name", label: tr(TEXT, "name"), autocomplete: "name", required: true, maxlength: 120, value: me.name });
  const lang = field({ name: "language", label: tr(TEXT, "language"), kind: "select",
    options: [["ru", "Русский"], ["en", "English"]] });
  lang.control.value = me.language;
  const phone = field({ name: "phone", label: tr(TEXT, "phone"), hint: tr(TEXT, "phoneHint"), type: "tel",
    autocomplete: "tel", value: me.phone || "" });
  const profile = form({
    fields: [email, name, lang, phone],
    submitLabel: tr(TEXT, "save"),
    submit: async (values) => {
      const changed = await api.patch("/me", { name: values.name.trim(), language: values.language,
        phone: values.phone.trim() || null });
      if (changed.language !== me.language) {
        setLanguage(changed.language); // the whole cabinet, header included, in the chosen language
        session.me = changed;
        await renderPage();
        return;
      }
      const texted = changed.phone && changed.phone !== me.phone && !changed.phone_verified;
      show(box, changed, texted ? tr(TEXT, "codeSent", { phone: changed.phone }) : tr(TEXT, "saved"));
    },
  });
  replace(box, profile, phoneSection(box, me));
  if (message) notice(box, message);
}

function phoneSection(box, me) {
  const section = h("section", { "aria-labelledby": "phone-title" }, h("h2", { id: "phone-title" }, tr(TEXT, "phoneTitle")));
  if (!me.phone) { section.append(h("p", {}, tr(TEXT, "noPhone"))); return section; }
  if (me.phone_verified) { section.append(h("p", { class: "ok" }, tr(TEXT, "confirmed", { phone: me.phone }))); return section; }
  section.append(h("p", {}, tr(TEXT, "unconfirmed", { phone: me.phone })));
  const code = field({ name: "code", label: tr(TEXT, "code"), inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: 6, required: true });
  const send = h("button", { type: "button", class: "secondary" }, tr(TEXT, "sendCode"));
  const confirm = form({
    fields: [code],
    submitLabel: tr(TEXT, "verify"),
    submit: async (values) => show(box, await api.post("/me/phone/verify", { code: values.code.trim() }), tr(TEXT, "verified")),
    extra: [send],
  });
  send.addEventListener("click", async () => {
    send.disabled = true;
    confirm.status.hidden = true;
    try {
      await api.post("/me/phone/code");
      confirm.querySelector(".notice")?.remove();
      notice(confirm, tr(TEXT, "codeSent", { phone: me.phone }));
    } catch (error) {
      showErrors(confirm, error);
    } finally {
      send.disabled = false;
    }
  });
  section.append(confirm);
  return section;
}
