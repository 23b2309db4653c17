// The account's threads with the school, most recently active first, each with its unread count.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { href } from "../router.js";
import { session } from "../app.js";
import { heading, load } from "../ui.js";

const TEXT = {
  ru: { title: "Сообщения", none: "Сообщений пока нет. Написать учителю можно в разделе ребёнка «Написать учителю».",
    noSubject: "Без темы", unread: "Непрочитанных: {n}", more: "Показать ещё", about: "О ребёнке: {name}",
    noneStaff: "Сообщений пока нет." },
  en: { title: "Messages", none: "No messages yet. You can write to a teacher in the child's section «Write to a teacher».",
    noSubject: "No subject", unread: "Unread: {n}", more: "Show more", about: "About: {name}",
    noneStaff: "No messages yet." },
};

export async function render(main) {
  heading(main, tr(TEXT, "title"));
  const list = h("ul", { class: "threads" });
  const box = h("div");
  main.append(list, box);
  const more = (cursor) => load(box, () => api.get("/messages/threads", { limit: 20, cursor }), (page) => {
    // A teacher or administrator is written to (or writes from the class's pages), not from a child's.
    const staff = ((session.me && session.me.roles) || []).some((r) => r.role === "teacher" || r.role === "admin");
    if (!page.items.length && !cursor) box.append(h("p", {}, tr(TEXT, staff ? "noneStaff" : "none")));
    list.append(...page.items.map(threadItem));
    if (page.next_cursor) {
      box.append(h("button", { type: "button", class: "secondary", onclick: () => more(page.next_cursor) }, tr(TEXT, "more")));
    }
  });
  await more();
}

function threadItem(t) {
  return h("li", { class: t.unread ? "card thread unread" : "card thread" },
    h("p", {}, h("a", { href: href(`/messages/${t.thread_id}`) }, t.subject || tr(TEXT, "noSubject")),
      t.unread ? [" ", h("span", { class: "badge" }, tr(TEXT, "unread", { n: t.unread }))] : null),
    t.student_name ? h("p", { class: "muted" }, tr(TEXT, "about", { name: t.student_name })) : null,
    t.preview ? h("p", { class: "preview" }, t.preview) : null,
    t.last_message_at ? h("p", { class: "muted" }, formatDateTime(t.last_message_at)) : null);
}
