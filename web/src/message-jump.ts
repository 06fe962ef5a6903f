/**
 * Jump to a message (from a search result): open its room and load older pages until the message
 * is in the room's log, which stays contiguous, so scrolling and live events work as usual.
 */
import type { ChatStore, RoomView } from './chat-store.ts';
import { oldestSeq } from './room-log.ts';

/** Messages loaded above the target, so it shows in context. */
const CONTEXT = 10;
/** Farther back than this many messages the jump stops: the list would grow too long to render. */
export const JUMP_MAX_EVENTS = 10_000;

export type JumpResult = 'shown' | 'too-far' | 'failed';

/** Resolves with the room's view once `ok` holds for it (undefined if the view goes away). */
function whenView(store: ChatStore, room: string, ok: (v: RoomView) => boolean): Promise<RoomView | undefined> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const v = store.getState().views[room];
      if (v && !ok(v)) return false;
      resolve(v);
      return true;
    };
    if (check()) return;
    const off = store.subscribe(() => {
      if (check()) off();
    });
  });
}

export async function showMessage(store: ChatStore, room: string, seq: number): Promise<JumpResult> {
  store.openRoom(room);
  const ready = await whenView(store, room, (v) => v.loaded || v.status === 'error' || v.historyError !== undefined);
  if (!ready?.loaded) return 'failed';
  const start = ready.events.length;
  const target = Math.max(1, seq - CONTEXT);
  for (;;) {
    const view = store.getState().views[room];
    if (!view || store.getState().current !== room) return 'failed';
    const oldest = oldestSeq(view.events);
    if (!view.hasOlder || (oldest !== undefined && oldest <= target)) return 'shown';
    if (view.events.length - start >= JUMP_MAX_EVENTS) return 'too-far';
    if (view.loadingOlder) {
      await whenView(store, room, (v) => !v.loadingOlder);
      continue;
    }
    await store.loadOlder(room);
    const after = store.getState().views[room];
    // No progress: the page failed (the store shows why).
    if (after && after.hasOlder && !after.loadingOlder && oldestSeq(after.events) === oldest) return 'failed';
  }
}
