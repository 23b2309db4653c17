// "/": each account starts where its work is (roles.js homeOf): the operator's schools, an
// administrator's school, a teacher's classes, or the family's children.

import { go } from "../router.js";
import { account, homeOf } from "../roles.js";
import { render as renderChildren } from "./children.js";

export async function render(main, context) {
  let me = null;
  try { me = await account(); } catch { /* the children page says what went wrong */ }
  const home = me ? homeOf(me) : "/children";
  if (home === "/children") return renderChildren(main, context);
  go(home);
}
