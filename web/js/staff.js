// The school's side of the cabinet: the frames of staff pages (an administrator's school, a teacher's
// class, the operator's) and the pieces several staff pages share. The roles themselves are in
// roles.js (re-exported here). Pages for teachers, administrators and the city operator import from
// here; the shell and the family pages never do, so families never download it.

import { ApiError, api } from "./api.js";
import { account, isOperator, schoolsAs } from "./roles.js";
import { h } from "./dom.js";
import { tr } from "./i18n.js";
import { href } from "./router.js";
import { checkbox, errorText, form, heading, load, retitle } from "./ui.js";

const TEXT = {
  ru: {
    notAdmin: "Вы не администратор этой школы.", notTeacher: "Вы не учитель этой школы.",
    notOperator: "Этот раздел открыт только оператору города.", school: "Школа",
    menu: "Разделы школы", overview: "Школа", applications: "Заявления", uploads: "Загрузки",
    structure: "Структура", students: "Ученики", timetable: "Расписание", events: "События",
    news: "Новости", credentials: "Ключи систем",
    classMenu: "Разделы класса", journal: "Журнал", risk: "Успеваемость", meetings: "Собрания",
    message: "Написать семьям",
  },
  en: {
    notAdmin: "You are not an administrator of this school.", notTeacher: "You are not a teacher of this school.",
    notOperator: "This section is open to the city operator only.", school: "School",
    menu: "School sections", overview: "School", applications: "Applications", uploads: "Uploads",
    structure: "Structure", students: "Students", timetable: "Timetable", events: "Events",
    news: "News", credentials: "System keys",
    classMenu: "Class sections", journal: "Journal", risk: "Progress", meetings: "Meetings",
    message: "Write to families",
  },
};

export { account, homeOf, isOperator, schoolsAs } from "./roles.js";

/** Each section of a school administrator's pages: [route segment ("" is the overview), text key]. */
export const SCHOOL_SECTIONS = [
  ["", "overview"], ["applications", "applications"], ["uploads", "uploads"], ["structure", "structure"],
  ["students", "students"], ["timetable", "timetable"], ["events", "events"], ["news", "news"],
  ["credentials", "credentials"],
];

export function schoolNav(schoolId, active) {
  return h("nav", { class: "section-nav", "aria-label": tr(TEXT, "menu") },
    h("ul", {}, SCHOOL_SECTIONS.map(([segment, key]) => h("li", {}, h("a", {
      href: href(`/school/${schoolId}${segment ? "/" + segment : ""}`),
      "aria-current": segment === active ? "page" : false,
    }, tr(TEXT, key))))));
}

/**
 * An administrator's page of a school: <h1> "title — school", the school's menu, then
 * `show(school, box)` with {school_id, school_name}. An account that is not the school's
 * administrator is told so, and nothing else is shown (the API would refuse anyway).
 */
export function schoolFrame(main, schoolId, section, title, show) {
  const h1 = heading(main, title);
  const box = h("div");
  main.append(box);
  return load(box, account, (me) => {
    const school = schoolsAs(me, "admin").find((s) => s.school_id === schoolId);
    if (!school) { box.append(h("p", { class: "load-error", role: "alert" }, tr(TEXT, "notAdmin"))); return; }
    h1.textContent = `${title} — ${school.school_name}`;
    retitle(h1.textContent);
    const content = h("div");
    box.append(schoolNav(schoolId, section), content);
    show(school, content);
  });
}

/** A class's sections for its teacher: [route segment, text key]; each keeps `?subject=&term=`. */
export const CLASS_SECTIONS = [["journal", "journal"], ["risk", "risk"], ["meetings", "meetings"],
  ["message", "message"]];

export function classNav(schoolId, classId, active, query = {}) {
  return h("nav", { class: "section-nav", "aria-label": tr(TEXT, "classMenu") },
    h("ul", {}, CLASS_SECTIONS.map(([segment, key]) => h("li", {}, h("a", {
      href: href(`/teach/${schoolId}/classes/${classId}/${segment}`, query),
      "aria-current": segment === active ? "page" : false,
    }, tr(TEXT, key))))));
}

export function classSectionTitle(section) {
  return tr(TEXT, section);
}

/**
 * A teacher's page of one school: <h1>, then `show(school, box)`; refused politely when the
 * account neither teaches there nor administers it (an administrator may open the journal too).
 */
export function teacherFrame(main, schoolId, title, show) {
  const h1 = heading(main, title);
  const box = h("div");
  main.append(box);
  return load(box, account, (me) => {
    const school = [...schoolsAs(me, "teacher"), ...schoolsAs(me, "admin")].find((s) => s.school_id === schoolId);
    if (!school) { box.append(h("p", { class: "load-error", role: "alert" }, tr(TEXT, "notTeacher"))); return; }
    show(school, box, h1);
  });
}

/** The city operator's page: <h1>, then `show(box)`; refused politely for anyone else. */
export function operatorFrame(main, title, show) {
  heading(main, title);
  const box = h("div");
  main.append(box);
  return load(box, account, (me) => {
    if (!isOperator(me)) { box.append(h("p", { class: "load-error", role: "alert" }, tr(TEXT, "notOperator"))); return; }
    show(box);
  });
}

// --- timetable, events, news (h-timetable) ----------------------------------------------------

/** An ISO day moved by `days`; `mondayOf(iso)`: the Monday of that day's week (default: today). */
export function shiftDay(iso, days) {
  const date = new Date(iso + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function mondayOf(iso) {
  const day = iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : new Date().toLocaleDateString("sv");
  return shiftDay(day, -((new Date(day + "T00:00:00Z").getUTCDay() + 6) % 7));
}

const AUDIENCE = {
  ru: { audience: "Для кого", everyone: "Для всей школы", chosen: "Для выбранных классов", classes: "Классы",
    pick: "Отметьте хотя бы один класс." },
  en: { audience: "Audience", everyone: "The whole school", chosen: "Chosen classes", classes: "Classes",
    pick: "Tick at least one class." },
};

/**
 * "Whole school or chosen classes" for a form (events, news): [the radio group, the classes' boxes
 * (shown when "chosen")]; `audience.classIds(formNode, values)` gives the ticked ids ([] for the whole
 * school) or throws a refusal form() shows next to the boxes; `audience.reset()` hides them again.
 */
export function audience(classes) {
  const radios = ["everyone", "chosen"].map((key, n) => {
    const id = `audience-${key}-${++audienceCount}`;
    return h("div", { class: "check" }, h("input", { type: "radio", id, name: "audience", value: key, checked: n === 0,
      onchange: () => { chosen.hidden = key !== "chosen"; } }), h("label", { for: id }, tr(AUDIENCE, key)));
  });
  const chosen = h("fieldset", { class: "field class-choice", "data-field": "class_ids", hidden: true },
    h("legend", {}, tr(AUDIENCE, "classes")),
    classes.map((c) => checkbox({ name: "class_ids", value: c.class_id, label: c.name })),
    h("p", { class: "field-error", hidden: true }));
  return { fields: [h("fieldset", { class: "field" }, h("legend", {}, tr(AUDIENCE, "audience")), radios), chosen],
    reset: () => { chosen.hidden = true; },
    classIds(formNode, values) {
      if (values.audience !== "chosen") return [];
      const ids = [...formNode.querySelectorAll("input[name=class_ids]:checked")].map((x) => x.value);
      if (!ids.length) throw new ApiError(422, { code: "no_class", field: "class_ids", message: tr(AUDIENCE, "pick") });
      return ids;
    } };
}
let audienceCount = 0;

// --- the school (school, structure, students, credentials): pieces other staff pages may use ---

const PIECES = {
  ru: { yes: "Да", cancel: "Отмена", added: "Добавлено: {name}." },
  en: { yes: "Yes", cancel: "Cancel", added: "Added: {name}." },
};

/** Every item of a paged list (a form's choices): up to `pages` pages of 100, in the list's order. */
export async function allItems(path, query = {}, pages = 10) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const page = await api.get(path, { ...query, limit: 100, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** By name, as people read it ("5А" before "10Б"). */
export function byName(a, b) {
  return a.name.localeCompare(b.name, "ru", { numeric: true });
}

/** A table with its caption (`hideCaption`: for the ear only, a heading above says it) and column headings;
 * rows go into `wrap.body`. Wide ones scroll inside. */
export function table(caption, heads, hideCaption = false) {
  const body = h("tbody");
  const wrap = h("div", { class: "table-wrap" }, h("table", { class: "staff-table" }, h("caption", { class: hideCaption && "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, heads.map((text) => h("th", { scope: "col" }, text)))), body));
  wrap.body = body;
  return wrap;
}

/**
 * A section with an <h2> and a small form that adds something (ui.js form: refusals beside their
 * field; `level`: its heading's tag). On success the form is emptied, `say(answer)` announced, focus back on the first field,
 * and `added(answer)` called.
 */
export function addForm({ title, fields, submitLabel, submit, added, say, level = "h2" }) {
  const status = h("p", { class: "added", role: "status" });
  const node = form({ fields, submitLabel, submit: async (values, f) => {
    status.textContent = "";
    const answer = await submit(values);
    f.reset();
    status.textContent = say ? say(answer) : tr(PIECES, "added", { name: answer.name });
    fields[0].control.focus();
    if (added) added(answer);
  } });
  return h("section", { class: "adder" }, h(level, {}, title), node, status);
}

/**
 * A button that asks before it acts: "question  [Yes] [Cancel]" takes its place, focus on "Yes";
 * Cancel (or a refusal, told in `status`) puts the button back and focus on it.
 */
export function confirmButton(label, question, run, status) {
  const button = h("button", { type: "button", class: "secondary" }, label);
  button.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "danger" }, tr(PIECES, "yes"));
    const no = h("button", { type: "button", class: "secondary" }, tr(PIECES, "cancel"));
    const ask = h("span", { class: "confirm", role: "group", "aria-label": question }, h("span", {}, question), yes, no);
    const back = () => { ask.replaceWith(button); button.focus(); };
    no.addEventListener("click", back);
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try { await run(); } catch (error) { status.textContent = errorText(error); back(); }
    });
    button.replaceWith(ask);
    yes.focus();
  });
  return button;
}

// --- the teacher's classes (teach, at-risk, class-meetings, class-message; docs/staff.md) -------

const CLASS_TEXT = {
  ru: { notYours: "Этого класса нет среди ваших.", toClasses: "Мои классы" },
  en: { notYours: "This class is not among yours.", toClasses: "My classes" },
};

/** What the account teaches at a school and its lessons of a day: GET …/my-classes (one call). */
export function myClasses(schoolId, date) {
  return api.get(`/schools/${schoolId}/my-classes`, { date });
}

/**
 * A page of one class for its teacher: <h1> "title — 5А", the class's sections, then
 * `show({school, klass, mine}, box)`; `klass` ({class_id, name, subjects}) is null for an
 * administrator who does not teach the class. Anyone else is told so.
 */
export function classPage(main, { schoolId, classId }, section, query, show) {
  const title = classSectionTitle(section);
  return teacherFrame(main, schoolId, title, (school, box, h1) => load(box,
    () => Promise.all([myClasses(schoolId), account()]), ([mine, me]) => {
    const klass = mine.classes.find((c) => c.class_id === classId) || null;
    const admin = schoolsAs(me, "admin").some((s) => s.school_id === schoolId);
    if (!klass && !admin) {
      box.append(h("p", { class: "load-error", role: "alert" }, tr(CLASS_TEXT, "notYours")),
        h("p", {}, h("a", { href: href("/teach") }, tr(CLASS_TEXT, "toClasses"))));
      return;
    }
    h1.textContent = `${title} — ${klass ? klass.name : school.school_name}`;
    retitle(h1.textContent);
    // The one subject taught in the class is the sections' subject when the address names none.
    const only = klass && klass.subjects.length === 1 ? klass.subjects[0].subject_id : undefined;
    const content = h("div");
    box.append(classNav(schoolId, classId, section, { subject: only, ...query }), content);
    show({ school, klass, mine }, content);
  }));
}
