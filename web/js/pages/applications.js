// My applications, each with its state in words; withdraw a pending one, ask for a new code for
// an approved one, and go on to enter the code.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDateTime, formatDay, tr } from "../i18n.js";
import { href } from "../router.js";
import { errorText, heading, notice, paged } from "../ui.js";

const TEXT = {
  ru: { title: "Мои заявления", new: "Подать новое заявление", code: "Ввести код",
    filed: "Заявление подано. Теперь придите в школу с паспортом и документом, подтверждающим родство.",
    visit: "Ждёт вашего визита в школу: возьмите паспорт и документ, подтверждающий родство.",
    checked: "Школа проверила вас лично {when}; ждёт решения.",
    approved: "Одобрено; ищем ребёнка в списке класса.",
    awaiting_school_data: "Одобрено; ждём, когда школа внесёт ребёнка в список класса. Код придёт на почту.",
    awaiting_choice: "Одобрено; в школе несколько учеников с таким именем — администратор выберет вашего ребёнка. Код придёт на почту.",
    completed: "Одобрено, код отправлен вам на почту.",
    rejected: "Отклонено. Причина: {reason}", withdrawn: "Вы отозвали заявление.",
    withdraw: "Отозвать заявление",
    renew: "Прислать новый код", renewed: "Новый код отправлен на почту; старый больше не действует.",
    born: "дата рождения {day}", classLabel: "класс {name}", filedAt: "подано {when}", state: "Состояние:",
    mother: "мать", father: "отец", guardian: "опекун", other: "другое",
    none: "Заявлений пока нет." },
  en: { title: "My applications", new: "File a new application", code: "Enter a code",
    filed: "The application is filed. Now visit the school with your passport and a document proving the relation.",
    visit: "Awaiting your visit to the school: bring your passport and a document proving the relation.",
    checked: "The school checked you in person {when}; awaiting the decision.",
    approved: "Approved; looking for the child on the class roster.",
    awaiting_school_data: "Approved; waiting for the school to add the child to the class roster. The code will come by email.",
    awaiting_choice: "Approved; the school has several students of that name and its administrator will choose your child. The code will come by email.",
    completed: "Approved; the code was emailed to you.",
    rejected: "Rejected. Reason: {reason}", withdrawn: "You withdrew this application.",
    withdraw: "Withdraw the application",
    renew: "Send me a new code", renewed: "A new code is on its way by email; the old one no longer works.",
    born: "born {day}", classLabel: "class {name}", filedAt: "filed {when}", state: "State:",
    mother: "mother", father: "father", guardian: "guardian", other: "other",
    none: "No applications yet." },
};

export function render(main, { query }) {
  heading(main, tr(TEXT, "title"));
  const links = h("p", {}, h("a", { href: href("/applications/new") }, tr(TEXT, "new")), " · ",
    h("a", { href: href("/code") }, tr(TEXT, "code")));
  const box = h("div");
  main.append(links, box);
  if (query.filed) links.before(notice(main, tr(TEXT, "filed")));
  return paged(box, h("ul", { class: "cards" }), (cursor) => api.get("/applications", { limit: 50, cursor }),
    (items, list) => list.append(...items.map((item) => card(item))), () => h("p", {}, tr(TEXT, "none")));
}

function stateText(item) {
  if (item.state === "pending") {
    return item.checked_at ? tr(TEXT, "checked", { when: formatDateTime(item.checked_at) }) : tr(TEXT, "visit");
  }
  if (item.state === "rejected") return tr(TEXT, "rejected", { reason: item.reject_reason || "—" });
  return tr(TEXT, item.state);
}

function card(item) {
  const node = h("li", { class: "card" });
  const status = h("p", { role: "status" });
  const actions = h("div", { class: "actions" });
  const act = (label, run, className = "secondary") => h("button", { type: "button", class: className, onclick: async (event) => {
    event.target.disabled = true;
    try { await run(); } catch (error) { status.textContent = errorText(error); status.className = "form-error"; }
    event.target.disabled = false;
  } }, label);
  if (item.state === "pending") {
    actions.append(act(tr(TEXT, "withdraw"), async () => {
      const changed = await api.post(`/applications/${item.application_id}/withdraw`);
      node.replaceWith(card(changed));
    }));
  }
  if (item.state === "completed") {
    actions.append(h("a", { class: "button", href: href("/code") }, tr(TEXT, "code")),
      act(tr(TEXT, "renew"), async () => {
        await api.post(`/applications/${item.application_id}/code`);
        status.className = "notice";
        status.textContent = tr(TEXT, "renewed");
      }));
  }
  const name = [item.child_last_name, item.child_first_name, item.child_middle_name].filter(Boolean).join(" ");
  replace(node, h("h2", {}, name),
    h("p", { class: "muted" }, [tr(TEXT, "classLabel", { name: item.class_name }), tr(TEXT, "born", { day: formatDay(item.child_birth_date, { day: "numeric", month: "long", year: "numeric" }) }),
      tr(TEXT, item.relation), item.created_at ? tr(TEXT, "filedAt", { when: formatDateTime(item.created_at) }) : null].filter(Boolean).join(" · ")),
    h("p", { class: `state state-${item.state}` }, h("strong", {}, tr(TEXT, "state")), " ", stateText(item)),
    actions, status);
  return node;
}
