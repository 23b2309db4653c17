// School events and parent meetings of the child's class (a week back to three months ahead), and
// the calendar subscription: the secret link is shown once, so the page makes it on request and
// offers it to copy (or to select from a read-only field where the clipboard is not allowed).

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { childPage, errorText, load, timeSpan } from "../ui.js";

const TEXT = {
  ru: { events: "Школьные события", meetings: "Родительские собрания", noEvents: "Событий нет.",
    noMeetings: "Собраний нет.", place: "Место: {place}", calendar: "Подписка на календарь",
    calendarHint: "Домашние задания, события и собрания в вашем календаре (Google, Apple, Outlook). Ссылка секретная: её показывают один раз, новая ссылка отменяет прежнюю.",
    make: "Получить ссылку", remake: "Сделать новую ссылку", link: "Ссылка на календарь", copy: "Скопировать ссылку",
    copied: "Ссылка скопирована.", copyFailed: "Скопировать не удалось: выделите ссылку в поле и скопируйте её.",
    made: "Новая ссылка готова; прежняя больше не работает.", wholeSchool: "для всей школы" },
  en: { events: "School events", meetings: "Parent meetings", noEvents: "No events.",
    noMeetings: "No meetings.", place: "Place: {place}", calendar: "Calendar subscription",
    calendarHint: "Homework, events and meetings in your calendar (Google, Apple, Outlook). The link is secret: it is shown once, and a new link cancels the previous one.",
    make: "Get the link", remake: "Make a new link", link: "Calendar link", copy: "Copy the link",
    copied: "The link is copied.", copyFailed: "Could not copy: select the link in the field and copy it.",
    made: "A new link is ready; the previous one no longer works.", wholeSchool: "for the whole school" },
};

export async function render(main, { params }) {
  const child = await childPage(main, params.studentId, "events");
  if (!child) return;
  const id = child.student_id;
  const sees = (part) => child.role === "parent" || child.scope.includes(part);
  const box = h("div");
  main.append(box);
  await load(box, () => Promise.all([
    sees("events") ? api.get(`/children/${id}/events`) : null,
    sees("meetings") ? api.get(`/children/${id}/meetings`) : null,
  ]), ([events, meetings]) => {
    if (events) {
      box.append(h("h2", {}, tr(TEXT, "events")), events.items.length
        ? h("ul", { class: "event-list" }, events.items.map((e) => h("li", {},
          h("p", {}, h("strong", {}, e.title)), h("p", {}, formatDay(e.date), " ", timeSpan(e.starts_at, e.ends_at),
            e.whole_school ? h("span", { class: "muted" }, " · ", tr(TEXT, "wholeSchool")) : null),
          e.place ? h("p", {}, tr(TEXT, "place", { place: e.place })) : null,
          e.description ? h("p", { class: "message-body" }, e.description) : null)))
        : h("p", {}, tr(TEXT, "noEvents")));
    }
    if (meetings) {
      box.append(h("h2", {}, tr(TEXT, "meetings")), meetings.items.length
        ? h("ul", { class: "event-list" }, meetings.items.map((m) => h("li", {},
          h("p", {}, h("strong", {}, formatDay(m.date), " ", m.starts_at)),
          h("p", {}, tr(TEXT, "place", { place: m.place })), h("p", { class: "message-body" }, m.agenda))))
        : h("p", {}, tr(TEXT, "noMeetings")));
    }
  });
  main.append(calendarSection(id));
}

function calendarSection(studentId) {
  const status = h("p", { role: "status" });
  const slot = h("div");
  const button = h("button", { type: "button" }, tr(TEXT, "make"));
  button.addEventListener("click", async () => {
    const hadLink = slot.childElementCount > 0;
    button.disabled = true;
    status.textContent = "";
    try {
      const made = await api.post(`/children/${studentId}/calendar-token`);
      showLink(slot, status, new URL("/api" + made.url, location.origin).href);
      button.textContent = tr(TEXT, "remake");
      if (hadLink) status.textContent = tr(TEXT, "made");
    } catch (error) {
      status.textContent = errorText(error);
    } finally {
      button.disabled = false;
    }
  });
  return h("section", { class: "calendar" }, h("h2", {}, tr(TEXT, "calendar")),
    h("p", { class: "hint" }, tr(TEXT, "calendarHint")), slot, h("div", { class: "actions" }, button), status);
}

function showLink(slot, status, url) {
  const input = h("input", { id: "calendar-link", type: "text", readonly: true, value: url });
  const copy = h("button", { type: "button", class: "secondary" }, tr(TEXT, "copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = tr(TEXT, "copied");
    } catch {
      // No clipboard (an insecure origin, a refused permission): the link stays selectable in the field.
      input.focus();
      input.select();
      status.textContent = tr(TEXT, "copyFailed");
    }
  });
  replace(slot, h("div", { class: "field" }, h("label", { for: "calendar-link" }, tr(TEXT, "link")), input),
    h("div", { class: "actions" }, copy));
}
