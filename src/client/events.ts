/** A small typed event emitter. */

type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<E extends keyof Events>(event: E, fn: Listener<Events[E]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    // Copy: a listener may unsubscribe (itself or another) while we iterate.
    for (const fn of [...set] as Listener<Events[E]>[]) {
      try {
        fn(payload);
      } catch (err) {
        // A throwing listener is an app bug; surface it without corrupting the client's state.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
