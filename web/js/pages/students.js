// A class's roster by surname (?class=<class id>, the first class when none is named): add a
// student, correct a name or birth date, or move a student to another class (PATCH, only what changed).

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { addForm, allItems, byName, schoolFrame, table } from "../staff.js";
import { field, form, load, paged } from "../ui.js";

const TEXT = {
  ru: { title: "Ученики", className: "Класс", show: "Показать", roster: "Список класса {name}",
    last: "Фамилия", first: "Имя", middle: "Отчество (если есть)", birth: "Дата рождения", actions: "Действия",
    edit: "Изменить", editing: "Изменить: {name}", save: "Сохранить", cancel: "Отмена", add: "Добавить ученика",
    saved: "Сохранено: {name}.", moved: "{name} теперь в классе {class}.", none: "В этом классе пока нет учеников.",
    noClasses: "В школе ещё нет классов: добавьте их в разделе", structure: "Структура" },
  en: { title: "Students", className: "Class", show: "Show", roster: "Roster of {name}",
    last: "Surname", first: "First name", middle: "Patronymic (if any)", birth: "Date of birth", actions: "Actions",
    edit: "Edit", editing: "Edit: {name}", save: "Save", cancel: "Cancel", add: "Add a student",
    saved: "Saved: {name}.", moved: "{name} is now in class {class}.", none: "No students in this class yet.",
    noClasses: "The school has no classes yet: add them under", structure: "Structure" },
};

const t = (key, params) => tr(TEXT, key, params);
const fullName = (s) => [s.last_name, s.first_name, s.middle_name].filter(Boolean).join(" ");
const PARTS = [["last_name", "last"], ["first_name", "first"], ["middle_name", "middle"], ["birth_date", "birth"]];

export function render(main, { params, query }) {
  const id = params.schoolId;
  return schoolFrame(main, id, "students", t("title"), (school, box) => load(box, () => allItems(`/schools/${id}/classes`).then((all) => all.sort(byName)), (classes) => {
    if (!classes.length) {
      box.append(h("p", {}, t("noClasses"), " ", h("a", { href: href(`/school/${id}/structure`) }, t("structure"))));
      return;
    }
    const chosen = classes.find((c) => c.class_id === query.class) || classes[0];
    const options = classes.map((c) => [c.class_id, c.name]);
    const className = new Map(options);
    const classField = (name = "class_id") => {
      const f = field({ name, label: t("className"), kind: "select", options, required: true });
      f.control.value = chosen.class_id;
      return f;
    };
    const pick = classField("class");
    const chooser = h("form", { class: "term-selector" }, pick, h("button", { type: "submit", class: "secondary" }, t("show")));
    chooser.addEventListener("submit", (event) => {
      event.preventDefault();
      location.hash = href(`/school/${id}/students`, { class: pick.control.value }).slice(1);
    });

    const said = h("p", { class: "added", role: "status" });
    const editor = h("div");
    const roster = table(t("roster", { name: chosen.name }), [t("last"), t("first"), t("middle"), t("birth"), t("actions")]);
    const cells = (s) => [s.last_name, s.first_name, s.middle_name || "—",
      s.birth_date ? formatDay(s.birth_date, { day: "numeric", month: "long", year: "numeric" }) : "—"].map((x) => h("td", {}, x));
    const row = (student) => {
      const node = h("tr");
      const button = h("button", { type: "button", class: "secondary", onclick: () => edit(student, node, button) },
        t("edit"), h("span", { class: "visually-hidden" }, ` ${fullName(student)}`));
      node.append(...cells(student), h("td", {}, button));
      return node;
    };
    const edit = (student, node, button) => {
      const fields = PARTS.map(([name, key]) => field({ name, label: t(key), required: name !== "middle_name",
        type: name === "birth_date" ? "date" : "text", value: student[name] || "", maxlength: 120 }));
      fields.push(classField());
      const close = () => { editor.replaceChildren(); button.focus(); };
      const change = form({ fields, submitLabel: t("save"), extra: [h("button", { type: "button", class: "secondary", onclick: close }, t("cancel"))],
        submit: async (values) => {
          const changes = Object.fromEntries(Object.entries(values)
            .map(([k, v]) => [k, v.trim()]).filter(([k, v]) => v && v !== (student[k] || "")));
          const changed = Object.keys(changes).length ? await api.patch(`/schools/${id}/students/${student.student_id}`, changes) : student;
          editor.replaceChildren();
          if (changed.class_id !== chosen.class_id) {
            node.remove();
            said.textContent = t("moved", { name: fullName(changed), class: className.get(changed.class_id) });
            pick.control.focus();
          } else {
            const fresh = row(changed);
            node.replaceWith(fresh);
            said.textContent = t("saved", { name: fullName(changed) });
            fresh.querySelector("button").focus();
          }
        } });
      editor.replaceChildren(h("section", { class: "editor" }, h("h2", {}, t("editing", { name: fullName(student) })), change));
      fields[0].control.focus();
    };

    const rosterBox = h("div");
    paged(rosterBox, roster, (cursor) => api.get(`/schools/${id}/students`, { class_id: chosen.class_id, limit: 50, cursor }),
      (items, list) => list.body.append(...items.map(row)), () => h("p", {}, t("none")));
    const adding = PARTS.map(([name, key]) => field({ name, label: t(key), required: name !== "middle_name",
      type: name === "birth_date" ? "date" : "text", maxlength: 120 }));
    adding.push(classField());
    box.append(chooser, said, rosterBox, editor, addForm({ title: t("add"), submitLabel: t("add"), fields: adding,
      submit: (values) => api.post(`/schools/${id}/students`, Object.fromEntries(Object.entries(values)
        .map(([k, v]) => [k, v.trim()]).filter(([, v]) => v))),
      say: (s) => t("saved", { name: fullName(s) }),
      added: (s) => {
        adding[adding.length - 1].control.value = chosen.class_id;
        if (s.class_id !== chosen.class_id) return;
        rosterBox.querySelector("p:not([role])")?.remove(); // "no students yet"
        if (!rosterBox.contains(roster)) rosterBox.prepend(roster);
        roster.body.append(row(s));
      } }));
  }));
}
