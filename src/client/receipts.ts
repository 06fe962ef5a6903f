/**
 * Members' read watermarks per room, for "seen by": from `joined` (the current ones) and the
 * ephemeral `receipts` frames after it. A watermark only moves forward. Pure: no timers, no I/O.
 */
import type { Receipt, UserRef } from '../protocol/frames.ts';

export class ReceiptBook {
  readonly #rooms = new Map<string, Map<string, Receipt>>();

  /** Merges receipts into the room's; true when any watermark moved. */
  merge(room: string, receipts: readonly Receipt[]): boolean {
    let book = this.#rooms.get(room);
    if (!book) this.#rooms.set(room, (book = new Map()));
    let moved = false;
    for (const r of receipts) {
      const had = book.get(r.user.id);
      if (had && had.seq >= r.seq) continue;
      book.set(r.user.id, { user: r.user, seq: r.seq });
      moved = true;
    }
    return moved;
  }

  /** The room's watermarks, highest first. */
  get(room: string): Receipt[] {
    return [...(this.#rooms.get(room)?.values() ?? [])].sort((a, b) => b.seq - a.seq);
  }

  /** Who (other than `except`) has read up to `seq` or beyond. */
  seenBy(room: string, seq: number, except?: string): UserRef[] {
    return this.get(room)
      .filter((r) => r.seq >= seq && r.user.id !== except)
      .map((r) => r.user);
  }

  forget(room: string): void {
    this.#rooms.delete(room);
  }
}
