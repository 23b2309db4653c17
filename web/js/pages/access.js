// Who sees the child's diary (parents only): invite a student, relative or tutor by email with the
// parts they may see; pending invitations (a new code, cancel); current viewers (revoke); and the
// audit trail of who opened what and who changed access, newest first.

import { ApiError, api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, tr } from "../i18n.js";
import { forgetChildren } from "../family.js";
import { sectionTitle } from "../child-nav.js";
import { checkbox, childFrame, errorText, field, form, load, notice, paged } from "../ui.js";

const PARTS = ["grades", "homework", "attendance", "schedule", "events", "meetings", "statistics"];

const TEXT = {
  ru: { parentsOnly: "Доступом к дневнику управляют родители ребёнка.",
    invite: "Пригласить", inviteIntro: "Приглашённый получит письмо с кодом и увидит только отмеченные разделы.",
    email: "Электронная почта приглашаемого", role: "Кто это", student: "Ученик (сам ребёнок)", relative: "Родственник", tutor: "Репетитор",
    scope: "Что будет видно", send: "Отправить приглашение", sent: "Приглашение отправлено на {email}.",
    pickPart: "Отметьте хотя бы один раздел.",
    grades: "Оценки", homework: "Домашние задания", attendance: "Посещаемость", schedule: "Расписание",
    events: "События школы", meetings: "Родительские собрания", statistics: "Статистика", profile: "Карточка ребёнка",
    pending: "Приглашения, ждущие ответа", noPending: "Нет приглашений, ждущих ответа.", validUntil: "код действует до {when}",
    renew: "Отправить новый код", renewed: "Новый код отправлен на {email}.", cancel: "Отменить приглашение", cancelled: "Приглашение на {email} отменено.",
    viewers: "Кто видит дневник", noViewers: "Кроме родителей, дневник никто не видит.", since: "с {when}",
    revoke: "Закрыть доступ", revoked: "Доступ для {name} закрыт.",
    audit: "Журнал доступа", auditCaption: "Кто открывал дневник и менял доступ, сначала новое", noAudit: "Записей пока нет.",
    when: "Когда", who: "Кто", what: "Что", former: "доступ закрыт",
    opened: "открыл(а) раздел «{part}»", guardian_linked: "получил(а) доступ как родитель",
    invitation_sent: "пригласил(а) {subject}", invitation_accepted: "принял(а) приглашение",
    invitation_revoked: "отменил(а) приглашение для {subject}", viewer_revoked: "закрыл(а) доступ для {subject}",
    access_code_renewed: "запросил(а) новый код для {subject}", code_reissued: "выдал(а) новый код",
    calendar_token_issued: "создал(а) ссылку на календарь", someone: "неизвестно" },
  en: { parentsOnly: "The child's parents manage access to the diary.",
    invite: "Invite", inviteIntro: "The invited person gets an email with a code and sees only the parts ticked.",
    email: "Email of the person invited", role: "Who they are", student: "Student (the child)", relative: "Relative", tutor: "Tutor",
    scope: "What they will see", send: "Send the invitation", sent: "The invitation went to {email}.",
    pickPart: "Tick at least one part.",
    grades: "Grades", homework: "Homework", attendance: "Attendance", schedule: "Timetable",
    events: "School events", meetings: "Parent meetings", statistics: "Statistics", profile: "Child's card",
    pending: "Invitations awaiting an answer", noPending: "No invitations awaiting an answer.", validUntil: "code valid until {when}",
    renew: "Send a new code", renewed: "A new code went to {email}.", cancel: "Cancel the invitation", cancelled: "The invitation to {email} is cancelled.",
    viewers: "Who sees the diary", noViewers: "Nobody but the parents sees the diary.", since: "since {when}",
    revoke: "End access", revoked: "Access for {name} has ended.",
    audit: "Access log", auditCaption: "Who opened the diary and changed access, newest first", noAudit: "No entries yet.",
    when: "When", who: "Who", what: "What", former: "access ended",
    opened: "opened “{part}”", guardian_linked: "got access as a parent",
    invitation_sent: "invited {subject}", invitation_accepted: "accepted the invitation",
    invitation_revoked: "cancelled the invitation for {subject}", viewer_revoked: "ended access for {subject}",
    access_code_renewed: "asked for a new code for {subject}", code_reissued: "issued a new code",
    calendar_token_issued: "made a calendar link", someone: "unknown" },
};

export function render(main, { params }) {
  const id = params.studentId;
  return childFrame(main, id, "access", sectionTitle("access"), (child, box) => {
    if (child.role !== "parent") { box.append(h("p", { class: "load-error", role: "alert" }, tr(TEXT, "parentsOnly"))); return; }
    const pending = h("div");
    const viewers = h("div");
    const audit = h("div");
    box.append(section("invite", inviteForm(id, () => { showPending(pending, id); showAudit(audit, id); })),
      section("pending", pending), section("viewers", viewers), section("audit", audit));
    showPending(pending, id);
    showViewers(viewers, id);
    showAudit(audit, id);
  });
}

function section(key, ...content) {
  return h("section", { "aria-labelledby": `access-${key}` }, h("h2", { id: `access-${key}` }, tr(TEXT, key)), content);
}

const scopeText = (scope) => scope.map((part) => tr(TEXT, part)).join(", ");

function inviteForm(id, invited) {
  const email = field({ name: "email", label: tr(TEXT, "email"), type: "email", autocomplete: "off", required: true });
  const role = field({ name: "role", label: tr(TEXT, "role"), kind: "select",
    options: ["tutor", "relative", "student"].map((r) => [r, tr(TEXT, r)]) });
  const scope = h("fieldset", { class: "field", "data-field": "scope" }, h("legend", {}, tr(TEXT, "scope")),
    PARTS.map((part) => checkbox({ name: "scope", value: part, label: tr(TEXT, part) })),
    h("p", { class: "field-error", hidden: true }));
  return h("div", {}, h("p", {}, tr(TEXT, "inviteIntro")), form({
    fields: [email, role, scope],
    submitLabel: tr(TEXT, "send"),
    submit: async (values, node) => {
      const parts = [...node.querySelectorAll('input[name="scope"]:checked')].map((input) => input.value);
      if (!parts.length) throw new ApiError(422, { code: "required", field: "scope", message: tr(TEXT, "pickPart") });
      const address = values.email.trim();
      await api.post(`/children/${id}/invitations`, { email: address, role: values.role, scope: parts });
      node.reset();
      node.querySelector(".notice")?.remove();
      notice(node, tr(TEXT, "sent", { email: address }));
      invited();
    },
  }));
}

// A button that runs an action and says what came of it in the row's live line.
function action(label, status, run) {
  return h("button", { type: "button", class: "secondary", onclick: async (event) => {
    event.target.disabled = true;
    try {
      status.className = "notice";
      status.textContent = await run();
    } catch (error) {
      status.className = "form-error";
      status.textContent = errorText(error);
    }
    event.target.disabled = false;
  } }, label);
}

function showPending(box, id) {
  return paged(box, h("ul", { class: "cards" }), (cursor) => api.get(`/children/${id}/invitations`, { limit: 50, cursor }),
    (items, list) => list.append(...items.filter((i) => i.state === "pending").map((inv) => {
      const status = h("p", { role: "status" });
      const node = h("li", { class: "card" }, h("h3", {}, inv.email),
        h("p", {}, `${tr(TEXT, inv.role)} · ${scopeText(inv.scope)}`),
        h("p", { class: "muted" }, tr(TEXT, "validUntil", { when: formatDateTime(inv.valid_until) })),
        h("div", { class: "actions" },
          action(tr(TEXT, "renew"), status, async () => {
            await api.post(`/children/${id}/invitations/${inv.invitation_id}/code`);
            return tr(TEXT, "renewed", { email: inv.email });
          }),
          action(tr(TEXT, "cancel"), status, async () => {
            await api.delete(`/children/${id}/invitations/${inv.invitation_id}`);
            for (const button of node.querySelectorAll("button")) button.remove();
            return tr(TEXT, "cancelled", { email: inv.email });
          })), status);
      return node;
    })), () => h("p", {}, tr(TEXT, "noPending")));
}

function showViewers(box, id) {
  return load(box, () => api.get(`/children/${id}/viewers`), (page) => {
    if (!page.items.length) { box.append(h("p", {}, tr(TEXT, "noViewers"))); return; }
    box.append(h("ul", { class: "cards" }, page.items.map((viewer) => {
      const status = h("p", { role: "status" });
      const name = viewer.name || viewer.email || tr(TEXT, "someone");
      const node = h("li", { class: "card" }, h("h3", {}, name),
        viewer.email && viewer.name ? h("p", { class: "muted" }, viewer.email) : null,
        h("p", {}, `${tr(TEXT, viewer.role)} · ${scopeText(viewer.scope)}`),
        viewer.since ? h("p", { class: "muted" }, tr(TEXT, "since", { when: formatDateTime(viewer.since) })) : null,
        h("div", { class: "actions" }, action(tr(TEXT, "revoke"), status, async () => {
          await api.delete(`/children/${id}/viewers/${viewer.account_id}`);
          for (const button of node.querySelectorAll("button")) button.remove();
          forgetChildren();
          return tr(TEXT, "revoked", { name });
        })), status);
      return node;
    })));
  });
}

function person(p, fallback) {
  if (!p) return fallback || tr(TEXT, "someone");
  const name = p.name || fallback || tr(TEXT, "someone");
  return `${name} (${p.role_label}${p.revoked_at ? ", " + tr(TEXT, "former") : ""})`;
}

function what(entry) {
  const subject = entry.subject_person ? (entry.subject_person.name || entry.subject || tr(TEXT, "someone")) : (entry.subject || "");
  const part = entry.part ? tr(TEXT, entry.part) : "";
  const known = TEXT.ru[entry.action] !== undefined;
  return known ? tr(TEXT, entry.action, { part, subject }) : entry.action;
}

function showAudit(box, id) {
  const body = h("tbody");
  const table = h("div", { class: "table-wrap" }, h("table", {}, h("caption", {}, tr(TEXT, "auditCaption")),
    h("thead", {}, h("tr", {}, ["when", "who", "what"].map((k) => h("th", { scope: "col" }, tr(TEXT, k))))), body));
  return paged(box, table, (cursor) => api.get(`/children/${id}/audit`, { limit: 20, cursor }),
    (items) => body.append(...items.map((entry) => h("tr", {},
      h("td", {}, entry.at ? formatDateTime(entry.at) : "—"),
      h("td", {}, person(entry.actor)),
      h("td", {}, what(entry))))), () => h("p", {}, tr(TEXT, "noAudit")));
}
