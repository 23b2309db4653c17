// Entering an access code (from an approved application or an invitation): the child appears.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { forgetChildren } from "../family.js";
import { SECTIONS, offers, sectionTitle } from "../child-nav.js";
import { field, form, heading } from "../ui.js";

const TEXT = {
  ru: { title: "Ввести код доступа", intro: "Код приходит на почту, когда школа одобрит заявление или когда вас пригласят смотреть дневник.",
    code: "Код из письма", codeHint: "Восемь букв и цифр; пробелы и дефисы не важны.", submit: "Открыть дневник",
    done: "Готово: теперь вы видите дневник ребёнка {name} ({class}, {school}).", week: "Открыть неделю",
    children: "Мои дети", lost: "Код потерялся или истёк? Попросите новый в разделе", applications: "«Мои заявления»" },
  en: { title: "Enter an access code", intro: "The code comes by email when the school approves your application or when someone invites you to see a diary.",
    code: "Code from the email", codeHint: "Eight letters and digits; spaces and dashes do not matter.", submit: "Open the diary",
    done: "Done: you now see the diary of {name} ({class}, {school}).", week: "Open the week",
    children: "My children", lost: "Code lost or expired? Ask for a new one in", applications: "“My applications”" },
};

export function render(main, { query }) {
  heading(main, tr(TEXT, "title"));
  const code = field({ name: "code", label: tr(TEXT, "code"), hint: tr(TEXT, "codeHint"), autocomplete: "one-time-code",
    autocapitalize: "characters", spellcheck: "false", maxlength: 20, required: true });
  code.control.value = query.code || "";
  const box = h("div");
  box.append(h("p", {}, tr(TEXT, "intro")), form({
    fields: [code],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      const child = await api.post("/children/redeem", { code: values.code.trim() });
      forgetChildren();
      const name = `${child.first_name} ${child.last_name}`;
      // A parent lands on the week; a viewer on the first section its scope opens.
      const first = SECTIONS.map(([section]) => section).find((section) => offers(child, section)) || "alerts";
      replace(box, h("p", { class: "notice", role: "status" }, tr(TEXT, "done", { name, class: child.class_name, school: child.school_name })),
        h("p", {}, h("a", { class: "button", href: href(`/children/${child.student_id}/${first}`) }, first === "week" ? tr(TEXT, "week") : sectionTitle(first)), " ",
          h("a", { href: href("/children") }, tr(TEXT, "children"))));
      box.querySelector("a").focus();
    },
  }), h("p", {}, tr(TEXT, "lost"), " ", h("a", { href: href("/applications") }, tr(TEXT, "applications"))));
  main.append(box);
}
