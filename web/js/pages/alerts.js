// How the reader hears about one child: the channel per kind of news, SMS (a confirmed phone),
// quiet hours, the evening digest, and thresholds. A viewer hears by email, only within its scope.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { sectionTitle } from "../child-nav.js";
import { checkbox, childFrame, field, form, load, notice } from "../ui.js";

// Which part of the diary each kind is about (domain/alert_rules.py PART_OF_KIND; null: parents only).
const KINDS = [["new_grade", "grades"], ["remark", "grades"], ["absence", "attendance"], ["homework", "homework"],
  ["schedule_change", "schedule"], ["school_event", "events"], ["parent_meeting", "meetings"], ["news", "events"],
  ["message", null]];

const TEXT = {
  ru: { channels: "Как сообщать", kindsLegend: "Канал для каждого вида новостей",
    new_grade: "Новая оценка", remark: "Замечание учителя", absence: "Пропуск или опоздание", homework: "Домашнее задание",
    schedule_change: "Изменение расписания", school_event: "Событие школы", parent_meeting: "Родительское собрание",
    news: "Новости школы", message: "Сообщение от учителя",
    email: "Почта", sms: "SMS", both: "Почта и SMS", none: "Не сообщать",
    smsOff: "SMS недоступны: укажите и подтвердите телефон в", profile: "профиле",
    viewerNote: "Вам приходят письма только о разделах, которые открыл родитель.",
    quiet: "Тихие часы (без SMS)", quietOn: "Не присылать SMS ночью", quietStart: "С", quietEnd: "До",
    quietHint: "Время школы; задержанные SMS придут в конце тихих часов.",
    digest: "Вечерняя сводка", digestOn: "Собирать новости дня в одно письмо вечером",
    thresholds: "Пороги", gradeAtMost: "Сообщать об оценках", everyGrade: "Обо всех оценках", atMost: "Только {n} и ниже",
    absences: "Сообщать о пропусках", all: "Обо всех", unexcused: "Только о неуважительных",
    save: "Сохранить", saved: "Настройки уведомлений сохранены." },
  en: { channels: "How to tell you", kindsLegend: "The channel for each kind of news",
    new_grade: "New grade", remark: "Teacher's remark", absence: "Absence or lateness", homework: "Homework",
    schedule_change: "Timetable change", school_event: "School event", parent_meeting: "Parent meeting",
    news: "School news", message: "Message from a teacher",
    email: "Email", sms: "SMS", both: "Email and SMS", none: "Don't tell me",
    smsOff: "SMS is unavailable: add and confirm a phone in your", profile: "profile",
    viewerNote: "You get emails only about the parts a parent opened to you.",
    quiet: "Quiet hours (no SMS)", quietOn: "No SMS at night", quietStart: "From", quietEnd: "Until",
    quietHint: "School time; held SMS leave when the quiet hours end.",
    digest: "Evening digest", digestOn: "Gather the day's news into one email in the evening",
    thresholds: "Thresholds", gradeAtMost: "Tell me about grades", everyGrade: "Every grade", atMost: "Only {n} and below",
    absences: "Tell me about absences", all: "All of them", unexcused: "Only unexcused ones",
    save: "Save", saved: "Alert settings saved." },
};

export function render(main, { params }) {
  const id = params.studentId;
  return childFrame(main, id, "alerts", sectionTitle("alerts"), (child, box) =>
    load(box, () => api.get(`/children/${id}/alert-preferences`), (prefs) => show(box, child, prefs)));
}

function show(box, child, prefs, message) {
  const parent = prefs.role === "parent";
  const kinds = KINDS.filter(([, part]) => parent || (part !== null && child.scope.includes(part)));
  const offered = parent ? (prefs.sms_available ? ["email", "sms", "both", "none"] : ["email", "none"]) : ["email", "none"];
  const channelFields = kinds.map(([kind]) => {
    const f = field({ name: kind, label: tr(TEXT, kind), kind: "select", options: offered.map((c) => [c, tr(TEXT, c)]) });
    f.control.value = offered.includes(prefs.channels[kind]) ? prefs.channels[kind] : "email";
    return f;
  });
  const channels = h("fieldset", {}, h("legend", {}, tr(TEXT, "kindsLegend")), channelFields,
    parent && !prefs.sms_available ? h("p", { class: "hint" }, tr(TEXT, "smsOff"), " ", h("a", { href: href("/account") }, tr(TEXT, "profile")), ".") : null,
    parent ? null : h("p", { class: "hint" }, tr(TEXT, "viewerNote")));
  const fields = [channels];
  if (parent) {
    const quietOn = checkbox({ name: "quiet_on", label: tr(TEXT, "quietOn"), checked: prefs.quiet_hours !== null });
    const start = field({ name: "start", label: tr(TEXT, "quietStart"), type: "time", value: prefs.quiet_hours?.start || "21:00" });
    const end = field({ name: "end", label: tr(TEXT, "quietEnd"), type: "time", value: prefs.quiet_hours?.end || "08:00" });
    const digest = checkbox({ name: "digest", label: tr(TEXT, "digestOn"), checked: prefs.digest });
    const gradeAtMost = field({ name: "grade_at_most", label: tr(TEXT, "gradeAtMost"), kind: "select",
      options: [["", tr(TEXT, "everyGrade")], ...[4, 3, 2].map((n) => [String(n), tr(TEXT, "atMost", { n })])] });
    gradeAtMost.control.value = prefs.grade_at_most ? String(prefs.grade_at_most) : "";
    const absences = field({ name: "absences", label: tr(TEXT, "absences"), kind: "select",
      options: [["all", tr(TEXT, "all")], ["unexcused", tr(TEXT, "unexcused")]] });
    absences.control.value = prefs.absences;
    fields.push(h("fieldset", { class: "field", "data-field": "quiet_hours" }, h("legend", {}, tr(TEXT, "quiet")),
      h("p", { class: "hint" }, tr(TEXT, "quietHint")), quietOn, h("div", { class: "pair" }, start, end),
      h("p", { class: "field-error", hidden: true })),
    h("fieldset", {}, h("legend", {}, tr(TEXT, "digest")), digest),
    h("fieldset", {}, h("legend", {}, tr(TEXT, "thresholds")), gradeAtMost, absences));
  }
  const node = form({
    fields,
    submitLabel: tr(TEXT, "save"),
    submit: async (values) => {
      const change = { channels: Object.fromEntries(kinds.map(([kind]) => [kind, values[kind]])) };
      if (parent) {
        change.quiet_hours = values.quiet_on ? { start: values.start, end: values.end } : null;
        change.digest = Boolean(values.digest);
        change.grade_at_most = values.grade_at_most ? Number(values.grade_at_most) : null;
        change.absences = values.absences;
      }
      show(box, child, await api.put(`/children/${child.student_id}/alert-preferences`, change), tr(TEXT, "saved"));
    },
  });
  replace(box, h("h2", {}, tr(TEXT, "channels")), node);
  if (message) notice(box, message);
}
