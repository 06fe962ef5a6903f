/** Answer deadlines by id: one timer each, all cleared together when the connection goes. */
type Timer = ReturnType<typeof setTimeout>;

export class Deadlines {
  readonly #timers = new Map<string, Timer>();
  readonly #ms: number;
  readonly #expired: (id: string) => void;

  constructor(ms: number, expired: (id: string) => void) {
    this.#ms = ms;
    this.#expired = expired;
  }

  start(id: string): void {
    this.clear(id);
    this.#timers.set(
      id,
      setTimeout(() => {
        this.#timers.delete(id);
        this.#expired(id);
      }, this.#ms),
    );
  }

  clear(id: string): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
  }

  clearAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
