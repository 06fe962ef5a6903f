/**
 * Per-room sequence tracker: turns the raw stream (replay, live, gap-fill pages, duplicates,
 * out-of-order arrivals) into each event exactly once, in seq order. Pure: no timers, no I/O.
 */
import type { RoomEvent, RoomInfo } from '../protocol/index.ts';

/** Events held back while waiting for a gap to close; beyond this we refetch instead of holding. */
const MAX_BUFFERED = 10_000;

export interface JoinOutcome {
  /** The epoch changed (or the server said reset): the app must drop its state for the room. */
  readonly reset: boolean;
  /** Buffered events that became deliverable. */
  readonly deliver: RoomEvent[];
}

export class RoomTracker {
  readonly room: string;
  #lastSeq: number | undefined;
  #epoch: string | undefined;
  /** Events with seq > lastSeq + 1, waiting for the gap below them to close. */
  readonly #buffer = new Map<number, RoomEvent>();
  /** Highest seq known to exist (seen or announced); above lastSeq means a gap to fetch. */
  #known = 0;
  /** Bumped on every join: gap fills started before it are stale. */
  #generation = 0;

  constructor(room: string) {
    this.room = room;
  }

  /** Last seq delivered to the app; undefined before the first join. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  get epoch(): string | undefined {
    return this.#epoch;
  }

  get generation(): number {
    return this.#generation;
  }

  get buffered(): number {
    return this.#buffer.size;
  }

  /** What to put in a join frame: resume after lastSeq, or nothing for a fresh join. */
  resumePoint(): { after: number; epoch: string } | undefined {
    if (this.#lastSeq === undefined || this.#epoch === undefined) return undefined;
    return { after: this.#lastSeq, epoch: this.#epoch };
  }

  /** The server answered join: replay starts after `from`. */
  joined(info: RoomInfo, from: number, serverReset: boolean): JoinOutcome {
    this.#generation++;
    const epochChanged = this.#epoch !== undefined && this.#epoch !== info.epoch;
    const reset = serverReset || epochChanged;
    this.#epoch = info.epoch;
    if (reset) {
      this.#buffer.clear();
      this.#lastSeq = from;
      this.#known = from;
    } else if (this.#lastSeq === undefined) {
      this.#lastSeq = from;
      this.#known = Math.max(this.#known, from);
    } else if (from > this.#lastSeq) {
      // The server skipped ahead without a reset: fetch what lies between.
      this.#known = Math.max(this.#known, from);
    }
    return { reset, deliver: this.#drain() };
  }

  /** One event from the socket (replay or live). Returns what may be delivered now, in order. */
  receive(event: RoomEvent): RoomEvent[] {
    if (this.#lastSeq === undefined) {
      // Arrived before our first joined: hold it until we know where the log starts for us.
      this.#hold(event);
      return [];
    }
    if (event.seq <= this.#lastSeq) return [];
    if (event.seq === this.#lastSeq + 1) {
      this.#lastSeq = event.seq;
      this.#buffer.delete(event.seq);
      return [event, ...this.#drain()];
    }
    this.#hold(event);
    return [];
  }

  /** A page of history fetched to close a gap. */
  fill(events: readonly RoomEvent[]): RoomEvent[] {
    const out: RoomEvent[] = [];
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) out.push(...this.receive(e));
    return out;
  }

  /** When a gap exists: fetch history after this seq. */
  gapAfter(): number | undefined {
    if (this.#lastSeq === undefined) return undefined;
    return this.#known > this.#lastSeq ? this.#lastSeq : undefined;
  }

  /** The gap cannot be filled (history has nothing): skip to the next buffered event. */
  skipGap(): RoomEvent[] {
    if (this.#lastSeq === undefined) return [];
    const next = this.#lowestBuffered();
    if (next === undefined) {
      this.#lastSeq = Math.max(this.#lastSeq, this.#known);
      return [];
    }
    this.#lastSeq = next - 1;
    return this.#drain();
  }

  #hold(event: RoomEvent): void {
    this.#known = Math.max(this.#known, event.seq);
    // Past the cap, remember only that the event exists; the gap fill will fetch it.
    if (this.#buffer.size < MAX_BUFFERED) this.#buffer.set(event.seq, event);
  }

  #lowestBuffered(): number | undefined {
    let low: number | undefined;
    for (const seq of this.#buffer.keys()) if (low === undefined || seq < low) low = seq;
    return low;
  }

  /** Drop buffered duplicates and deliver the contiguous run after lastSeq. */
  #drain(): RoomEvent[] {
    const last = this.#lastSeq;
    if (last === undefined) return [];
    for (const seq of this.#buffer.keys()) if (seq <= last) this.#buffer.delete(seq);
    const out: RoomEvent[] = [];
    let next = this.#buffer.get(last + 1);
    while (next) {
      out.push(next);
      this.#buffer.delete(next.seq);
      this.#lastSeq = next.seq;
      next = this.#buffer.get(next.seq + 1);
    }
    return out;
  }
}
