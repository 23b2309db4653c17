// A new application: find the school in the directory, pick it, then the child and who you are to
// the child. The school checks the applicant in person before it approves.

import { ApiError, api } from "../api.js";
import { h, replace } from "../dom.js";
import { tr } from "../i18n.js";
import { go } from "../router.js";
import { field, form, heading } from "../ui.js";

const TEXT = {
  ru: { title: "Новое заявление", find: "1. Найдите школу", findHint: "Заполните хотя бы одно поле.",
    name: "Название школы", number: "Номер школы", district: "Район", search: "Найти",
    found: "Найденные школы", nothing: "Ничего не нашлось. Проверьте написание или ищите по номеру.",
    needOne: "Заполните хотя бы одно поле поиска.", pickSchool: "Выберите школу из списка.",
    child: "2. Ребёнок", lastName: "Фамилия ребёнка", firstName: "Имя ребёнка", middleName: "Отчество ребёнка (если есть)",
    birth: "Дата рождения", className: "Класс", classHint: "Например, 5А.", relation: "Кем вы приходитесь ребёнку",
    mother: "Мать", father: "Отец", guardian: "Опекун", other: "Другое", submit: "Подать заявление",
    searching: "Ищем…" },
  en: { title: "New application", find: "1. Find the school", findHint: "Fill in at least one field.",
    name: "School name", number: "School number", district: "District", search: "Search",
    found: "Schools found", nothing: "Nothing found. Check the spelling or search by number.",
    needOne: "Fill in at least one search field.", pickSchool: "Choose a school from the list.",
    child: "2. The child", lastName: "Child's last name", firstName: "Child's first name", middleName: "Child's patronymic (if any)",
    birth: "Date of birth", className: "Class", classHint: "E.g. 5А.", relation: "Your relation to the child",
    mother: "Mother", father: "Father", guardian: "Guardian", other: "Other", submit: "File the application",
    searching: "Searching…" },
};

export function render(main) {
  heading(main, tr(TEXT, "title"));
  const results = h("div", { class: "field", "data-field": "school_id" }, h("p", { class: "field-error", hidden: true }));
  const byName = field({ name: "name", label: tr(TEXT, "name"), maxlength: 100 });
  const byNumber = field({ name: "number", label: tr(TEXT, "number"), inputmode: "numeric", maxlength: 20 });
  const byDistrict = field({ name: "district", label: tr(TEXT, "district"), maxlength: 100 });
  const search = form({
    fields: [h("p", { class: "hint" }, tr(TEXT, "findHint")), byName, byNumber, byDistrict],
    submitLabel: tr(TEXT, "search"),
    submit: async (values) => {
      const query = { name: values.name.trim(), number: values.number.trim(), district: values.district.trim() };
      if (!query.name && !query.number && !query.district) {
        throw new ApiError(422, { code: "required", field: "name", message: tr(TEXT, "needOne") });
      }
      replace(results, h("p", { class: "loading", role: "status" }, tr(TEXT, "searching")), h("p", { class: "field-error", hidden: true }));
      try {
        showSchools(results, await findSchools(query));
      } catch (error) {
        replace(results, h("p", { class: "field-error", hidden: true }));
        throw error;
      }
    },
  });
  const fields = [
    field({ name: "child_last_name", label: tr(TEXT, "lastName"), required: true, maxlength: 120 }),
    field({ name: "child_first_name", label: tr(TEXT, "firstName"), required: true, maxlength: 120 }),
    field({ name: "child_middle_name", label: tr(TEXT, "middleName"), maxlength: 120 }),
    field({ name: "child_birth_date", label: tr(TEXT, "birth"), type: "date", required: true, min: "2000-01-01" }),
    field({ name: "class_name", label: tr(TEXT, "className"), hint: tr(TEXT, "classHint"), required: true, maxlength: 16 }),
    field({ name: "relation", label: tr(TEXT, "relation"), kind: "select",
      options: ["mother", "father", "guardian", "other"].map((r) => [r, tr(TEXT, r)]) }),
  ];
  const apply = form({
    fields: [results, h("h2", {}, tr(TEXT, "child")), ...fields],
    submitLabel: tr(TEXT, "submit"),
    submit: async (values) => {
      if (!values.school_id) throw new ApiError(422, { code: "required", field: "school_id", message: tr(TEXT, "pickSchool") });
      const body = { ...values };
      for (const key of Object.keys(body)) body[key] = String(body[key]).trim();
      if (!body.child_middle_name) delete body.child_middle_name;
      await api.post("/applications", body);
      go("/applications", { filed: 1 });
    },
  });
  main.append(h("h2", {}, tr(TEXT, "find")), search, apply);
}

// A directory page may hold few schools (each request reads a bounded share): read on until
// some are found or the directory ends, at most a few requests.
async function findSchools(query) {
  const found = [];
  let cursor;
  for (let i = 0; i < 8; i++) {
    const page = await api.get("/directory/schools", { ...query, limit: 20, cursor });
    found.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor || found.length >= 20) break;
  }
  return found;
}

function showSchools(results, schools) {
  if (!schools.length) {
    replace(results, h("p", { role: "status" }, tr(TEXT, "nothing")), h("p", { class: "field-error", hidden: true }));
    return;
  }
  const items = schools.map((s) => {
    const id = `school-${s.school_id}`;
    const details = [s.number ? `№ ${s.number}` : null, s.district, s.address].filter(Boolean).join(" · ");
    return h("div", { class: "check" },
      h("input", { type: "radio", name: "school_id", id, value: s.school_id, checked: schools.length === 1 }),
      h("label", { for: id }, s.name, details ? h("span", { class: "muted" }, ` (${details})`) : null));
  });
  replace(results, h("fieldset", {}, h("legend", {}, tr(TEXT, "found")), items,
    h("p", { class: "field-error", id: "school-error", hidden: true })));
  results.querySelector("input").focus();
}
