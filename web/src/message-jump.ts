/**
 * Jump to a message (from a search result): open its room and load the page around the message
 * into the room's window (chat-store.ts jumpTo); the list then scrolls to it (use-message-focus.ts).
 */
import type { ChatStore, RoomView } from './chat-store.ts';

/** Kept for callers that name the old limit: the windowed list has none, so 'too-far' is never returned. */
export const JUMP_MAX_EVENTS = Number.POSITIVE_INFINITY;

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
  if (!ready?.loaded || store.getState().current !== room) return 'failed';
  // The room's window moves to the page around the message (history-window.ts): no distance is too far.
  return (await store.jumpTo(room, seq)) ? 'shown' : 'failed';
}
