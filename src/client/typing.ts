/** Who is typing in each room, from ephemeral `typing` frames; an `on` not renewed expires. */
import type { UserRef } from '../protocol/frames.ts';

interface Typist {
  readonly user: UserRef;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class TypingTracker {
  readonly #rooms = new Map<string, Map<string, Typist>>();
  readonly #ttlMs: number;
  readonly #changed: (room: string, users: UserRef[]) => void;

  constructor(ttlMs: number, changed: (room: string, users: UserRef[]) => void) {
    this.#ttlMs = ttlMs;
    this.#changed = changed;
  }

  update(room: string, user: UserRef, on: boolean): void {
    let typists = this.#rooms.get(room);
    const had = typists?.get(user.id);
    if (had) clearTimeout(had.timer);
    if (on) {
      if (!typists) this.#rooms.set(room, (typists = new Map()));
      const timer = setTimeout(() => this.update(room, user, false), this.#ttlMs);
      typists.set(user.id, { user, timer });
      // A renewal changes nothing the app can see.
      if (!had) this.#emit(room);
    } else if (had && typists) {
      typists.delete(user.id);
      if (typists.size === 0) this.#rooms.delete(room);
      this.#emit(room);
    }
  }

  /** Forget a room (left) or everything (disconnected): nobody is known to be typing any more. */
  clear(room?: string): void {
    for (const name of room === undefined ? [...this.#rooms.keys()] : [room]) {
      const typists = this.#rooms.get(name);
      if (!typists) continue;
      for (const t of typists.values()) clearTimeout(t.timer);
      this.#rooms.delete(name);
      this.#emit(name);
    }
  }

  #emit(room: string): void {
    const typists = this.#rooms.get(room);
    this.#changed(room, typists ? [...typists.values()].map((t) => t.user) : []);
  }
}

/**
 * Typing both ways: who else is typing (a TypingTracker) and this client's own signal, `on`
 * renewed at most every ttl/2 per room and `off` sent only after an `on`.
 */
export class Typing {
  readonly #others: TypingTracker;
  /** When `on` was last sent, per room (0: not typing). */
  readonly #sentAt = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #send: (room: string, on: boolean) => void;

  constructor(
    ttlMs: number,
    changed: (room: string, users: UserRef[]) => void,
    send: (room: string, on: boolean) => void,
  ) {
    this.#others = new TypingTracker(ttlMs, changed);
    this.#ttlMs = ttlMs;
    this.#send = send;
  }

  /** Someone's `typing` frame. */
  update(room: string, user: UserRef, on: boolean): void {
    this.#others.update(room, user, on);
  }

  /** This client is typing in `room` (or stopped). */
  set(room: string, on: boolean): void {
    const now = Date.now();
    const last = this.#sentAt.get(room) ?? 0;
    if (on ? now - last < this.#ttlMs / 2 : last === 0) return;
    this.#sentAt.set(room, on ? now : 0);
    this.#send(room, on);
  }

  /** Forget a room (left) or everything (disconnected): no signal either way is current. */
  clear(room?: string): void {
    this.#others.clear(room);
    if (room === undefined) this.#sentAt.clear();
    else this.#sentAt.delete(room);
  }
}
