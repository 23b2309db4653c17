// A message to every family of the class (one thread per family, so an answer reaches the school
// only): open to a teacher of the class (any subject) and the school's administrators.

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { classPage } from "../staff.js";
import { field, form, notice } from "../ui.js";

const TEXT = {
  ru: { subject: "Тема (необязательно)", body: "Сообщение", send: "Отправить всем семьям",
    hint: "Каждая семья получит своё письмо в «Сообщениях»; ответ семьи увидите только вы.",
    sent: "Отправлено семьям: {families} (родителям: {recipients}).", answers: "Ответы — в разделе «Сообщения»" },
  en: { subject: "Subject (optional)", body: "Message", send: "Send to every family",
    hint: "Each family gets its own thread in Messages; a family's answer reaches only you.",
    sent: "Sent to families: {families} (parents: {recipients}).", answers: "Answers arrive in Messages" },
};

export async function render(main, { params, query }) {
  await classPage(main, params, "message", query, (ctx, box) => {
    const status = h("div");
    const fields = [field({ name: "subject", label: tr(TEXT, "subject"), maxlength: 200 }),
      field({ name: "body", label: tr(TEXT, "body"), kind: "textarea", required: true, maxlength: 4000,
        hint: tr(TEXT, "hint") })];
    box.append(status, form({ fields, submitLabel: tr(TEXT, "send"), submit: async (values, node) => {
      const sent = await api.post(`/schools/${params.schoolId}/classes/${params.classId}/messages`,
        { subject: values.subject.trim() || null, body: values.body.trim() });
      node.reset();
      status.replaceChildren();
      notice(status, tr(TEXT, "sent", sent)).append(" ", h("a", { href: href("/messages") }, tr(TEXT, "answers")));
    } }));
  });
}
