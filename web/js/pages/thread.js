// One thread: its messages oldest first, who wrote each and whether the other side has read yours,
// and the answer form. Opening it marks everything so far as read (POST …/read).

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { href } from "../router.js";
import { session } from "../app.js";
import { field, form, heading, load, notice } from "../ui.js";

const TEXT = {
  ru: { title: "Переписка", noSubject: "Без темы", about: "О ребёнке: {name}", older: "Показать более ранние",
    read: "Прочитано", unread: "Ещё не прочитано", you: "Вы", answer: "Ваш ответ", send: "Отправить",
    sent: "Сообщение отправлено.", back: "Все сообщения", messages: "Сообщения переписки",
    school: "школа", family: "семья", with: "Переписка с: {names}" },
  en: { title: "Conversation", noSubject: "No subject", about: "About: {name}", older: "Show earlier messages",
    read: "Read", unread: "Not read yet", you: "You", answer: "Your answer", send: "Send",
    sent: "The message is sent.", back: "All messages", messages: "Messages of the conversation",
    school: "school", family: "family", with: "With: {names}" },
};

export async function render(main, { params }) {
  const id = params.threadId;
  const h1 = heading(main, tr(TEXT, "title"));
  main.append(h("p", {}, h("a", { href: href("/messages") }, tr(TEXT, "back"))));
  const box = h("div");
  main.append(box);
  const show = async (note) => {
    await load(box, () => api.get(`/messages/threads/${id}`, { limit: 50 }), (data) => {
      h1.textContent = data.thread.subject || tr(TEXT, "noSubject");
      document.title = `${h1.textContent} — Электронный дневник`;
      showThread(box, id, data, () => show(tr(TEXT, "sent")));
      if (note) notice(box, note);
      // Opened: what has arrived so far is read (the senders see it). A failure leaves it unread.
      if (data.thread.unread) api.post(`/messages/threads/${id}/read`).catch(() => {});
    });
  };
  await show();
}

function showThread(box, id, data, afterSend) {
  const me = session.me && session.me.account_id;
  const names = new Map(data.participants.map((p) => [p.account_id, p]));
  const list = h("ol", { class: "messages", "aria-label": tr(TEXT, "messages") });
  const add = (items) => list.prepend(...[...items].reverse().map((m) => messageItem(m, me, names)));
  add(data.items);
  if (data.thread.student_name) box.append(h("p", { class: "muted" }, tr(TEXT, "about", { name: data.thread.student_name })));
  // Who else is in it, by name and side: a teacher sees which parents, a parent which teacher.
  const others = data.participants.filter((p) => p.account_id !== me)
    .map((p) => `${p.name || "—"} (${tr(TEXT, p.side)})`).join(", ");
  if (others) box.append(h("p", { class: "muted" }, tr(TEXT, "with", { names: others })));
  let cursor = data.next_cursor;
  const older = h("button", { type: "button", class: "secondary", hidden: !cursor }, tr(TEXT, "older"));
  older.addEventListener("click", async () => {
    const page = await api.get(`/messages/threads/${id}`, { limit: 50, cursor }).catch(() => null);
    if (!page) return;
    add(page.items);
    cursor = page.next_cursor;
    older.hidden = !cursor;
  });
  const answer = field({ name: "body", label: tr(TEXT, "answer"), kind: "textarea", required: true, maxlength: 4000 });
  box.append(older, list, form({
    fields: [answer], submitLabel: tr(TEXT, "send"),
    submit: async (values) => {
      await api.post(`/messages/threads/${id}/messages`, { body: values.body.trim() });
      await afterSend();
    },
  }));
}

function messageItem(m, me, names) {
  const mine = m.sender_account_id === me;
  const who = names.get(m.sender_account_id);
  const name = mine ? tr(TEXT, "you") : (who && who.name) || (who ? tr(TEXT, who.side) : "—");
  return h("li", { class: mine ? "message mine" : "message" },
    h("p", { class: "message-meta" }, h("strong", {}, name),
      m.created_at ? [" · ", h("time", { datetime: m.created_at }, formatDateTime(m.created_at))] : null,
      mine ? [" · ", h("span", { class: m.read ? "read" : "muted" }, tr(TEXT, m.read ? "read" : "unread"))] : null),
    h("p", { class: "message-body" }, m.body));
}
