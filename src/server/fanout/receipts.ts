/**
 * Read-receipt signals: when a member's watermark moves, the room's subscribers on this node hear
 * of it in a `receipts` frame. Ephemeral like typing: coalesced (one frame per room per window,
 * latest watermark per user), droppable under back-pressure, never stored as such (the
 * watermark itself is, by Store.markRead).
 */
import { RECEIPTS_COALESCE_MS, type Receipt, type ReceiptsFrame, type UserRef } from '../../protocol/index.ts';
import type { Hub } from './hub.ts';

export class ReceiptSignals {
  readonly #hub: Hub;
  readonly #windowMs: number;
  /** room → user id → latest receipt, waiting for the window to end. */
  readonly #dirty = new Map<string, Map<string, Receipt>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(hub: Hub, windowMs = RECEIPTS_COALESCE_MS) {
    this.#hub = hub;
    this.#windowMs = windowMs;
  }

  moved(room: string, user: UserRef, seq: number): void {
    let receipts = this.#dirty.get(room);
    if (!receipts) this.#dirty.set(room, (receipts = new Map()));
    const had = receipts.get(user.id);
    if (!had || had.seq < seq) receipts.set(user.id, { user, seq });
    this.#timer ??= setTimeout(() => this.#flush(), this.#windowMs).unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    for (const [room, receipts] of this.#dirty) {
      const frame: ReceiptsFrame = { type: 'receipts', room, receipts: [...receipts.values()] };
      this.#hub.broadcast(room, JSON.stringify(frame));
    }
    this.#dirty.clear();
  }
}
