/**
 * Per-user log tracker: like RoomTracker for a room, turns `user` frames (replay, live, repeats,
 * out-of-order arrivals) into each entry exactly once, in seq order, and says when a gap needs a
 * `sync` from the last seq held. Pure: no timers, no I/O.
 */
import type { UserEvent } from '../protocol/index.ts';

/** Entries held back while a gap is open; past this the re-sync fetches them instead. */
const MAX_BUFFERED = 1_000;

export class UserLogTracker {
  #lastSeq: number | undefined;
  readonly #buffer = new Map<number, UserEvent>();
  /** Highest seq known to exist; above lastSeq means a gap to fetch. */
  #known = 0;

  /** `lastSeq`: where an earlier client (page life) stopped, when the app kept it. */
  constructor(lastSeq?: number) {
    this.#lastSeq = lastSeq;
  }

  /** Last seq delivered; undefined before the first `synced` of a client that knew none. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** `after` for the sync frame: undefined starts at the head. */
  resumePoint(): number | undefined {
    return this.#lastSeq;
  }

  /** The server answered sync: entries after `from` follow. With `reset` the log is not the one we knew. */
  synced(from: number, reset: boolean): UserEvent[] {
    if (reset || this.#lastSeq === undefined) {
      this.#lastSeq = from;
      if (reset) this.#buffer.clear();
      this.#known = Math.max(reset ? 0 : this.#known, from);
    }
    return this.#drain();
  }

  receive(event: UserEvent): UserEvent[] {
    if (this.#lastSeq === undefined || event.seq > this.#lastSeq + 1) {
      this.#known = Math.max(this.#known, event.seq);
      if (this.#buffer.size < MAX_BUFFERED) this.#buffer.set(event.seq, event);
      return [];
    }
    if (event.seq <= this.#lastSeq) return [];
    this.#lastSeq = event.seq;
    return [event, ...this.#drain()];
  }

  /** True while entries are missing below one that arrived: sync again from lastSeq. */
  hasGap(): boolean {
    return this.#lastSeq !== undefined && this.#known > this.#lastSeq;
  }

  #drain(): UserEvent[] {
    const last = this.#lastSeq;
    if (last === undefined) return [];
    for (const seq of this.#buffer.keys()) if (seq <= last) this.#buffer.delete(seq);
    const out: UserEvent[] = [];
    for (let next = this.#buffer.get(last + 1); next; next = this.#buffer.get(next.seq + 1)) {
      out.push(next);
      this.#buffer.delete(next.seq);
      this.#lastSeq = next.seq;
    }
    return out;
  }
}
