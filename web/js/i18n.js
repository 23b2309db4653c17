// Russian first, English by the switch or by the account's language. Each page keeps its own
// strings beside its code (`const TEXT = {ru: {...}, en: {...}}`); this module only knows the
// current language and fills `{name}` placeholders.

const STORAGE_KEY = "ediary.language"; // the only thing kept in the browser: not personal data
let current = initial();

function initial() {
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved === "ru" || saved === "en") return saved;
  } catch { /* storage may be disabled */ }
  return "ru";
}

export function language() {
  return current;
}

/** Sets the language (a switch, or the account's language after sign-in) and marks the document. */
export function setLanguage(lang) {
  current = lang === "en" ? "en" : "ru";
  document.documentElement.lang = current;
  try { sessionStorage.setItem(STORAGE_KEY, current); } catch { /* ignore */ }
}

/** tr(TEXT, "key", {n: 2}) → the string in the current language, placeholders filled. */
export function tr(table, key, params = {}) {
  const text = (table[current] && table[current][key]) ?? (table.ru && table.ru[key]) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Russian plural: plural(n, ["оценка", "оценки", "оценок"]) — English: plural(n, ["grade", "grades"]). */
export function plural(n, forms) {
  if (forms.length === 2) return n === 1 ? forms[0] : forms[1];
  const mod10 = n % 10, mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return forms[0];
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return forms[1];
  return forms[2];
}

/** A day (ISO "2026-09-07") or a time in the reader's language. */
export function formatDay(iso, options = { weekday: "long", day: "numeric", month: "long" }) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(current === "en" ? "en-GB" : "ru-RU", { ...options, timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatDateTime(iso, timeZone) {
  return new Intl.DateTimeFormat(current === "en" ? "en-GB" : "ru-RU", {
    dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}
