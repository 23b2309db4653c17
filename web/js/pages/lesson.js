// A lesson of the class journal (docs/staff.md «The class journal»): its topic and the homework with
// its due date. Reads the lesson's day (GET …/lessons?from=&to=) and the subjects (for the name);
// writes PUT …/topic, PUT/DELETE …/homework, each with the version read. A stale edit (409 with
// `current`) shows both values next to the field: «Оставить» theirs or «Записать моё» at their version.

import { api, ApiError } from "../api.js";
import { h } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { teacherFrame } from "../staff.js";
import { field, form, load, notice, retitle, showErrors, timeSpan } from "../ui.js";

const TEXT = {
  ru: { title: "Урок", topicHead: "Тема", missing: "Урок не найден.", topic: "Тема урока", saveTopic: "Сохранить тему",
    homework: "Домашнее задание", text: "Задание", due: "Сдать к", saveHomework: "Сохранить задание",
    remove: "Снять задание", saved: "Сохранено.", removed: "Задание снято.", back: "К журналу класса",
    grade: "Оценить этот урок", cancelled: "Урок отменён (расписание ведёт администратор).",
    conflict: "Запись уже изменили: сейчас: «{theirs}», вы написали: «{mine}».", keep: "Оставить", mine: "Записать моё",
    none: "задания нет", kept: "Оставлено как есть." },
  en: { title: "Lesson", topicHead: "Topic", missing: "Lesson not found.", topic: "Topic", saveTopic: "Save the topic",
    homework: "Homework", text: "Task", due: "Due", saveHomework: "Save the homework",
    remove: "Withdraw the homework", saved: "Saved.", removed: "Homework withdrawn.", back: "Back to the class journal",
    grade: "Grade this lesson", cancelled: "Lesson cancelled (the administrator keeps the timetable).",
    conflict: "Someone changed this meanwhile: now “{theirs}”, you wrote “{mine}”.", keep: "Keep theirs",
    mine: "Use mine", none: "no homework", kept: "Left as it is." },
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
    const topic = field({ name: "topic", label: t("topic"), required: true, maxlength: 500 });
    topic.control.value = lesson.topic || "";
    const putTopic = async (mine, version) => {
      Object.assign(lesson, await api.put(`${path}/topic`, { topic: mine, version }));
      topic.control.value = lesson.topic;
      done(topicForm, t("saved"));
    };
    const topicForm = form({ fields: [topic], submitLabel: t("saveTopic"), submit: (values) => {
      const mine = values.topic.trim();
      return stale(topicForm, topic, () => putTopic(mine, lesson.version), (now) => ({ theirs: now.topic || "", mine,
        keep: () => { Object.assign(lesson, now); topic.control.value = now.topic || ""; },
        again: () => putTopic(mine, now.version) }));
    } });
    let homework = lesson.homework;
    const text = field({ name: "text", label: t("text"), kind: "textarea", required: true, rows: 3, maxlength: 4000 });
    const due = field({ name: "due_date", label: t("due"), type: "date", required: true, min: lesson.date });
    text.control.value = homework ? homework.text : "";
    due.control.value = homework ? homework.due_date : nextDay(lesson.date);
    const showHomework = (now) => {
      homework = now;
      remove.hidden = !now;
      text.control.value = now ? now.text : "";
      if (now) due.control.value = now.due_date;
    };
    const keepTheirs = (now) => () => showHomework(now);
    const dropHomework = async (version) => {
      await api.delete(`${path}/homework?version=${version}`);
      showHomework(null);
      done(homeworkForm, t("removed"));
    };
    const remove = h("button", { type: "button", class: "secondary", hidden: !homework, onclick: () =>
      stale(homeworkForm, text, () => dropHomework(homework.version), (now) => ({ theirs: now ? now.text : t("none"),
        mine: t("none"), keep: keepTheirs(now), again: () => (now ? dropHomework(now.version) : showHomework(null)) }))
        .catch((error) => showErrors(homeworkForm, error)) }, t("remove"));
    const putHomework = async (body, version) => {
      showHomework(await api.put(`${path}/homework`, { ...body, ...(version ? { version } : {}) }));
      done(homeworkForm, t("saved"));
    };
    const homeworkForm = form({ fields: [text, due], submitLabel: t("saveHomework"), extra: [remove],
      submit: (values) => {
        const body = { text: values.text.trim(), due_date: values.due_date };
        return stale(homeworkForm, text, () => putHomework(body, homework?.version), (now) => ({
          theirs: now ? now.text : t("none"), mine: body.text, keep: keepTheirs(now),
          again: () => putHomework(body, now?.version) }));
      } });
    box.append(h("section", { "aria-labelledby": "lesson-topic" }, h("h2", { id: "lesson-topic" }, t("topicHead")), topicForm),
      h("section", { "aria-labelledby": "lesson-homework" }, h("h2", { id: "lesson-homework" }, t("homework")), homeworkForm));
  }));
}

/**
 * Runs `send`; a stale edit (409 stale_version, `current`: the record now, null when gone) shows
 * «сейчас: …, вы написали: …» under the field (role=status, polite) with «Оставить» (take theirs,
 * nothing written) and «Записать моё» (`again`: the same edit at their version). Focus goes to the choice.
 */
async function stale(formNode, fieldNode, send, choice) {
  formNode.querySelector(".conflict-choice")?.remove();
  try { await send(); } catch (error) {
    if (!(error instanceof ApiError && error.code === "stale_version" && error.current !== undefined)) throw error;
    const { theirs, mine, keep, again } = choice(error.current);
    const box = h("div", { class: "conflict-choice", role: "status" }, h("p", {}, tr(TEXT, "conflict", { theirs, mine })),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => { box.remove(); keep(); done(formNode, t("kept")); } }, t("keep")),
        h("button", { type: "button", onclick: () => { box.remove(); again().catch((e) => showErrors(formNode, e)); } }, t("mine"))));
    fieldNode.after(box);
    box.querySelector("button").focus();
  }
}

function done(node, text) { node.querySelector(".notice")?.remove(); notice(node, text); }

function nextDay(iso) {
  const date = new Date(iso + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() + (date.getUTCDay() === 5 ? 3 : 1));
  return date.toISOString().slice(0, 10);
}
