// School news: post it for the whole school or chosen classes (POST …/news) and see how each item's
// delivery goes (GET …/news, newest first): emails and SMS sent, SMS held for the morning, failed.
// While an item is still being sent its counts are read again (GET …/news/{id}) every few seconds,
// a bounded number of times; the start and the end of a delivery are announced politely.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { audience, allItems, schoolFrame } from "../staff.js";
import { field, form, load, paged } from "../ui.js";

const POLL_MS = 3000, POLLS = 40; // two minutes, then a button to look again

const TEXT = {
  ru: {
    title: "Новости", post: "Опубликовать новость", name: "Заголовок", body: "Текст",
    list: "Опубликованные новости", none: "Новостей ещё нет.", wholeSchool: "вся школа",
    queued: "в очереди", sending: "идёт рассылка", done: "разослано", recipients: "Получателей",
    emails: "Писем отправлено", sms: "SMS отправлено", held: "SMS ждут утра", failed: "Не доставлено",
    counts: "Доставка: {title}", again: "Обновить счётчики",
    posted: "Новость «{title}» опубликована, рассылка началась.", finished: "Рассылка «{title}» закончена: писем {emails}, SMS {sms}, ждут утра {held}, не доставлено {failed}.",
  },
  en: {
    title: "News", post: "Post news", name: "Title", body: "Text",
    list: "Posted news", none: "No news yet.", wholeSchool: "whole school",
    queued: "queued", sending: "sending", done: "sent", recipients: "Recipients",
    emails: "Emails sent", sms: "SMS sent", held: "SMS held for the morning", failed: "Failed",
    counts: "Delivery: {title}", again: "Refresh the counts",
    posted: "The news “{title}” is posted; delivery has started.", finished: "Delivery of “{title}” has finished: emails {emails}, SMS {sms}, held {held}, failed {failed}.",
  },
};
const COUNTS = [["recipients", "recipients"], ["emails", "emails_sent"], ["sms", "sms_sent"], ["held", "held"], ["failed", "failed"]];

export function render(main, { params }) {
  const s = `/schools/${params.schoolId}`;
  return schoolFrame(main, params.schoolId, "news", tr(TEXT, "title"), (school, box) =>
    load(box, () => allItems(`${s}/classes`), (classes) => {
      const live = h("p", { class: "notice live", role: "status", "aria-live": "polite", tabindex: "-1" });
      const names = new Map(classes.map((c) => [c.class_id, c.name]));
      const list = h("ul", { class: "news-list" });
      const listBox = h("div");
      const ctx = { s, live, names };
      box.append(live, postForm(s, classes, (item) => {
        if (!list.isConnected) replace(listBox, list);
        list.prepend(itemView(ctx, item));
        live.textContent = tr(TEXT, "posted", { title: item.title });
        live.focus();
      }), h("h2", {}, tr(TEXT, "list")), listBox);
      paged(listBox, list, (cursor) => api.get(`${s}/news`, { limit: 20, cursor }),
        (items) => list.append(...items.map((item) => itemView(ctx, item))),
        () => h("p", {}, tr(TEXT, "none")));
    }));
}

function itemView(ctx, item) {
  const values = new Map(COUNTS.map(([key]) => [key, h("dd", {})]));
  const state = h("span", {});
  const after = h("div", {});
  const li = h("li", { class: "news-item" }, h("h3", {}, item.title),
    h("p", { class: "muted" }, item.created_at ? formatDateTime(item.created_at) : "", " · ",
      item.class_ids.length ? item.class_ids.map((c) => ctx.names.get(c) || c).join(", ") : tr(TEXT, "wholeSchool"),
      " · ", state),
    h("p", { class: "message-body" }, item.body),
    h("dl", { class: "counts", "aria-label": tr(TEXT, "counts", { title: item.title }) },
      COUNTS.map(([key]) => h("div", {}, h("dt", {}, tr(TEXT, key)), values.get(key)))), after);
  const show = (n) => {
    state.textContent = tr(TEXT, n.state);
    for (const [key, name] of COUNTS) values.get(key).textContent = String(n[name] ?? 0);
  };
  show(item);
  if (item.state !== "done") watch(ctx, li, item, show, after);
  return li;
}

/** Reads the item again every few seconds while it is being sent, at most POLLS times. */
function watch(ctx, li, item, show, after) {
  let polls = 0;
  const tick = async () => {
    if (!li.isConnected) return; // the page was left
    if (polls++ >= POLLS) {
      replace(after, h("button", { type: "button", class: "secondary",
        onclick: () => { replace(after); watch(ctx, li, item, show, after); } }, tr(TEXT, "again")));
      return;
    }
    try { item = await api.get(`${ctx.s}/news/${item.news_id}`); show(item); } catch { /* next time */ }
    if (item.state === "done") {
      ctx.live.textContent = tr(TEXT, "finished", { title: item.title, emails: item.emails_sent, sms: item.sms_sent,
        held: item.held, failed: item.failed });
      return;
    }
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
}

function postForm(s, classes, posted) {
  const who = audience(classes);
  const fields = [field({ name: "title", label: tr(TEXT, "name"), required: true, maxlength: 200 }),
    field({ name: "body", label: tr(TEXT, "body"), kind: "textarea", rows: 4, required: true, maxlength: 4000 }),
    ...who.fields];
  const node = form({ fields, submitLabel: tr(TEXT, "post"), submit: async (v, formNode) => {
    const body = { title: v.title.trim(), body: v.body.trim(), class_ids: who.classIds(formNode, v) };
    posted(await api.post(`${s}/news`, body));
    formNode.reset();
    who.reset();
  } });
  return h("section", {}, h("h2", {}, tr(TEXT, "post")), node);
}
