// The account's children (GET /children), read once per sign-in and shared by every page, so that
// opening a child's section costs only the section's own request.

import { api, onSignedOut } from "./api.js";

let cached = null;

onSignedOut(() => { cached = null; });

/** Every child the account may see (all pages of the list), from the cache after the first call. */
export async function children({ fresh = false } = {}) {
  if (!cached || fresh) {
    cached = (async () => {
      const items = [];
      let cursor;
      do {
        const page = await api.get("/children", { limit: 100, cursor });
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return items;
    })().catch((error) => { cached = null; throw error; });
  }
  return cached;
}

/** One child by id (from the same list); null when the account no longer sees it. */
export async function child(studentId) {
  return (await children()).find((c) => c.student_id === studentId) || null;
}

/** Forget the list (after redeeming a code or a revocation) so the next page reads it again. */
export function forgetChildren() {
  cached = null;
}
