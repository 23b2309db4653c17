// The administrator's timetable: a class's week of lessons, previous/next week, adding a lesson,
// moving one (times, room, teacher; to another day: POST …/move, the new lesson and the old one
// cancelled in one call) and cancelling one after a confirmation. Every change is a
// schedule change the class's families are alerted about (README «The journal and the schedule»).

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDay, tr } from "../i18n.js";
import { go, href } from "../router.js";
import { allItems, mondayOf, schoolFrame, shiftDay } from "../staff.js";
import { errorText, field, form, load, shortDay, timeSpan } from "../ui.js";

const TEXT = {
  ru: {
    title: "Расписание", klass: "Класс", show: "Показать", noClasses: "В школе ещё нет классов.",
    alerts: "Семьи класса получают оповещение о каждом изменении: новом, перенесённом и отменённом уроке.",
    weeks: "Другие недели", previous: "← Предыдущая неделя", next: "Следующая неделя →",
    span: "{klass}: неделя с {from} по {to}", noLessons: "Уроков нет.", cancelled: "отменён",
    room: "каб. {room}", noTeacher: "учитель не назначен", move: "Перенести", cancel: "Отменить",
    moveOf: "Перенести урок: {what}", cancelOf: "Отменить урок: {what}",
    confirm: "Отменить урок «{what}»? Семьи получат оповещение.", yes: "Да, отменить", no: "Не отменять",
    save: "Сохранить", close: "Закрыть", add: "Добавить урок", date: "Дата", starts: "Начало", ends: "Конец",
    subject: "Предмет", teacher: "Учитель", byLoad: "По нагрузке класса", nobody: "Не назначен",
    roomField: "Кабинет", added: "Урок добавлен: {what}. Семьи получат оповещение.",
    moved: "Урок перенесён: {what}. Семьи получат оповещение.",
    movedDay: "Урок перенесён на другой день: {what}; на старом месте он отменён. Семьи получат оповещение об обоих изменениях.",
    openWeek: "Открыть неделю с {day}", dayHint: "Другой день: урок переносится, старый отменяется. Урок с оценками или отметками перенести нельзя.", wasCancelled: "Урок отменён: {what}. Семьи получат оповещение.",
  },
  en: {
    title: "Timetable", klass: "Class", show: "Show", noClasses: "The school has no classes yet.",
    alerts: "The class's families are alerted about every change: a new, moved or cancelled lesson.",
    weeks: "Other weeks", previous: "← Previous week", next: "Next week →",
    span: "{klass}: week from {from} to {to}", noLessons: "No lessons.", cancelled: "cancelled",
    room: "room {room}", noTeacher: "no teacher yet", move: "Move", cancel: "Cancel",
    moveOf: "Move the lesson: {what}", cancelOf: "Cancel the lesson: {what}",
    confirm: "Cancel “{what}”? The families will be alerted.", yes: "Yes, cancel it", no: "Keep it",
    save: "Save", close: "Close", add: "Add a lesson", date: "Date", starts: "Starts", ends: "Ends",
    subject: "Subject", teacher: "Teacher", byLoad: "The class's teacher of the subject", nobody: "Nobody",
    roomField: "Room", added: "Lesson added: {what}. The families will be alerted.",
    moved: "Lesson moved: {what}. The families will be alerted.",
    movedDay: "Lesson moved to another day: {what}; the old one is cancelled. The families will be alerted of both.",
    openWeek: "Open the week of {day}", dayHint: "Another day: the lesson moves and the old one is cancelled. A lesson with grades or attendance cannot move.", wasCancelled: "Lesson cancelled: {what}. The families will be alerted.",
  },
};

export function render(main, { params, query }) {
  const s = `/schools/${params.schoolId}`;
  return schoolFrame(main, params.schoolId, "timetable", tr(TEXT, "title"), (school, box) =>
    load(box, () => Promise.all(["classes", "subjects", "teachers"].map((list) => allItems(`${s}/${list}`))),
      ([classes, subjects, staff]) => {
        if (!classes.length) { box.append(h("p", {}, tr(TEXT, "noClasses"))); return; }
        const klass = classes.find((c) => c.class_id === query.class) || classes[0];
        const ctx = { s, path: `/school/${params.schoolId}/timetable`, klass, week: mondayOf(query.week),
          subjects: new Map(subjects.map((x) => [x.subject_id, x.name])),
          teachers: new Map(staff.filter((x) => x.role === "teacher").map((x) => [x.account_id, x.name])) };
        show(box, ctx, classes);
      }));
}

function show(box, ctx, classes) {
  const { klass, week, path } = ctx;
  const picker = field({ name: "class", label: tr(TEXT, "klass"), kind: "select",
    options: classes.map((c) => [c.class_id, c.name]) });
  picker.control.value = klass.class_id;
  const pick = h("form", { class: "term-selector" }, picker, h("button", { type: "submit", class: "secondary" }, tr(TEXT, "show")));
  pick.addEventListener("submit", (e) => { e.preventDefault(); go(path, { class: picker.control.value, week }); });
  ctx.status = h("p", { class: "notice live", role: "status", tabindex: "-1" });
  ctx.weekBox = h("div");
  box.append(pick, h("p", { class: "hint" }, tr(TEXT, "alerts")),
    h("h2", {}, tr(TEXT, "span", { klass: klass.name, from: shortDay(week), to: shortDay(shiftDay(week, 6)) })),
    h("nav", { class: "week-nav", "aria-label": tr(TEXT, "weeks") }, h("ul", {},
      h("li", {}, h("a", { href: href(path, { class: klass.class_id, week: shiftDay(week, -7) }) }, tr(TEXT, "previous"))),
      h("li", {}, h("a", { href: href(path, { class: klass.class_id, week: shiftDay(week, 7) }) }, tr(TEXT, "next"))))),
    ctx.status, ctx.weekBox, addForm(ctx));
  loadWeek(ctx);
}

function loadWeek(ctx) {
  const lessons = `${ctx.s}/classes/${ctx.klass.class_id}/lessons`;
  return load(ctx.weekBox, () => api.get(lessons, { from: ctx.week, to: shiftDay(ctx.week, 6) }), ({ items }) => {
    for (let n = 0; n < 7; n++) {
      const day = shiftDay(ctx.week, n);
      const todays = items.filter((l) => String(l.date).slice(0, 10) === day);
      if (n === 6 && !todays.length) continue; // Sunday only when it has lessons
      ctx.weekBox.append(h("section", { class: "day" }, h("h3", {}, formatDay(day)), todays.length
        ? h("ul", { class: "timetable" }, todays.map((l) => lessonItem(ctx, l)))
        : h("p", { class: "muted" }, tr(TEXT, "noLessons"))));
    }
  });
}

const what = (ctx, l) => `${ctx.subjects.get(l.subject_id) || l.subject_id}, ${shortDay(String(l.date))} ${timeSpan(l.starts_at, l.ends_at)}`;

/** After a change: say it (role=status) and show the week again. */
function done(ctx, key, lesson) {
  const week = mondayOf(String(lesson.date).slice(0, 10));
  replace(ctx.status, tr(TEXT, key, { what: what(ctx, lesson) }), week === ctx.week ? null : [" ",
    h("a", { href: href(ctx.path, { class: ctx.klass.class_id, week }) }, tr(TEXT, "openWeek", { day: shortDay(week) }))]);
  loadWeek(ctx).then(() => ctx.status.focus?.());
}

function lessonItem(ctx, l) {
  const panel = h("div", { class: "lesson-panel" });
  const name = what(ctx, l);
  const open = (node, focus) => { replace(panel, node); (focus || node.querySelector("input, select, button"))?.focus(); };
  const teacher = l.teacher_id ? ctx.teachers.get(l.teacher_id) || "" : tr(TEXT, "noTeacher");
  return h("li", { class: l.cancelled ? "lesson cancelled" : "lesson" },
    h("span", { class: "lesson-time" }, timeSpan(l.starts_at, l.ends_at)), " ",
    h("strong", {}, ctx.subjects.get(l.subject_id) || l.subject_id),
    [teacher, l.room ? tr(TEXT, "room", { room: l.room }) : ""].filter(Boolean).map((x) => ` · ${x}`).join(""),
    l.cancelled ? h("span", { class: "badge" }, tr(TEXT, "cancelled")) : null,
    l.cancelled ? null : h("span", { class: "lesson-actions" },
      h("button", { type: "button", class: "secondary", "aria-label": tr(TEXT, "moveOf", { what: name }),
        onclick: () => open(moveForm(ctx, l, () => replace(panel))) }, tr(TEXT, "move")),
      h("button", { type: "button", class: "secondary", "aria-label": tr(TEXT, "cancelOf", { what: name }),
        onclick: () => open(confirmBox(ctx, l, () => replace(panel))) }, tr(TEXT, "cancel"))),
    panel);
}

const patch = (ctx, l, body) => api.patch(`${ctx.s}/classes/${ctx.klass.class_id}/lessons/${l.lesson_id}`,
  { version: l.version, ...body });

function confirmBox(ctx, l, close) {
  const status = h("p", { class: "form-error", role: "alert", hidden: true });
  const yes = h("button", { type: "button", class: "danger", onclick: async () => {
    yes.disabled = true;
    try { done(ctx, "wasCancelled", await patch(ctx, l, { cancelled: true })); } catch (error) {
      status.textContent = errorText(error); status.hidden = false; yes.disabled = false;
    }
  } }, tr(TEXT, "yes"));
  return h("div", { class: "confirm", role: "group", "aria-label": tr(TEXT, "cancelOf", { what: what(ctx, l) }) },
    h("p", {}, tr(TEXT, "confirm", { what: what(ctx, l) })), status,
    h("div", { class: "actions" }, yes, h("button", { type: "button", class: "secondary", onclick: close }, tr(TEXT, "no"))));
}

function teacherSelect(ctx, first) {
  return field({ name: "teacher_id", label: tr(TEXT, "teacher"), kind: "select",
    options: [["", tr(TEXT, first)], ...ctx.teachers] });
}

function timeFields() {
  return [field({ name: "starts_at", label: tr(TEXT, "starts"), type: "time", required: true }),
    field({ name: "ends_at", label: tr(TEXT, "ends"), type: "time", required: true })];
}

function moveForm(ctx, l, close) {
  const day = String(l.date).slice(0, 10);
  const date = field({ name: "date", label: tr(TEXT, "date"), type: "date", required: true, hint: tr(TEXT, "dayHint") });
  const [starts, ends] = timeFields();
  const teacher = teacherSelect(ctx, "nobody");
  const room = field({ name: "room", label: tr(TEXT, "roomField"), maxlength: 40 });
  date.control.value = day; starts.control.value = l.starts_at; ends.control.value = l.ends_at;
  teacher.control.value = l.teacher_id || ""; room.control.value = l.room || "";
  return form({ fields: [starts, ends, date, room, teacher], submitLabel: tr(TEXT, "save"),
    extra: [h("button", { type: "button", class: "secondary", onclick: close }, tr(TEXT, "close"))],
    submit: async (v) => {
      const body = { starts_at: v.starts_at, ends_at: v.ends_at };
      if (v.room.trim() !== (l.room || "")) body.room = v.room.trim() || null;
      if (v.teacher_id !== (l.teacher_id || "")) body.teacher_id = v.teacher_id || null;
      if (v.date === day) { done(ctx, "moved", await patch(ctx, l, body)); return; }
      // Another day: one call makes the new lesson and cancels this one (both or neither).
      const moved = await api.post(`${ctx.s}/classes/${ctx.klass.class_id}/lessons/${l.lesson_id}/move`,
        { ...body, date: v.date, version: l.version });
      done(ctx, "movedDay", moved.lesson);
    } });
}

function addForm(ctx) {
  const date = field({ name: "date", label: tr(TEXT, "date"), type: "date", required: true });
  date.control.value = ctx.week;
  const subject = field({ name: "subject_id", label: tr(TEXT, "subject"), kind: "select", required: true,
    options: [["", "—"], ...ctx.subjects] });
  const fields = [date, ...timeFields(), subject, teacherSelect(ctx, "byLoad"),
    field({ name: "room", label: tr(TEXT, "roomField"), maxlength: 40 })];
  const node = form({ fields, submitLabel: tr(TEXT, "add"), submit: async (v) => {
    const body = { date: v.date, starts_at: v.starts_at, ends_at: v.ends_at, subject_id: v.subject_id };
    if (v.teacher_id) body.teacher_id = v.teacher_id;
    if (v.room.trim()) body.room = v.room.trim();
    const lesson = await api.post(`${ctx.s}/classes/${ctx.klass.class_id}/lessons`, body);
    if (mondayOf(v.date) !== ctx.week) { go(ctx.path, { class: ctx.klass.class_id, week: mondayOf(v.date) }); return; }
    done(ctx, "added", lesson);
  } });
  return h("section", { class: "timetable-add" }, h("h2", {}, tr(TEXT, "add")), node);
}
