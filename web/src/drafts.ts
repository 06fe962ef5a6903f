/**
 * Unsent composer text per room: kept in memory while switching rooms, and in this tab's
 * sessionStorage so a reload keeps it. Keyed by who is typing, so another sign-in in the tab
 * never sees it. Storage failures (private mode, quota) only lose the copy across reloads.
 */
const PREFIX = 'parley.draft:';
const memory = new Map<string, string>();

const keyOf = (who: string | undefined, room: string): string => `${PREFIX}${who ?? ''}:${room}`;

function store(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

export function loadDraft(who: string | undefined, room: string): string {
  const key = keyOf(who, room);
  const mem = memory.get(key);
  if (mem !== undefined) return mem;
  try {
    return store()?.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(who: string | undefined, room: string, text: string): void {
  const key = keyOf(who, room);
  if (text) memory.set(key, text);
  else memory.delete(key);
  try {
    if (text) store()?.setItem(key, text);
    else store()?.removeItem(key);
  } catch {
    // Kept in memory only.
  }
}
