// The school's structure: classes, subjects, terms, teachers (grant by email, remove after a
// confirmation), who teaches what to which class, and the teachings uploads named for people not
// registered yet. Classes, subjects and teachers are read whole (the forms offer each as a choice);
// teachings and pending teachers page by page.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { addForm, allItems, byName, confirmButton, schoolFrame, table } from "../staff.js";
import { field, load, paged } from "../ui.js";

const TEXT = {
  ru: { title: "Структура", classes: "Классы", subjects: "Предметы", terms: "Четверти и триместры",
    teachers: "Учителя", teachings: "Кто что ведёт", pending: "Учителя, которые ещё не вошли",
    name: "Название", grade: "Год обучения", gradeHint: "Число от −1 до 11 (−1 и 0 — дошкольные группы).",
    starts: "Первый день", ends: "Последний день", email: "Электронная почта", teacher: "Учитель",
    className: "Класс", subject: "Предмет", person: "Имя", actions: "Действия",
    addClass: "Добавить класс", addSubject: "Добавить предмет", addTerm: "Добавить четверть",
    grant: "Сделать учителем", grantHint: "Человек должен сначала зарегистрироваться с этим адресом.",
    assign: "Назначить", remove: "Убрать", removeAsk: "Убрать {name} из учителей? Его назначения тоже снимутся.",
    removed: "{name} больше не учитель школы.", assigned: "Назначено: {teacher} — {class}, {subject}.",
    none: "Пока пусто.", noPending: "Все учителя из загрузок уже вошли." },
  en: { title: "Structure", classes: "Classes", subjects: "Subjects", terms: "Terms",
    teachers: "Teachers", teachings: "Who teaches what", pending: "Teachers who have not signed in yet",
    name: "Name", grade: "Grade", gradeHint: "A number from −1 to 11 (−1 and 0: pre-school groups).",
    starts: "First day", ends: "Last day", email: "Email", teacher: "Teacher",
    className: "Class", subject: "Subject", person: "Name", actions: "Actions",
    addClass: "Add a class", addSubject: "Add a subject", addTerm: "Add a term",
    grant: "Add a teacher", grantHint: "The person must register with this address first.",
    assign: "Assign", remove: "Remove", removeAsk: "Remove {name} from the teachers? Their assignments go too.",
    removed: "{name} is no longer a teacher of the school.", assigned: "Assigned: {teacher} — {class}, {subject}.",
    none: "Nothing yet.", noPending: "Every teacher from the uploads has signed in." },
};

const t = (key, params) => tr(TEXT, key, params);
const cell = (...children) => h("td", {}, ...children);

export function render(main, { params }) {
  const id = params.schoolId;
  const path = (what) => `/schools/${id}/${what}`;
  return schoolFrame(main, id, "structure", t("title"), (school, box) => load(box, () => Promise.all(
    ["classes", "subjects", "teachers"].map((what) => allItems(path(what)))), ([classes, subjects, teachers]) => {
    const names = { class: new Map(), subject: new Map(), teacher: new Map() };
    const said = h("p", { class: "added", role: "status", tabindex: "-1" });
    // Each choice list of the teaching form, kept in step with the tables above it.
    const choose = (name, label) => field({ name, label, kind: "select", required: true, options: [["", "—"]] });
    const pick = { teacher_id: choose("teacher_id", t("teacher")), class_id: choose("class_id", t("className")),
      subject_id: choose("subject_id", t("subject")) };
    const known = (kind, itemId, text) => {
      names[kind].set(itemId, text);
      pick[`${kind}_id`].control.append(h("option", { value: itemId }, text));
    };

    const classTable = table(t("classes"), [t("name"), t("grade")], true);
    const classRow = (c) => { known("class", c.class_id, c.name); classTable.body.append(h("tr", {}, cell(c.name), cell(c.grade_level ?? "—"))); };
    classes.sort(byName).forEach(classRow);
    const subjectTable = table(t("subjects"), [t("name")], true);
    const subjectRow = (s) => { known("subject", s.subject_id, s.name); subjectTable.body.append(h("tr", {}, cell(s.name))); };
    subjects.sort(byName).forEach(subjectRow);
    const teacherTable = table(t("teachers"), [t("person"), t("email"), t("actions")], true);
    const teacherRow = (p) => {
      known("teacher", p.account_id, p.name);
      const row = h("tr", {}, cell(p.name), cell(p.email));
      row.append(cell(confirmButton([t("remove"), h("span", { class: "visually-hidden" }, ` ${p.name}`)], t("removeAsk", { name: p.name }), async () => {
        await api.delete(path(`teachers/${p.account_id}`));
        row.remove();
        pick.teacher_id.control.querySelector(`option[value="${CSS.escape(p.account_id)}"]`)?.remove();
        said.textContent = t("removed", { name: p.name });
        showTeachings();
        said.focus();
      }, said)));
      teacherTable.body.append(row);
    };
    teachers.forEach(teacherRow);

    const termTable = table(t("terms"), [t("name"), t("starts"), t("ends")], true);
    const day = (iso) => formatDay(iso, { day: "numeric", month: "long", year: "numeric" });
    const termRow = (term) => termTable.body.append(h("tr", {}, cell(term.name), cell(day(term.starts_on)), cell(day(term.ends_on))));
    const termBox = h("div");
    load(termBox, () => api.get(path("terms")), (page) => { termBox.append(termTable); page.items.forEach(termRow); });

    const teachingBox = h("div");
    const showTeachings = () => paged(teachingBox, table(t("teachings"), [t("teacher"), t("className"), t("subject")], true),
      (cursor) => api.get(path("teachings"), { limit: 50, cursor }), (items, list) => list.body.append(...items.map((x) =>
        h("tr", {}, cell(names.teacher.get(x.teacher_id) || x.teacher_id), cell(names.class.get(x.class_id) || x.class_id),
          cell(names.subject.get(x.subject_id) || x.subject_id)))), () => h("p", {}, t("none")));
    showTeachings();
    const pendingBox = h("div");
    paged(pendingBox, table(t("pending"), [t("email"), t("className"), t("subject")], true),
      (cursor) => api.get(path("pending-teachers"), { limit: 50, cursor }), (items, list) => list.body.append(...items.map((x) =>
        h("tr", {}, cell(x.email), cell(names.class.get(x.class_id) || x.class_id), cell(names.subject.get(x.subject_id) || x.subject_id)))),
      () => h("p", {}, t("noPending")));

    const text = (name, label, more = {}) => field({ name, label, required: true, ...more });
    box.append(said,
      h("section", {}, h("h2", {}, t("classes")), classTable, addForm({ level: "h3", title: t("addClass"), submitLabel: t("addClass"),
        fields: [text("name", t("name"), { maxlength: 16 }), text("grade_level", t("grade"), { type: "number", min: -1, max: 13, hint: t("gradeHint") })],
        submit: (v) => api.post(path("classes"), { name: v.name.trim(), grade_level: Number(v.grade_level) }), added: classRow })),
      h("section", {}, h("h2", {}, t("subjects")), subjectTable, addForm({ level: "h3", title: t("addSubject"), submitLabel: t("addSubject"),
        fields: [text("name", t("name"), { maxlength: 120 })], submit: (v) => api.post(path("subjects"), { name: v.name.trim() }), added: subjectRow })),
      h("section", {}, h("h2", {}, t("terms")), termBox, addForm({ level: "h3", title: t("addTerm"), submitLabel: t("addTerm"),
        fields: [text("name", t("name"), { maxlength: 120 }), text("starts_on", t("starts"), { type: "date" }), text("ends_on", t("ends"), { type: "date" })],
        submit: (v) => api.post(path("terms"), { name: v.name.trim(), starts_on: v.starts_on, ends_on: v.ends_on }), added: termRow })),
      h("section", {}, h("h2", {}, t("teachers")), teacherTable, addForm({ level: "h3", title: t("grant"), submitLabel: t("grant"),
        fields: [text("email", t("email"), { type: "email", autocomplete: "off", hint: t("grantHint") })],
        submit: (v) => api.post(path("teachers"), { email: v.email.trim() }), added: teacherRow })),
      h("section", {}, h("h2", {}, t("teachings")), teachingBox, addForm({ level: "h3", title: t("assign"), submitLabel: t("assign"),
        fields: Object.values(pick), submit: (v) => api.post(path("teachings"), v),
        say: (x) => t("assigned", { teacher: names.teacher.get(x.teacher_id), class: names.class.get(x.class_id), subject: names.subject.get(x.subject_id) }),
        added: () => showTeachings() })),
      h("section", {}, h("h2", {}, t("pending")), pendingBox));
  }));
}
