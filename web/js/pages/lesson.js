// A lesson of the class journal (docs/staff.md «The class journal»): its topic and the homework with
// its due date. Reads the lesson's day (GET …/lessons?from=&to=) and the subjects (for the name);
// writes PUT …/topic, PUT/DELETE …/homework, each with the version read (a 409 says reload).

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { teacherFrame } from "../staff.js";
import { field, form, load, notice, retitle, showErrors, timeSpan } from "../ui.js";

const TEXT = {
  ru: { title: "Урок", topicHead: "Тема", missing: "Урок не найден.", topic: "Тема урока", saveTopic: "Сохранить тему",
    homework: "Домашнее задание", text: "Задание", due: "Сдать к", saveHomework: "Сохранить задание",
    remove: "Снять задание", saved: "Сохранено.", removed: "Задание снято.", back: "К журналу класса",
    grade: "Оценить этот урок", cancelled: "Урок отменён (расписание ведёт администратор)." },
  en: { title: "Lesson", topicHead: "Topic", missing: "Lesson not found.", topic: "Topic", saveTopic: "Save the topic",
    homework: "Homework", text: "Task", due: "Due", saveHomework: "Save the homework",
    remove: "Withdraw the homework", saved: "Saved.", removed: "Homework withdrawn.", back: "Back to the class journal",
    grade: "Grade this lesson", cancelled: "Lesson cancelled (the administrator keeps the timetable)." },
};

const t = (key) => tr(TEXT, key);

export function render(main, { params }) {
  const { schoolId, classId, lessonId } = params;
  const day = lessonId.slice(0, 10);
  const base = `/schools/${schoolId}/classes/${classId}/lessons`;
  return teacherFrame(main, schoolId, t("title"), (school, box, h1) => load(box, () => Promise.all([
    api.get(base, { from: day, to: day }), api.get(`/schools/${schoolId}/subjects`, { limit: 100 })]),
  ([lessons, subjects]) => {
    const lesson = lessons.items.find((x) => x.lesson_id === lessonId);
    if (!lesson) { box.append(h("p", { role: "alert" }, t("missing"))); return; }
    const subject = (subjects.items.find((s) => s.subject_id === lesson.subject_id) || {}).name || "";
    h1.textContent = `${subject} — ${formatDay(lesson.date)}, ${timeSpan(lesson.starts_at, lesson.ends_at)}`;
    retitle(h1.textContent);
    const journal = `/teach/${schoolId}/classes/${classId}/journal`;
    box.append(h("ul", { class: "section-nav lesson-links" },
      h("li", {}, h("a", { href: href(journal, { subject: lesson.subject_id, lesson: lessonId }) }, t("grade"))),
      h("li", {}, h("a", { href: href(journal, { subject: lesson.subject_id }) }, t("back")))));
    if (lesson.cancelled) box.append(h("p", { class: "notice" }, t("cancelled")));
    const path = `${base}/${lessonId}`;
    const done = (node, text) => { node.querySelector(".notice")?.remove(); notice(node, text); };
    const topic = field({ name: "topic", label: t("topic"), required: true, maxlength: 500 });
    topic.control.value = lesson.topic || "";
    const topicForm = form({ fields: [topic], submitLabel: t("saveTopic"), submit: async (values) => {
      Object.assign(lesson, await api.put(`${path}/topic`, { topic: values.topic.trim(), version: lesson.version }));
      done(topicForm, t("saved"));
    } });
    let homework = lesson.homework;
    const text = field({ name: "text", label: t("text"), kind: "textarea", required: true, rows: 3, maxlength: 4000 });
    const due = field({ name: "due_date", label: t("due"), type: "date", required: true, min: lesson.date });
    text.control.value = homework ? homework.text : "";
    due.control.value = homework ? homework.due_date : nextDay(lesson.date);
    const remove = h("button", { type: "button", class: "secondary", hidden: !homework, onclick: async () => {
      try {
        await api.delete(`${path}/homework?version=${homework.version}`);
        homework = null;
        remove.hidden = true;
        text.control.value = "";
        done(homeworkForm, t("removed"));
      } catch (error) { showErrors(homeworkForm, error); }
    } }, t("remove"));
    const homeworkForm = form({ fields: [text, due], submitLabel: t("saveHomework"), extra: [remove],
      submit: async (values) => {
        homework = await api.put(`${path}/homework`, { text: values.text.trim(), due_date: values.due_date,
          ...(homework ? { version: homework.version } : {}) });
        remove.hidden = false;
        done(homeworkForm, t("saved"));
      } });
    box.append(h("section", { "aria-labelledby": "lesson-topic" }, h("h2", { id: "lesson-topic" }, t("topicHead")), topicForm),
      h("section", { "aria-labelledby": "lesson-homework" }, h("h2", { id: "lesson-homework" }, t("homework")), homeworkForm));
  }));
}

function nextDay(iso) {
  const date = new Date(iso + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() + (date.getUTCDay() === 5 ? 3 : 1));
  return date.toISOString().slice(0, 10);
}
