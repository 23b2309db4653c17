// The child's school week: each day's lessons in order with time, subject, teacher, topic,
// homework, grades with the teacher's remarks and attendance. One request (GET …/week): the child
// comes from the cached children list, so the week costs at most two calls after sign-in.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatDay, language, tr } from "../i18n.js";
import { href } from "../router.js";
import { childPage, load, shortDay, timeSpan } from "../ui.js";

const TEXT = {
  ru: {
    weeks: "Другие недели", previous: "← Предыдущая неделя", next: "Следующая неделя →", current: "Эта неделя",
    span: "Неделя с {from} по {to}", today: "сегодня", noLessons: "Уроков нет.", cancelled: "Урок отменён",
    teacher: "Учитель: {name}", room: "кабинет {room}", topic: "Тема: {text}", homework: "Домашнее задание: {text}",
    due: "(к {day})", grades: "Оценки", weight: "вес {n}", new: "новая", absent: "Отсутствовал(а)",
    excused: "по уважительной причине", late: "Опоздание", lateBy: "Опоздание на {n} мин", omitted: "Вам не открыто: {parts}.",
    homeworkPart: "домашние задания", gradesPart: "оценки", attendancePart: "посещаемость",
    timezone: "Время школы ({zone}).",
  },
  en: {
    weeks: "Other weeks", previous: "← Previous week", next: "Next week →", current: "This week",
    span: "Week from {from} to {to}.", today: "today", noLessons: "No lessons.", cancelled: "Lesson cancelled",
    teacher: "Teacher: {name}", room: "room {room}", topic: "Topic: {text}", homework: "Homework: {text}",
    due: "(due {day})", grades: "Grades", weight: "weight {n}", new: "new", absent: "Absent",
    excused: "excused", late: "Late", lateBy: "Late by {n} min", omitted: "Not open to you: {parts}.",
    homeworkPart: "homework", gradesPart: "grades", attendancePart: "attendance",
    timezone: "School time ({zone}).",
  },
};

export const WORK_KINDS = {
  ru: { classwork: "работа на уроке", homework: "домашняя работа", test: "тест", control: "контрольная",
    oral: "устный ответ", lab: "лабораторная", essay: "сочинение", dictation: "диктант", project: "проект",
    other: "другое" },
  en: { classwork: "classwork", homework: "homework", test: "test", control: "control work", oral: "oral answer",
    lab: "lab work", essay: "essay", dictation: "dictation", project: "project", other: "other" },
};

function shiftDays(iso, days) {
  const date = new Date(iso + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export async function render(main, { params, query }) {
  const child = await childPage(main, params.studentId, "week");
  if (!child) return;
  const box = h("div");
  main.append(box);
  await load(box, () => api.get(`/children/${child.student_id}/week`, { date: query.week }), (week) => show(box, child, week));
}

function show(box, child, week) {
  const path = `/children/${child.student_id}/week`;
  const thisWeek = week.week_start <= week.today && week.today <= week.week_end;
  box.append(
    h("p", { class: "week-span" }, tr(TEXT, "span", { from: shortDay(week.week_start), to: shortDay(week.week_end) }), " ",
      h("span", { class: "muted" }, tr(TEXT, "timezone", { zone: week.timezone }))),
    h("nav", { class: "week-nav", "aria-label": tr(TEXT, "weeks") }, h("ul", {},
      h("li", {}, h("a", { href: href(path, { week: shiftDays(week.week_start, -7) }) }, tr(TEXT, "previous"))),
      thisWeek ? null : h("li", {}, h("a", { href: href(path) }, tr(TEXT, "current"))),
      h("li", {}, h("a", { href: href(path, { week: shiftDays(week.week_start, 7) }) }, tr(TEXT, "next"))))));
  if (week.omitted.length) {
    box.append(h("p", { class: "muted" }, tr(TEXT, "omitted",
      { parts: week.omitted.map((part) => tr(TEXT, part + "Part")).join(", ") })));
  }
  for (const day of week.days) box.append(dayView(day, week.today));
}

function dayView(day, today) {
  const isToday = day.date === today;
  return h("section", { class: isToday ? "day today" : "day", "aria-current": isToday ? "date" : false },
    h("h2", {}, formatDay(day.date), isToday ? h("span", { class: "visually-hidden" }, ", ", tr(TEXT, "today")) : null,
      isToday ? h("span", { class: "badge", "aria-hidden": "true" }, tr(TEXT, "today")) : null),
    day.lessons.length
      ? h("ol", { class: "lessons" }, day.lessons.map(lessonView))
      : h("p", { class: "muted" }, tr(TEXT, "noLessons")));
}

function lessonView(lesson) {
  const grades = lesson.grades || [];
  return h("li", { class: lesson.cancelled ? "lesson cancelled" : "lesson" },
    h("p", { class: "lesson-head" },
      h("span", { class: "lesson-time" }, timeSpan(lesson.starts_at, lesson.ends_at)), " ",
      h("strong", {}, lesson.subject_name || "—"),
      lesson.room ? h("span", { class: "muted" }, ", ", tr(TEXT, "room", { room: lesson.room })) : null),
    lesson.cancelled ? h("p", { class: "form-error" }, tr(TEXT, "cancelled")) : null,
    lesson.teacher_name ? h("p", { class: "muted" }, tr(TEXT, "teacher", { name: lesson.teacher_name })) : null,
    lesson.topic ? h("p", {}, tr(TEXT, "topic", { text: lesson.topic })) : null,
    lesson.homework ? h("p", { class: "homework" }, tr(TEXT, "homework", { text: lesson.homework.text }),
      lesson.homework.due_date ? [" ", tr(TEXT, "due", { day: shortDay(lesson.homework.due_date) })] : null) : null,
    grades.length ? h("ul", { class: "grades", "aria-label": tr(TEXT, "grades") }, grades.map(gradeView)) : null,
    lesson.attendance ? h("p", { class: "attendance" }, attendanceText(lesson.attendance)) : null);
}

export function gradeView(grade) {
  const kind = WORK_KINDS[language()][grade.work_kind] || grade.work_kind;
  return h("li", { class: grade.new ? "grade new-grade" : "grade" },
    h("span", { class: "grade-value" }, String(grade.value)), " ",
    h("span", { class: "muted" }, [kind, grade.weight > 1 ? tr(TEXT, "weight", { n: grade.weight }) : null]
      .filter(Boolean).join(", ")),
    grade.new ? [" ", h("span", { class: "badge" }, tr(TEXT, "new"))] : null,
    grade.remark ? h("span", { class: "remark" }, grade.remark) : null);
}

export function attendanceText(mark) {
  const what = mark.mark === "absent" ? tr(TEXT, "absent")
    : mark.minutes_late ? tr(TEXT, "lateBy", { n: mark.minutes_late }) : tr(TEXT, "late");
  return mark.excused ? `${what}, ${tr(TEXT, "excused")}` : what;
}
