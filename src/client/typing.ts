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
