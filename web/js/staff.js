// The school's side of the cabinet: which staff roles the account holds (GET /me `roles`, each with
// its school), where each role starts, and the frame of a school administrator's pages. Pages for
// teachers, administrators and the city operator import from here; family pages never do.

import { api } from "./api.js";
import { session } from "./app.js";
import { h } from "./dom.js";
import { tr } from "./i18n.js";
import { href } from "./router.js";
import { heading, load } from "./ui.js";

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

/** The signed-in account (GET /me), read once and kept in `session.me`. */
export async function account() {
  if (!session.me) session.me = await api.get("/me");
  return session.me;
}

/** The account's schools in a role: [{school_id, school_name}], each once, in the order /me lists them. */
export function schoolsAs(me, role) {
  const seen = new Map();
  for (const r of (me && me.roles) || []) {
    if (r.role === role && r.school_id && !seen.has(r.school_id)) {
      seen.set(r.school_id, { school_id: r.school_id, school_name: r.school_name || r.school_id });
    }
  }
  return [...seen.values()];
}

export function isOperator(me) {
  return ((me && me.roles) || []).some((r) => r.role === "operator");
}

/** Where the account starts after sign-in: the operator's schools, an administrator's school,
 * a teacher's classes, otherwise the family's children. */
export function homeOf(me) {
  if (isOperator(me)) return "/operator";
  const admin = schoolsAs(me, "admin");
  if (admin.length) return `/school/${admin[0].school_id}`;
  if (schoolsAs(me, "teacher").length) return "/teach";
  return "/children";
}

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
    document.title = `${h1.textContent} — Электронный дневник`;
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
  return teacherFrame(main, schoolId, title, (school, box, h1) => load(box, () => myClasses(schoolId), (mine) => {
    const klass = mine.classes.find((c) => c.class_id === classId) || null;
    const admin = schoolsAs(session.me, "admin").some((s) => s.school_id === schoolId);
    if (!klass && !admin) {
      box.append(h("p", { class: "load-error", role: "alert" }, tr(CLASS_TEXT, "notYours")),
        h("p", {}, h("a", { href: href("/teach") }, tr(CLASS_TEXT, "toClasses"))));
      return;
    }
    h1.textContent = `${title} — ${klass ? klass.name : school.school_name}`;
    document.title = `${h1.textContent} — Электронный дневник`;
    // The one subject taught in the class is the sections' subject when the address names none.
    const only = klass && klass.subjects.length === 1 ? klass.subjects[0].subject_id : undefined;
    const content = h("div");
    box.append(classNav(schoolId, classId, section, { subject: only, ...query }), content);
    show({ school, klass, mine }, content);
  }));
}
