// «Мои дети»: a card per child with what is new and the child's sections; with no child yet, how
// to get access (an application to the school, or a code from an email).

import { h } from "../dom.js";
import { tr } from "../i18n.js";
import { href } from "../router.js";
import { children } from "../family.js";
import { childNav } from "../child-nav.js";
import { heading, load } from "../ui.js";

const TEXT = {
  ru: { title: "Мои дети", student: "вы — ученик", relative: "вы — родственник", tutor: "вы — репетитор",
    emptyTitle: "Пока здесь никого нет", empty: "Чтобы видеть дневник ребёнка, подайте заявление в его школу: школа проверит вас при личном визите и пришлёт код на почту. Если вас пригласили или код уже пришёл, введите его.",
    apply: "Подать заявление", code: "Ввести код", applications: "Мои заявления", more: "Ещё ребёнок?" },
  en: { title: "My children", student: "you: the student", relative: "you: a relative", tutor: "you: a tutor",
    emptyTitle: "Nobody here yet", empty: "To see a child's diary, apply to the child's school: the school checks you in person and emails you a code. If you were invited or already have a code, enter it.",
    apply: "Apply to a school", code: "Enter a code", applications: "My applications", more: "Another child?" },
};

export function render(main) {
  heading(main, tr(TEXT, "title"));
  const box = h("div");
  main.append(box);
  // Fresh on this page: what is new changes between visits; the child's sections then use the cache.
  return load(box, () => children({ fresh: true }), (items) => {
    if (!items.length) { box.append(empty()); return; }
    box.append(h("ul", { class: "cards" }, items.map(card)),
      h("p", {}, tr(TEXT, "more"), " ", h("a", { href: href("/applications/new") }, tr(TEXT, "apply")), " · ",
        h("a", { href: href("/code") }, tr(TEXT, "code"))));
  });
}

function card(child) {
  const name = [child.last_name, child.first_name, child.middle_name].filter(Boolean).join(" ");
  const fresh = child.new_grades > 0 || child.unread_messages > 0;
  return h("li", { class: "card" },
    h("h2", {}, name),
    h("p", {}, `${child.class_name} · ${child.school_name}`),
    child.role !== "parent" ? h("p", { class: "muted" }, tr(TEXT, child.role)) : null,
    h("p", {}, fresh ? h("span", { class: "badge" }, child.summary) : h("span", { class: "muted" }, child.summary)),
    childNav(child, null));
}

function empty() {
  return h("section", { "aria-labelledby": "empty-title" },
    h("h2", { id: "empty-title" }, tr(TEXT, "emptyTitle")),
    h("p", {}, tr(TEXT, "empty")),
    h("ul", {},
      h("li", {}, h("a", { href: href("/applications/new") }, tr(TEXT, "apply"))),
      h("li", {}, h("a", { href: href("/code") }, tr(TEXT, "code"))),
      h("li", {}, h("a", { href: href("/applications") }, tr(TEXT, "applications")))));
}
