// «Мои классы»: in every school where the account teaches, today's lessons first (time, class,
// subject, room, whether the topic is written, links to the lesson and the journal), then each
// class with its subjects. One call per school: GET /schools/{s}/my-classes.

import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { account, myClasses, schoolsAs } from "../staff.js";
import { heading, load, timeSpan } from "../ui.js";

const TEXT = {
  ru: { title: "Мои классы", today: "Уроки сегодня, {day}", none: "Сегодня у вас нет уроков.",
    classes: "Классы и предметы", noClasses: "Вам пока не назначены классы: их назначает администратор школы.",
    noSchool: "Вы не учитель ни одной школы.", time: "Время", klass: "Класс", subject: "Предмет", room: "Кабинет",
    topic: "Тема", links: "Перейти", lesson: "Урок", journal: "Журнал", noTopic: "Тема не записана",
    homework: "Домашнее задание задано", cancelled: "Урок отменён", substitute: "Замена: журнал ведёт учитель класса",
    risk: "Успеваемость", meetings: "Собрания", message: "Написать семьям" },
  en: { title: "My classes", today: "Lessons today, {day}", none: "You have no lessons today.",
    classes: "Classes and subjects", noClasses: "No classes are assigned to you yet: the school's administrator assigns them.",
    noSchool: "You are not a teacher of any school.", time: "Time", klass: "Class", subject: "Subject", room: "Room",
    topic: "Topic", links: "Go to", lesson: "Lesson", journal: "Journal", noTopic: "No topic yet",
    homework: "Homework set", cancelled: "Cancelled", substitute: "Cover lesson: the class's own teacher keeps the journal",
    risk: "Progress", meetings: "Meetings", message: "Write to families" },
};

export async function render(main) {
  heading(main, tr(TEXT, "title"));
  const box = h("div");
  main.append(box);
  await load(box, account, (me) => {
    const schools = schoolsAs(me, "teacher");
    if (!schools.length) { box.append(h("p", { role: "alert" }, tr(TEXT, "noSchool"))); return; }
    for (const school of schools) {
      const part = h("div");
      box.append(h("section", { class: "teach-school", "aria-label": school.school_name },
        schools.length > 1 ? h("h2", {}, school.school_name) : null, part));
      load(part, () => myClasses(school.school_id), (mine) => showSchool(part, school.school_id, mine));
    }
  });
}

function lessonRow(x, base) {
  const links = x.teaches
    ? h("span", { class: "teach-links" },
      h("a", { href: href(`${base(x.class_id)}/lessons/${x.lesson_id}`) }, tr(TEXT, "lesson")),
      h("a", { href: href(`${base(x.class_id)}/journal`, { subject: x.subject_id }) }, tr(TEXT, "journal")))
    : h("span", { class: "muted" }, tr(TEXT, "substitute"));
  return h("tr", { class: x.cancelled ? "cancelled" : null },
    h("th", { scope: "row" }, timeSpan(x.starts_at, x.ends_at)),
    h("td", {}, x.class_name), h("td", {}, x.subject_name), h("td", {}, x.room || "—"),
    h("td", {}, x.cancelled ? h("strong", {}, tr(TEXT, "cancelled")) : null,
      x.topic ? h("span", { class: "topic" }, x.topic) : h("span", { class: "badge warn" }, tr(TEXT, "noTopic")),
      x.homework_set ? h("span", { class: "muted" }, tr(TEXT, "homework")) : null),
    h("td", {}, links));
}

function classCard(c, base) {
  const link = (segment, key, query, label) => h("a", { href: href(`${base(c.class_id)}/${segment}`, query),
    "aria-label": `${tr(TEXT, key)}: ${label}` }, tr(TEXT, key));
  return h("li", { class: "card" }, h("h3", {}, c.name),
    h("ul", {}, c.subjects.map((s) => h("li", {}, h("strong", {}, s.name), " ",
      link("journal", "journal", { subject: s.subject_id }, `${c.name}, ${s.name}`), " · ",
      link("risk", "risk", { subject: s.subject_id }, `${c.name}, ${s.name}`)))),
    h("p", { class: "teach-links" }, link("meetings", "meetings", {}, c.name), link("message", "message", {}, c.name)));
}

function showSchool(box, schoolId, mine) {
  const base = (classId) => `/teach/${schoolId}/classes/${classId}`;
  const caption = tr(TEXT, "today", { day: formatDay(mine.date) });
  const head = ["time", "klass", "subject", "room", "topic", "links"].map((k) => h("th", { scope: "col" }, tr(TEXT, k)));
  box.append(mine.lessons.length
    ? h("div", { class: "table-wrap" }, h("table", { class: "teach-today" }, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head)), h("tbody", {}, mine.lessons.map((x) => lessonRow(x, base)))))
    : h("section", { "aria-label": caption }, h("h2", {}, caption), h("p", {}, tr(TEXT, "none"))));
  box.append(h("h2", {}, tr(TEXT, "classes")));
  box.append(mine.classes.length ? h("ul", { class: "teach-classes" }, mine.classes.map((c) => classCard(c, base)))
    : h("p", {}, tr(TEXT, "noClasses")));
}
