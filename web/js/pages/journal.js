// The class journal (docs/staff.md «The class journal»): students × the term's lessons of one subject,
// graded from the keyboard. One read (GET …/journal); each save is one write: POST a grade, PATCH it
// (with its version: a 409 shows both values and the teacher chooses), DELETE, PUT/DELETE attendance.

import { api, ApiError } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDateTime, language, tr } from "../i18n.js";
import { href } from "../router.js";
import { account, classNav, teacherFrame } from "../staff.js";
import { errorText, field, load, retitle, shortDay } from "../ui.js";
import { WORK_KINDS } from "./week.js";

const TEXT = {
  ru: {
    title: "Журнал", pick: "Выберите предмет", none: "Вы не ведёте предметов в этом классе.",
    terms: "Четверти", toGrid: "К оценкам ↓", keys: "Клавиши", student: "Ученик", average: "Средний",
    caption: "{subject}, {klass}: ученики и уроки, {term}", empty: "пусто", lessonLink: "Урок {day}",
    k: ["Стрелки — по ячейкам", "1–5 — оценка", "н (Y) — отсутствовал", "о (J) — опоздал",
      "Delete — стереть", "Enter — сохранить и вниз", "Esc — отменить", "Пробел или F2 — вес, вид работы, комментарий, история",
      "Пробел на красной ячейке — выбор при конфликте"],
    saving: "сохраняется", saved: "сохранено", conflict: "конфликт", error: "не сохранено", pending: "не сохранено, Enter — сохранить",
    absent: "н", late: "о", absentWord: "отсутствовал", lateWord: "опоздал", weight: "вес {n}", corrected: "исправлена",
    cancelled: "урок отменён", hw: "ДЗ", savedSay: "Сохранено: {who}, {day}: {what}.",
    conflictTitle: "Другой учитель изменил эту запись", conflictText: "{who}, {day}: в журнале сейчас «{theirs}», вы ставили «{mine}».",
    deleted: "удалено", keep: "Оставить «{v}»", mine: "Поставить мою «{v}»", kept: "Оставлено: {who}, {day}: {what}.",
    details: "{who}, {day}", value: "Оценка", kind: "Вид работы", remark: "Комментарий", weightLabel: "Вес",
    mark: "Посещаемость", present: "был", save: "Сохранить", cancel: "Отмена", history: "История исправлений",
    created: "поставлена", correctedAct: "исправлена", deletedAct: "удалена", by: "{when}, {who}: {action} {what}",
    noGrade: "—",
  },
  en: {
    title: "Journal", pick: "Choose a subject", none: "You teach no subject in this class.",
    terms: "Terms", toGrid: "Go to the grades ↓", keys: "Keys", student: "Student", average: "Average",
    caption: "{subject}, {klass}: students and lessons, {term}", empty: "empty", lessonLink: "Lesson {day}",
    k: ["Arrows — move", "1–5 — grade", "н (Y) — absent", "о (J) — late", "Delete — clear",
      "Enter — save and down", "Esc — cancel", "Space or F2 — weight, kind of work, remark, history",
      "Space on a red cell — resolve the conflict"],
    saving: "saving", saved: "saved", conflict: "conflict", error: "not saved", pending: "not saved, Enter saves",
    absent: "a", late: "l", absentWord: "absent", lateWord: "late", weight: "weight {n}", corrected: "corrected",
    cancelled: "lesson cancelled", hw: "HW", savedSay: "Saved: {who}, {day}: {what}.",
    conflictTitle: "Another teacher changed this record", conflictText: "{who}, {day}: the journal now has “{theirs}”, you put “{mine}”.",
    deleted: "deleted", keep: "Keep “{v}”", mine: "Use mine, “{v}”", kept: "Kept: {who}, {day}: {what}.",
    details: "{who}, {day}", value: "Grade", kind: "Kind of work", remark: "Remark", weightLabel: "Weight",
    mark: "Attendance", present: "present", save: "Save", cancel: "Cancel", history: "Corrections",
    created: "given", correctedAct: "corrected", deletedAct: "deleted", by: "{when}, {who}: {action} {what}",
    noGrade: "—",
  },
};

const t = (key, params) => tr(TEXT, key, params);

export function render(main, { params, query }) {
  return teacherFrame(main, params.schoolId, t("title"), (school, box, h1) =>
    (query.subject ? grid(box, h1, params, query) : pick(box, params)));
}

/** Without ?subject: the subjects the signed-in teacher teaches this class (GET teachings, subjects). */
function pick(box, { schoolId, classId }) {
  const all = async (path) => {
    const items = [];
    let cursor = null;
    do {
      const page = await api.get(path, { limit: 100, cursor });
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor && items.length < 2000);
    return items;
  };
  return load(box, () => Promise.all([account(), all(`/schools/${schoolId}/teachings`), all(`/schools/${schoolId}/subjects`)]),
    ([me, teachings, subjects]) => {
      const names = new Map(subjects.map((s) => [s.subject_id, s.name]));
      const here = teachings.filter((x) => x.class_id === classId);
      const admin = me.roles.some((r) => r.role === "admin" && r.school_id === schoolId);
      const mine = admin ? here : here.filter((x) => x.teacher_id === me.account_id); // an administrator sees every subject
      box.append(h("h2", {}, t("pick")));
      const list = [...new Set(mine.map((x) => x.subject_id))];
      box.append(list.length ? h("ul", {}, list.map((id) => h("li", {}, h("a", {
        href: href(`/teach/${schoolId}/classes/${classId}/journal`, { subject: id }) }, names.get(id) || id))))
        : h("p", {}, t("none")));
    });
}

function grid(box, h1, { schoolId, classId }, query) {
  return load(box, () => api.get(`/schools/${schoolId}/classes/${classId}/journal`,
    { subject_id: query.subject, term_id: query.term }), (journal) => new Grid(box, h1, schoolId, classId, query, journal));
}

const nameOf = (s) => `${s.last_name} ${s.first_name}`;

class Grid {
  constructor(box, h1, schoolId, classId, query, journal) {
    Object.assign(this, { schoolId, classId, journal });
    this.lessons = [...journal.lessons].sort((a, b) => (a.date + a.starts_at).localeCompare(b.date + b.starts_at));
    this.rows = journal.students.map((s) => ({ student: s, cells: this.lessons.map((l) => ({
      grades: [...((s.cells[l.lesson_id] || {}).grades || [])], attendance: (s.cells[l.lesson_id] || {}).attendance || null,
      state: "", pending: null, queue: Promise.resolve() })) }));
    h1.textContent = `${t("title")} — ${journal.class_name}, ${journal.subject_name}`;
    retitle(h1.textContent);
    const held = this.lessons.map((l, i) => [l, i]).filter(([l]) => l.date <= journal.today && !l.cancelled);
    const wanted = this.lessons.findIndex((l) => l.lesson_id === query.lesson);
    this.at = [0, wanted >= 0 ? wanted : held.length ? held[held.length - 1][1] : 0];
    this.status = h("p", { class: "journal-status", role: "status", "aria-live": "polite" });
    this.panel = h("div", { class: "journal-panel" });
    this.conflicts = h("div", { class: "journal-conflicts" });
    const keep = { subject: journal.subject_id, term: journal.term.term_id };
    box.append(
      h("p", {}, h("button", { type: "button", class: "link journal-jump", onclick: () => this.focus() }, t("toGrid"))),
      classNav(schoolId, classId, "journal", keep),
      h("nav", { class: "section-nav", "aria-label": t("terms") }, h("ul", {}, journal.terms.map((term) => h("li", {}, h("a", {
        href: href(`/teach/${schoolId}/classes/${classId}/journal`, { subject: journal.subject_id, term: term.term_id }),
        "aria-current": term.term_id === journal.term.term_id ? "page" : false }, term.name))))),
      h("div", { class: "journal-keys" }, h("h2", {}, t("keys")), h("ul", {}, TEXT[language()].k.map((line) => h("li", {}, line)))),
      this.conflicts, this.panel, this.status, this.table());
  }

  table() {
    const j = this.journal;
    this.tds = this.rows.map(() => []);
    this.avgs = [];
    const head = h("tr", {}, h("th", { scope: "col" }, t("student")), this.lessons.map((l) => h("th", {
      scope: "col", class: l.date === j.today ? "today-col" : null },
    h("a", { href: href(`/teach/${this.schoolId}/classes/${this.classId}/lessons/${l.lesson_id}`),
      "aria-label": t("lessonLink", { day: `${shortDay(l.date)} ${l.starts_at}` }) }, shortDay(l.date)),
    h("span", { class: "journal-time" }, l.starts_at),
    l.homework ? h("span", { class: "journal-hw", title: l.homework.text }, t("hw")) : null,
    l.cancelled ? h("span", { class: "muted" }, t("cancelled")) : null)), h("th", { scope: "col" }, t("average")));
    const body = h("tbody", { onkeydown: (e) => this.key(e), onfocusin: (e) => this.focused(e) });
    this.rows.forEach((row, r) => {
      const tr = h("tr", {}, h("th", { scope: "row" }, nameOf(row.student)));
      this.lessons.forEach((l, c) => {
        const td = h("td", { tabindex: r === this.at[0] && c === this.at[1] ? "0" : "-1", "data-col": c,
          class: l.cancelled ? "journal-cell cancelled" : "journal-cell", onclick: () => this.go(r, c) });
        this.tds[r].push(td);
        tr.append(td);
        this.paint(r, c);
      });
      const avg = h("td", { class: "journal-avg" });
      this.avgs.push(avg);
      tr.append(avg);
      this.average(r);
      body.append(tr);
    });
    return h("div", { class: "table-wrap journal-wrap" }, h("table", { class: "journal" },
      h("caption", {}, t("caption", { subject: j.subject_name, klass: j.class_name, term: j.term.name })),
      h("thead", {}, head), body));
  }

  label(r, c) {
    return { who: nameOf(this.rows[r].student), day: `${shortDay(this.lessons[c].date)} ${this.lessons[c].starts_at}` };
  }

  text(cell) {
    const parts = cell.grades.map((g) => String(g.value));
    if (cell.attendance) parts.push(t(cell.attendance.mark === "absent" ? "absentWord" : "lateWord"));
    return parts.join(", ") || t("empty");
  }

  paint(r, c) {
    const cell = this.rows[r].cells[c];
    const td = this.tds[r][c];
    td.dataset.state = cell.pending ? "pending" : cell.state;
    const marks = cell.attendance ? h("span", { class: "journal-mark", "aria-hidden": "true" },
      t(cell.attendance.mark === "absent" ? "absent" : "late")) : null;
    const grades = cell.grades.map((g) => h("span", { class: g.version > 1 ? "journal-grade corrected" : "journal-grade" },
      String(g.value), g.weight > 1 ? h("sub", {}, `×${g.weight}`) : null, g.remark ? h("span", { "aria-hidden": "true" }, "*") : null));
    const hidden = [cell.attendance ? t(cell.attendance.mark === "absent" ? "absentWord" : "lateWord") : "",
      cell.grades.some((g) => g.weight > 1) ? cell.grades.map((g) => t("weight", { n: g.weight })).join(", ") : "",
      cell.grades.some((g) => g.version > 1) ? t("corrected") : "", cell.pending ? t("pending") : cell.state ? t(cell.state) : ""];
    replace(td, cell.pending ? h("span", { class: "journal-pending" }, pendingText(cell.pending)) : [grades, marks],
      h("span", { class: "visually-hidden" }, hidden.filter(Boolean).join(", ")),
      cell.state && !cell.pending ? h("span", { class: "journal-state", "aria-hidden": "true" },
        { saving: "…", saved: "✓", conflict: "!", error: "×" }[cell.state]) : null);
  }

  average(r) {
    const all = this.rows[r].cells.flatMap((cell) => cell.grades);
    const weight = all.reduce((n, g) => n + g.weight, 0);
    this.avgs[r].textContent = weight ? (all.reduce((n, g) => n + g.value * g.weight, 0) / weight)
      .toLocaleString(language() === "en" ? "en-GB" : "ru-RU", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : "";
  }

  focus() {
    this.tds[this.at[0]] && this.tds[this.at[0]][this.at[1]] && this.tds[this.at[0]][this.at[1]].focus();
  }

  go(r, c) {
    if (!this.tds.length || !this.lessons.length) return;
    r = Math.max(0, Math.min(this.rows.length - 1, r));
    c = Math.max(0, Math.min(this.lessons.length - 1, c));
    this.tds[this.at[0]][this.at[1]].tabIndex = -1;
    this.at = [r, c];
    this.tds[r][c].tabIndex = 0;
    this.tds[r][c].focus();
  }

  focused(e) {
    const td = e.target.closest("td[data-col]");
    if (!td) return;
    const r = this.tds.findIndex((row) => row.includes(td));
    const c = Number(td.dataset.col);
    if (r !== this.at[0] || c !== this.at[1]) { this.tds[this.at[0]][this.at[1]].tabIndex = -1; td.tabIndex = 0; this.at = [r, c]; }
    this.say(r, c);
  }

  say(r, c, key) {
    const cell = this.rows[r].cells[c];
    const state = this.lessons[c].cancelled ? t("cancelled") : cell.pending ? t("pending") : cell.state ? t(cell.state) : "";
    const { who, day } = this.label(r, c);
    this.status.textContent = key ? t(key, { who, day, what: this.text(cell) })
      : `${who}, ${day}: ${cell.pending ? pendingText(cell.pending) : this.text(cell)}${state ? ", " + state : ""}`;
  }

  key(e) {
    if (!e.target.matches("td[data-col]") || e.altKey || e.ctrlKey || e.metaKey) return;
    const [r, c] = this.at;
    const cell = this.rows[r].cells[c];
    const k = e.key;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[k]) { this.commit(r, c); this.go(r + moves[k][0], c + moves[k][1]); }
    else if (k === "Home" || k === "End") { this.commit(r, c); this.go(r, k === "Home" ? 0 : this.lessons.length - 1); }
    else if (k === "Enter") { this.commit(r, c); this.go(r + 1, c); }
    else if (k === "Escape") { cell.pending = null; this.paint(r, c); this.say(r, c); }
    else if (k === " " || k === "F2") this.open(r, c);
    else if (this.lessons[c].cancelled) { this.say(r, c); return; }
    else if (/^[1-5]$/.test(k)) this.pend(r, c, { kind: "grade", want: { value: Number(k) } });
    else if ("нНnN".includes(k) || e.code === "KeyY") this.pend(r, c, { kind: "mark", want: { mark: "absent" } });
    else if ("оОlL".includes(k) || e.code === "KeyJ") this.pend(r, c, { kind: "mark", want: { mark: "late" } });
    else if (k === "Delete" || k === "Backspace") {
      if (cell.attendance) this.pend(r, c, { kind: "mark", want: null });
      else if (cell.grades.length) this.pend(r, c, { kind: "grade", want: null });
    } else return;
    e.preventDefault();
  }

  pend(r, c, pending) {
    this.rows[r].cells[c].pending = pending;
    this.paint(r, c);
    this.say(r, c);
  }

  commit(r, c) {
    const cell = this.rows[r].cells[c];
    if (!cell.pending) return;
    const { kind, want } = cell.pending;
    cell.pending = null;
    this.write(r, c, kind, want);
  }

  paths(r) {
    const student = this.rows[r].student.student_id;
    return { grade: (id) => `/schools/${this.schoolId}/students/${student}/grades/${id}`,
      lesson: (c) => `/schools/${this.schoolId}/classes/${this.classId}/lessons/${this.lessons[c].lesson_id}`, student };
  }

  /** One save, queued behind the cell's earlier ones: kind "grade" (want {value, …} or null: delete the
   * cell's last grade) or "mark" (want {mark} or null). A 409 asks the teacher which value stays. */
  write(r, c, kind, want) {
    const cell = this.rows[r].cells[c];
    cell.state = "saving";
    this.paint(r, c);
    cell.queue = cell.queue.then(() => this.attempt(r, c, kind, want, undefined, kind === "grade" && cell.grades.length
      ? cell.grades[cell.grades.length - 1].grade_id : null));
    return cell.queue;
  }

  async attempt(r, c, kind, want, version, gradeId) {
    const cell = this.rows[r].cells[c];
    const p = this.paths(r);
    const grade = cell.grades.find((g) => g.grade_id === gradeId);
    const v = version !== undefined ? version : kind === "grade" ? grade && grade.version : cell.attendance && cell.attendance.version;
    try {
      if (kind === "grade") {
        if (!want) { await api.delete(`${p.grade(gradeId)}?version=${v}`); cell.grades = cell.grades.filter((g) => g.grade_id !== gradeId); }
        else if (gradeId) this.putGrade(cell, gradeId, await api.patch(p.grade(gradeId), { ...want, version: v }));
        else cell.grades.push(await api.post(`${p.lesson(c)}/grades`, { student_id: p.student, ...want }));
      } else if (!want) {
        await api.delete(`${p.lesson(c)}/attendance/${p.student}${v ? `?version=${v}` : ""}`);
        cell.attendance = null;
      } else {
        cell.attendance = await api.put(`${p.lesson(c)}/attendance/${p.student}`, { ...want, ...(v ? { version: v } : {}) });
      }
      cell.state = "saved";
      this.paint(r, c);
      this.average(r);
      this.say(r, c, "savedSay");
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.code === "stale_version") {
        this.conflict(r, c, kind, want, error.current, gradeId);
      } else {
        cell.state = "error";
        this.paint(r, c);
        this.status.textContent = `${this.label(r, c).who}: ${errorText(error)}`;
      }
    }
  }

  putGrade(cell, gradeId, now) {
    const i = cell.grades.findIndex((g) => g.grade_id === gradeId);
    if (!now) { if (i >= 0) cell.grades.splice(i, 1); }
    else if (i >= 0) cell.grades[i] = now;
    else cell.grades.push(now);
  }

  conflict(r, c, kind, want, current, gradeId) {
    const cell = this.rows[r].cells[c];
    cell.state = "conflict";
    this.paint(r, c);
    const show = (x) => (!x ? t("deleted") : kind === "grade" ? String(x.value) : t(x.mark === "absent" ? "absentWord" : "lateWord"));
    const { who, day } = this.label(r, c);
    const done = (key) => { item.remove(); this.paint(r, c); this.average(r); this.go(r, c); this.say(r, c, key); };
    const item = h("section", { class: "journal-conflict", role: "alert", "data-cell": `${r}:${c}` },
      h("h2", {}, t("conflictTitle")),
      h("p", {}, t("conflictText", { who, day, theirs: show(current), mine: show(want) })),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => {
          if (kind === "grade") this.putGrade(cell, gradeId, current);
          else cell.attendance = current || null;
          cell.state = "saved";
          done("kept");
        } }, t("keep", { v: show(current) })),
        h("button", { type: "button", onclick: async () => {
          item.remove();
          cell.state = "saving";
          this.paint(r, c);
          this.go(r, c);
          if (kind === "grade" && !current) { cell.grades = cell.grades.filter((g) => g.grade_id !== gradeId); await this.attempt(r, c, kind, want, undefined, null); }
          else await this.attempt(r, c, kind, want, current ? current.version : null, gradeId);
        } }, t("mine", { v: show(want) }))));
    item.addEventListener("keydown", (e) => { if (e.key === "Escape") this.go(r, c); });
    this.conflicts.querySelector(`[data-cell="${r}:${c}"]`)?.remove();
    this.conflicts.append(item);
  }

  /** Space/F2: a conflicting cell's choice, or the cell's weight, kind of work, remark, attendance and history. */
  open(r, c) {
    const waiting = this.conflicts.querySelector(`[data-cell="${r}:${c}"] button`);
    if (waiting) { waiting.focus(); return; }
    if (this.lessons[c].cancelled) return;
    const cell = this.rows[r].cells[c];
    const last = cell.grades[cell.grades.length - 1];
    const kinds = Object.entries(WORK_KINDS[language()]);
    const value = field({ name: "value", label: t("value"), kind: "select", options: [["", t("noGrade")], ...[1, 2, 3, 4, 5].map((n) => [n, n])] });
    const weight = field({ name: "weight", label: t("weightLabel"), type: "number", min: 1, max: 10 });
    const kind = field({ name: "work_kind", label: t("kind"), kind: "select", options: kinds });
    const remark = field({ name: "remark", label: t("remark"), kind: "textarea", rows: 2, maxlength: 1000 });
    const mark = field({ name: "mark", label: t("mark"), kind: "select", options: [["", t("present")], ["absent", t("absentWord")], ["late", t("lateWord")]] });
    value.control.value = last ? last.value : "";
    weight.control.value = last ? last.weight : 1;
    kind.control.value = last ? last.work_kind : "classwork";
    remark.control.value = (last && last.remark) || "";
    mark.control.value = cell.attendance ? cell.attendance.mark : "";
    const close = () => { replace(this.panel); this.go(r, c); };
    const history = h("div", { class: "journal-history" });
    const form = h("form", { class: "journal-details", "aria-labelledby": "journal-details-title" },
      h("h2", { id: "journal-details-title" }, t("details", this.label(r, c))),
      h("div", { class: "pair" }, value, weight, kind, mark), remark,
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("save")),
        h("button", { type: "button", class: "secondary", onclick: close }, t("cancel")),
        cell.grades.length ? h("button", { type: "button", class: "secondary", onclick: () => this.history(r, c, history) }, t("history")) : null),
      history);
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); close(); } });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const v = value.control.value;
      const want = v ? { value: Number(v), weight: Number(weight.control.value) || 1, work_kind: kind.control.value,
        remark: remark.control.value.trim() || null } : null;
      if (want && last) for (const k of ["value", "weight", "work_kind", "remark"]) if (want[k] === last[k]) delete want[k];
      if (want ? Object.keys(want).length : last) this.write(r, c, "grade", want); // none chosen: the last grade goes
      const m = mark.control.value;
      if (m !== (cell.attendance ? cell.attendance.mark : "")) this.write(r, c, "mark", m ? { mark: m } : null);
      close();
    });
    replace(this.panel, form);
    value.control.focus();
  }

  async history(r, c, box) {
    const p = this.paths(r);
    replace(box);
    for (const g of this.rows[r].cells[c].grades) {
      try {
        const { items } = await api.get(`${p.grade(g.grade_id)}/history`);
        box.append(h("ol", {}, items.map((x) => h("li", {}, t("by", { when: formatDateTime(x.when), who: x.changed_by,
          action: t({ created: "created", corrected: "correctedAct", deleted: "deletedAct" }[x.action]),
          what: describe(x.before, x.after) })))));
      } catch (error) {
        box.append(h("p", { class: "form-error", role: "alert" }, errorText(error)));
      }
    }
  }
}

function pendingText(pending) {
  if (!pending.want) return "⌫";
  return pending.kind === "grade" ? String(pending.want.value) : t(pending.want.mark === "absent" ? "absent" : "late");
}

function describe(before, after) {
  const keys = Object.keys(after || before || {}).filter((k) => ["value", "weight", "work_kind", "remark"].includes(k));
  return keys.map((k) => `${k}: ${before && k in before ? `${before[k] ?? "—"} → ` : ""}${after && k in after ? after[k] ?? "—" : ""}`).join("; ");
}
