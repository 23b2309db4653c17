// Which staff roles the account holds (GET /me `roles`, each with its school's id and name) and where
// each role starts. Tiny on purpose: the shell (app.js) imports it for the header on every page,
// while the staff pages' own pieces (staff.js) load only with a staff page.

import { api } from "./api.js";
import { session } from "./app.js";

/** The signed-in account (GET /me), read once and kept in `session.me`. */
export async function account() {
  if (!session.me) session.me = await api.get("/me");
  return session.me;
}

/** The account's schools in a role: [{school_id, school_name}], each once, in the order /me lists them. */
export function schoolsAs(me, role) {
  const seen = new Map();
  for (const r of (me && me.roles) || []) {
    if (r.role === role && r.school_id && !seen.has(r.school_id)) {
      seen.set(r.school_id, { school_id: r.school_id, school_name: r.school_name || r.school_id });
    }
  }
  return [...seen.values()];
}

export function isOperator(me) {
  return ((me && me.roles) || []).some((r) => r.role === "operator");
}

/** Where the account starts after sign-in: the operator's schools, an administrator's school,
 * a teacher's classes, otherwise the family's children. */
export function homeOf(me) {
  if (isOperator(me)) return "/operator";
  const admin = schoolsAs(me, "admin");
  if (admin.length) return `/school/${admin[0].school_id}`;
  if (schoolsAs(me, "teacher").length) return "/teach";
  return "/children";
}
