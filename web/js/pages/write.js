// Write to one of the child's teachers, chosen by name and subject; the new thread opens after.

import { api } from "../api.js";
import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { go } from "../router.js";
import { childPage, field, form, load } from "../ui.js";

const TEXT = {
  ru: { teacher: "Учитель", choose: "Выберите учителя", subject: "Тема (необязательно)", body: "Сообщение",
    send: "Отправить", none: "У класса пока нет учителей, которым можно написать.",
    hint: "Учитель увидит ваше имя и имя ребёнка." },
  en: { teacher: "Teacher", choose: "Choose a teacher", subject: "Subject (optional)", body: "Message",
    send: "Send", none: "The class has no teachers to write to yet.",
    hint: "The teacher sees your name and the child's." },
};

export async function render(main, { params }) {
  const child = await childPage(main, params.studentId, "write");
  if (!child) return;
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/teachers`), (data) => {
    if (!data.items.length) {
      box.append(h("p", {}, tr(TEXT, "none")));
      return;
    }
    const teacher = field({ name: "teacher_id", label: tr(TEXT, "teacher"), kind: "select", required: true,
      options: [["", tr(TEXT, "choose")], ...data.items.map((t) => [t.teacher_id,
        t.subjects.length ? `${t.name} — ${t.subjects.map((s) => s.name).join(", ")}` : t.name])] });
    const subject = field({ name: "subject", label: tr(TEXT, "subject"), maxlength: 200 });
    const body = field({ name: "body", label: tr(TEXT, "body"), kind: "textarea", required: true, maxlength: 4000,
      hint: tr(TEXT, "hint") });
    box.append(form({
      fields: [teacher, subject, body], submitLabel: tr(TEXT, "send"),
      submit: async (values) => {
        const started = await api.post(`/children/${child.student_id}/messages`, {
          teacher_id: values.teacher_id, subject: values.subject.trim() || null, body: values.body.trim() });
        go(`/messages/${started.thread_id}`);
      },
    }));
  });
}
