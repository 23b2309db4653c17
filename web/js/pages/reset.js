// A forgotten password: ask for a code by email, then the code and a new password (then signed in).

import { api, signIn } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { field, form, heading, notice } from "../ui.js";
import { afterSignIn } from "../app.js";

const TEXT = {
  ru: { title: "Восстановление пароля", step1: "1. Получить код", step1Intro: "Укажите почту, с которой вы регистрировались: мы пришлём код.",
    step2: "2. Новый пароль", email: "Электронная почта", code: "Код из письма", password: "Новый пароль",
    passwordHint: "Не короче 10 символов, с буквами и цифрами.", send: "Прислать код",
    sent: "Если такая учётная запись есть, код уже в пути на {email}.", submit: "Сменить пароль и войти" },
  en: { title: "Reset the password", step1: "1. Get a code", step1Intro: "Enter the email you registered with: we will send a code.",
    step2: "2. A new password", email: "Email", code: "Code from the email", password: "New password",
    passwordHint: "At least 10 characters, letters and digits.", send: "Send the code",
    sent: "If such an account exists, a code is on its way to {email}.", submit: "Change the password and sign in" },
};

export function render(main, { query }) {
  heading(main, tr(TEXT, "title"));
  const askEmail = field({ name: "email", label: tr(TEXT, "email"), type: "email", autocomplete: "username", required: true });
  const email = field({ name: "email", label: tr(TEXT, "email"), type: "email", autocomplete: "username", required: true });
  const code = field({ name: "code", label: tr(TEXT, "code"), inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: 6, required: true });
  const password = field({ name: "password", label: tr(TEXT, "password"), hint: tr(TEXT, "passwordHint"),
    type: "password", autocomplete: "new-password", required: true });
  askEmail.control.value = email.control.value = query.email || "";
  const ask = form({
    fields: [askEmail],
    submitLabel: tr(TEXT, "send"),
    submit: async (values, node) => {
      const address = values.email.trim();
      await api.public("POST", "/auth/password-reset", { email: address });
      node.querySelector(".notice")?.remove();
      notice(node, tr(TEXT, "sent", { email: address }));
      email.control.value = address;
      code.control.focus();
    },
  });
  const confirm = form({
    fields: [email, code, password],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      const address = values.email.trim();
      await api.public("POST", "/auth/password-reset/confirm", { email: address, code: values.code.trim(), password: values.password });
      await signIn(address, values.password);
      await afterSignIn("/children");
    },
  });
  main.append(h("h2", {}, tr(TEXT, "step1")), h("p", {}, tr(TEXT, "step1Intro")), ask, h("h2", {}, tr(TEXT, "step2")), confirm);
}
