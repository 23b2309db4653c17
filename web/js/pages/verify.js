// Confirming the email: the emailed code and a new password; then the cabinet signs in with it.

import { ApiError, api, signIn } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { field, form, heading, notice, showErrors } from "../ui.js";
import { afterSignIn } from "../app.js";

const TEXT = {
  ru: { title: "Подтверждение почты", intro: "Мы отправили письмо с шестизначным кодом. Введите код и придумайте пароль.",
    email: "Электронная почта", code: "Код из письма", password: "Новый пароль",
    passwordHint: "Не короче 10 символов, с буквами и цифрами.", submit: "Подтвердить и войти",
    again: "Отправить код ещё раз", sent: "Новый код отправлен на {email}.", needEmail: "Укажите адрес почты." },
  en: { title: "Confirm your email", intro: "We have emailed you a six-digit code. Enter it and choose a password.",
    email: "Email", code: "Code from the email", password: "New password",
    passwordHint: "At least 10 characters, letters and digits.", submit: "Confirm and sign in",
    again: "Send the code again", sent: "A new code is on its way to {email}.", needEmail: "Enter the email address." },
};

export function render(main, { query }) {
  heading(main, tr(TEXT, "title"));
  const email = field({ name: "email", label: tr(TEXT, "email"), type: "email", autocomplete: "username", required: true });
  const code = field({ name: "code", label: tr(TEXT, "code"), inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: 6, required: true });
  const password = field({ name: "password", label: tr(TEXT, "password"), hint: tr(TEXT, "passwordHint"),
    type: "password", autocomplete: "new-password", required: true });
  email.control.value = query.email || "";
  const again = h("button", { type: "button", class: "secondary" }, tr(TEXT, "again"));
  const node = form({
    fields: [email, code, password],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      const address = values.email.trim();
      await api.public("POST", "/auth/verify-email", { email: address, code: values.code.trim(), password: values.password });
      await signIn(address, values.password);
      await afterSignIn("/children");
    },
    extra: [again],
  });
  again.addEventListener("click", async () => {
    const address = email.control.value.trim();
    main.querySelector(".notice")?.remove();
    if (!address) { showErrors(node, new ApiError(422, { code: "required", field: "email", message: tr(TEXT, "needEmail") })); return; }
    again.disabled = true;
    try {
      await api.public("POST", "/auth/resend-code", { email: address });
      notice(node, tr(TEXT, "sent", { email: address }));
    } catch (error) {
      showErrors(node, error);
    } finally {
      again.disabled = false;
    }
  });
  main.append(h("p", {}, tr(TEXT, "intro")), node);
}
