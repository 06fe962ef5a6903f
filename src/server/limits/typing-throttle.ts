/**
 * The typing throttle: per user and room, across all of the user's connections. The rate is a
 * bucket of the Limiters engine (`typing`), shared by the nodes sharing the engine; what was last
 * forwarded, and the timers, are this node's.
 */
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from '../../protocol/index.ts';
import type { Limiter, Limiters } from './limiter.ts';
import { MemoryLimiters } from './memory-limiter.ts';

/** Typing signals one user may have forwarded in a room at once; then one per TYPING_THROTTLE_MS. */
export const TYPING_BURST = 2;

interface Typist {
  /** The state last forwarded, and when an `on` last went out (renewals are due after the throttle). */
  shown: boolean;
  onAt: number;
  /** The latest state asked for, and how to forward it (from the connection that asked). */
  want: boolean;
  send: (on: boolean) => void;
  /** One timer per entry: the held-back change when the bucket is empty (`held`), else forgetting the entry. */
  timer: NodeJS.Timeout | undefined;
  held: boolean;
  /** The engine was asked for a token and has not answered yet (only an engine that answers later). */
  asking: boolean;
}

/**
 * Typing per user and room, across all of the user's connections: repeats are not forwarded, and
 * forwarded signals come from a token bucket (TYPING_BURST, then one per TYPING_THROTTLE_MS), so
 * two `on`s are at least the throttle apart; every forwarded signal, `on` or `off`, takes a token,
 * so alternating cannot go faster. A change met by an empty bucket is held and the latest state
 * goes out when a token is back, so receivers end up right. An entry is forgotten TYPING_TTL_MS
 * after its last forwarded signal (receivers have expired it; the bucket is full): memory follows
 * the users typing now.
 */
export class TypingThrottle {
  readonly #typists = new Map<string, Typist>();
  readonly #bucket: Limiter;

  constructor(limiters: Limiters = new MemoryLimiters()) {
    this.#bucket = limiters.bucket('typing', 1000 / TYPING_THROTTLE_MS, TYPING_BURST);
  }

  /** User `userId` asks for `on` in `room`; `send` forwards it to the room's others. */
  signal(userId: string, room: string, on: boolean, send: (on: boolean) => void, now = Date.now()): void {
    const key = `${userId}\n${room}`;
    let t = this.#typists.get(key);
    if (!t) {
      t = { shown: false, onAt: 0, want: on, send, timer: undefined, held: false, asking: false };
      this.#typists.set(key, t);
    }
    t.want = on;
    t.send = send;
    // While a change is held (or a token asked for), the latest state asked for is what goes out.
    if (!t.held && !t.asking) this.#pump(key, t, now);
  }

  #pump(key: string, t: Typist, now: number): void {
    if (!this.#due(t, now)) {
      if (!t.timer) this.#arm(key, t, TYPING_TTL_MS, false);
      return;
    }
    const wait = this.#bucket.take(key);
    if (typeof wait === 'number') {
      this.#answered(key, t, wait, now);
      return;
    }
    t.asking = true;
    wait.then(
      (w) => {
        t.asking = false;
        this.#answered(key, t, w, Date.now());
      },
      // An engine failure drops this signal: typing is droppable, and the client renews it.
      () => (t.asking = false),
    );
  }

  /** A change of state, or a renewal of `on` once the throttle has passed. */
  #due(t: Typist, now: number): boolean {
    return t.want !== t.shown || (t.want && now - t.onAt >= TYPING_THROTTLE_MS);
  }

  /** The bucket answered `wait` for a signal that was due (and with an engine that answers later, may be no longer). */
  #answered(key: string, t: Typist, wait: number, now: number): void {
    const change = t.want !== t.shown;
    if (wait > 0) {
      // A renewal can be dropped (the client renews again); a change waits for its token.
      if (change) this.#arm(key, t, wait, true);
      return;
    }
    if (!this.#due(t, now)) {
      if (!t.timer) this.#arm(key, t, TYPING_TTL_MS, false);
      return;
    }
    t.shown = t.want;
    if (t.want) t.onAt = now;
    this.#arm(key, t, TYPING_TTL_MS, false);
    t.send(t.want);
  }

  #arm(key: string, t: Typist, ms: number, held: boolean): void {
    clearTimeout(t.timer);
    t.held = held;
    t.timer = setTimeout(() => {
      t.timer = undefined;
      t.held = false;
      if (held) this.#pump(key, t, Date.now());
      else if (this.#typists.get(key) === t) this.#typists.delete(key);
    }, ms);
    t.timer.unref();
  }

  /** On shutdown: held changes are dropped (their connections are closing) and no timer is left. */
  close(): void {
    for (const t of this.#typists.values()) clearTimeout(t.timer);
    this.#typists.clear();
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.#typists.size;
  }
}
