// Registration: name, email and language; the API emails a code, the verify page takes it from there.

import { api } from "../api.js";
import { h } from "../dom.js";
import { language, tr } from "../i18n.js";
import { go, href } from "../router.js";
import { field, form, heading } from "../ui.js";

const TEXT = {
  ru: { title: "Регистрация", name: "Ваше имя и фамилия", email: "Электронная почта",
    emailHint: "Личная почта: на неё придёт код подтверждения.", language: "Язык писем и кабинета",
    submit: "Получить код", have: "Уже есть учётная запись?", signin: "Войти",
    haveCode: "Код уже пришёл?", verify: "Ввести код" },
  en: { title: "Register", name: "Your full name", email: "Email",
    emailHint: "A personal address: the confirmation code goes there.", language: "Language of emails and the cabinet",
    submit: "Get the code", have: "Already have an account?", signin: "Sign in",
    haveCode: "Got the code already?", verify: "Enter the code" },
};

export function render(main) {
  heading(main, tr(TEXT, "title"));
  const name = field({ name: "name", label: tr(TEXT, "name"), autocomplete: "name", required: true, maxlength: 120 });
  const email = field({ name: "email", label: tr(TEXT, "email"), hint: tr(TEXT, "emailHint"), type: "email",
    autocomplete: "email", required: true });
  const lang = field({ name: "language", label: tr(TEXT, "language"), kind: "select",
    options: [["ru", "Русский"], ["en", "English"]] });
  lang.control.value = language();
  main.append(form({
    fields: [name, email, lang],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      const address = values.email.trim();
      await api.public("POST", "/auth/register", { name: values.name.trim(), email: address, language: values.language });
      go("/verify", { email: address });
    },
  }),
  h("p", {}, tr(TEXT, "haveCode"), " ", h("a", { href: href("/verify") }, tr(TEXT, "verify"))),
  h("p", {}, tr(TEXT, "have"), " ", h("a", { href: href("/signin") }, tr(TEXT, "signin"))));
}
