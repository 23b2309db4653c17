// One application at the school's desk: who applied, the child as filed and as matched, where it
// stands in words; the in-person check, approval (choosing among namesakes), rejection with a
// reason, sending a lost one again, and a new code.

import { ApiError, api } from "../api.js";
import { h } from "../dom.js";
import { formatDateTime, formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { schoolFrame } from "../staff.js";
import { errorText, field, form, load } from "../ui.js";
import { TEXT as DESK, fullName } from "./desk.js";

const TEXT = {
  ru: { title: "Заявление", back: "К списку заявлений", applicant: "Заявитель", child: "Ребёнок (как указал родитель)",
    name: "Имя", email: "Почта", phone: "Телефон", verified: "подтверждён", unverified: "не подтверждён",
    relation: "Кем приходится", born: "Дата рождения", cls: "Класс", filed: "Подано", matched: "Ученик школы",
    state: "Состояние", history: "История",
    pending: "Ждёт личной проверки: сверьте паспорт родителя и документ о родстве с данными заявления.",
    checkedPending: "Родитель проверен лично {when}; ждёт решения.",
    approved: "Одобрено {when}; ищем ребёнка в списке класса.",
    stalled: "Одобрено {when}, но ребёнок до сих пор не сопоставлен со списком класса: обработка не дошла. Отправьте заявление снова.",
    awaiting_school_data: "Одобрено {when}; ребёнка пока нет в списке класса. Заявление завершится само, когда школа внесёт ученика.",
    awaiting_choice: "Одобрено {when}; в школе несколько учеников с таким именем. Выберите ребёнка, которого назвал родитель.",
    completed: "Завершено: код доступа отправлен родителю на почту.",
    rejected: "Отклонено {when}. Причина: {reason}", withdrawn: "Родитель отозвал заявление.",
    hFiled: "Подано {when}", hChecked: "Личная проверка {when}", hDecided: "Решение {when}",
    check: "Родитель проверен лично", approve: "Одобрить", again: "Отправить снова",
    choose: "Ребёнок среди учеников школы", chooseApprove: "Одобрить для выбранного ученика",
    candidate: "{name}, класс {cls}, дата рождения {born}", unknown: "не указана", pick: "Выберите ученика.",
    reason: "Причина отказа (родитель получит её письмом)", reject: "Отклонить", rejectTitle: "Отклонить заявление",
    code: "Выслать новый код", codeSent: "Новый код отправлен родителю; прежний больше не действует.",
    doneCheck: "Личная проверка записана.", doneApprove: "Заявление одобрено.", doneReject: "Заявление отклонено.",
    doneChoose: "Ученик выбран, код отправлен родителю." },
  en: { title: "Application", back: "Back to the applications", applicant: "Applicant", child: "Child (as in the application)",
    name: "Name", email: "Email", phone: "Phone", verified: "confirmed", unverified: "not confirmed",
    relation: "Relationship", born: "Birth date", cls: "Class", filed: "Filed", matched: "The school's student",
    state: "State", history: "History",
    pending: "Awaiting the in-person check: compare the parent's passport and proof of relationship with the application.",
    checkedPending: "The parent was checked in person {when}; awaiting the decision.",
    approved: "Approved {when}; looking for the child on the class roster.",
    stalled: "Approved {when}, but the child has still not been matched with the roster: processing was lost. Send it again.",
    awaiting_school_data: "Approved {when}; the child is not on the class roster yet. It completes by itself once the school adds the student.",
    awaiting_choice: "Approved {when}; the school has several students of that name. Choose the child the parent named.",
    completed: "Completed: the access code was emailed to the parent.",
    rejected: "Rejected {when}. Reason: {reason}", withdrawn: "The parent withdrew the application.",
    hFiled: "Filed {when}", hChecked: "Checked in person {when}", hDecided: "Decided {when}",
    check: "Parent checked in person", approve: "Approve", again: "Send again",
    choose: "The child among the school's students", chooseApprove: "Approve for the chosen student",
    candidate: "{name}, class {cls}, born {born}", unknown: "unknown", pick: "Choose the student.",
    reason: "Reason for the rejection (the parent gets it by email)", reject: "Reject", rejectTitle: "Reject the application",
    code: "Send a new code", codeSent: "A new code is on its way to the parent; the old one no longer works.",
    doneCheck: "The in-person check is recorded.", doneApprove: "The application is approved.",
    doneReject: "The application is rejected.", doneChoose: "The student is chosen; the code is on its way to the parent." },
};

const when = (iso) => (iso ? formatDateTime(iso) : "—");
const day = (iso) => (iso ? formatDay(iso, { day: "numeric", month: "long", year: "numeric" }) : tr(TEXT, "unknown"));

export function render(main, { params }) {
  const { schoolId, applicationId } = params;
  const url = `/schools/${schoolId}/applications/${applicationId}`;
  return schoolFrame(main, schoolId, "applications", tr(TEXT, "title"), (school, box) => {
    const show = (done) => load(box, () => api.get(url), (item) => {
      const status = h("p", { class: done ? "notice" : "", role: "status", tabindex: "-1" }, done || "");
      box.append(h("p", {}, h("a", { href: href(`/school/${schoolId}/applications`,
        { state: item.needs_attention ? "needs_attention" : item.state }) }, tr(TEXT, "back"))),
      status, ...details(item), ...actions(item, url, show, status));
      if (done) status.focus();
    });
    show(null);
  });
}

function list(title, rows) {
  return h("section", { class: "desk-part" }, h("h2", {}, title),
    h("dl", { class: "desk-facts" }, rows.filter(Boolean).map(([k, v]) => [h("dt", {}, tr(TEXT, k)), h("dd", {}, v)])));
}

function stateText(item) {
  const decided = when(item.decided_at);
  if (item.state === "pending") {
    return item.checked_at ? tr(TEXT, "checkedPending", { when: when(item.checked_at) }) : tr(TEXT, "pending");
  }
  if (item.needs_attention) return tr(TEXT, "stalled", { when: decided });
  return tr(TEXT, item.state, { when: decided, reason: item.reject_reason || "—" });
}

function details(item) {
  const who = item.applicant || {};
  const m = item.matched_student;
  const history = [["hFiled", item.filed_at], ["hChecked", item.checked_at], ["hDecided", item.decided_at]]
    .filter(([, at]) => at).map(([key, at]) => h("li", {}, tr(TEXT, key, { when: when(at) })));
  return [
    h("section", { class: "desk-part" }, h("h2", {}, tr(TEXT, "state")),
      h("p", { class: item.needs_attention ? "desk-alert" : "" }, stateText(item)),
      h("h3", {}, tr(TEXT, "history")), h("ul", {}, history)),
    list(tr(TEXT, "applicant"), [["name", who.name || "—"], ["email", who.email || "—"],
      ["phone", who.phone ? `${who.phone} (${tr(TEXT, who.phone_verified ? "verified" : "unverified")})` : "—"],
      ["relation", tr(DESK, item.relation)]]),
    list(tr(TEXT, "child"), [["name", fullName(item.child_last_name, item.child_first_name, item.child_middle_name)],
      ["born", day(item.child_birth_date)], ["cls", item.class_name], ["filed", when(item.filed_at)]]),
    m ? list(tr(TEXT, "matched"), [["name", fullName(m.last_name, m.first_name, m.middle_name)],
      ["born", day(m.birth_date)]]) : null,
  ].filter(Boolean);
}

function actions(item, url, show, status) {
  const out = [];
  // A button that posts, then shows the application again with what happened announced.
  const act = (label, path, body, done, className) => h("button", { type: "button", class: className,
    onclick: async (event) => {
      event.target.disabled = true;
      try { await api.post(`${url}/${path}`, body); show(tr(TEXT, done)); } catch (error) {
        event.target.disabled = false;
        status.className = "form-error";
        status.textContent = errorText(error);
        status.focus();
      }
    } }, label);
  const buttons = h("div", { class: "actions" });
  if (item.state === "pending" && !item.checked_at) buttons.append(act(tr(TEXT, "check"), "check", { confirmed: true }, "doneCheck"));
  if (item.state === "pending" && item.checked_at) buttons.append(act(tr(TEXT, "approve"), "approve", {}, "doneApprove"));
  if (item.needs_attention) buttons.append(act(tr(TEXT, "again"), "approve", {}, "doneApprove"));
  if (item.state === "completed") {
    buttons.append(h("button", { type: "button", class: "secondary", onclick: async (event) => {
      event.target.disabled = true;
      try { await api.post(`${url}/code`); status.className = "notice"; status.textContent = tr(TEXT, "codeSent"); } catch (error) {
        status.className = "form-error";
        status.textContent = errorText(error);
      }
      event.target.disabled = false;
      status.focus();
    } }, tr(TEXT, "code")));
  }
  if (buttons.childElementCount) out.push(buttons);
  if (item.state === "awaiting_choice" && item.candidates.length) out.push(chooser(item, url, show));
  if (item.state === "pending" || item.state === "awaiting_choice") out.push(rejecter(url, show));
  return out;
}

function chooser(item, url, show) {
  const legendId = `choose-${item.application_id}`;
  const radios = item.candidates.map((c, i) => {
    const id = `${legendId}-${i}`;
    return h("div", { class: "check" }, h("input", { type: "radio", id, name: "student_id", value: c.student_id,
      "aria-describedby": `${legendId}-error` }),
    h("label", { for: id }, tr(TEXT, "candidate", { name: fullName(c.last_name, c.first_name, c.middle_name),
      cls: c.class_name || "—", born: day(c.birth_date) })));
  });
  const group = h("fieldset", { class: "field", "data-field": "student_id" }, h("legend", {}, tr(TEXT, "choose")),
    radios, h("p", { class: "field-error", id: `${legendId}-error`, hidden: true }));
  return h("section", { class: "desk-part" }, form({ fields: [group], submitLabel: tr(TEXT, "chooseApprove"),
    submit: async (values) => {
      if (!values.student_id) throw new ApiError(422, { field: "student_id", message: tr(TEXT, "pick") });
      await api.post(`${url}/approve`, { student_id: values.student_id }); show(tr(TEXT, "doneChoose")); } }));
}

function rejecter(url, show) {
  const reason = field({ name: "reason", label: tr(TEXT, "reason"), maxlength: 500, required: true, autocomplete: "off" });
  const node = form({ fields: [reason], submitLabel: tr(TEXT, "reject"),
    submit: async (values) => { await api.post(`${url}/reject`, { reason: values.reason.trim() }); show(tr(TEXT, "doneReject")); } });
  node.querySelector("button[type=submit]").className = "secondary"; // not the page's main action
  return h("section", { class: "desk-part" }, h("h2", {}, tr(TEXT, "rejectTitle")), node);
}
