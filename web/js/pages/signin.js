// Sign in with email and password; links to registration and a forgotten password.

import { signIn } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { field, form, heading } from "../ui.js";
import { afterSignIn } from "../app.js";

const TEXT = {
  ru: { title: "Вход", email: "Электронная почта", password: "Пароль", submit: "Войти",
    register: "Зарегистрироваться", forgot: "Забыли пароль?", noAccount: "Ещё нет учётной записи?" },
  en: { title: "Sign in", email: "Email", password: "Password", submit: "Sign in",
    register: "Register", forgot: "Forgot your password?", noAccount: "No account yet?" },
};

export function render(main, { query }) {
  heading(main, tr(TEXT, "title"));
  const email = field({ name: "email", label: tr(TEXT, "email"), type: "email", autocomplete: "username", required: true });
  const password = field({ name: "password", label: tr(TEXT, "password"), type: "password",
    autocomplete: "current-password", required: true });
  if (query.email) email.control.value = query.email;
  main.append(form({
    fields: [email, password],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      await signIn(values.email.trim(), values.password);
      await afterSignIn(query.next);
    },
  }), h("p", {}, tr(TEXT, "noAccount"), " ", h("a", { href: href("/register") }, tr(TEXT, "register"))),
  h("p", {}, h("a", { href: href("/reset", { email: query.email }) }, tr(TEXT, "forgot"))));
}
