/**
 * Presence for the web app: the SDK's user statuses as a store components can subscribe to per
 * user, `who` asked in batches for users the page shows for the first time, and this page's
 * activity (hidden tab or no input for a while: idle) fed to the SDK.
 */
import {
  DEFAULT_IDLE_MS,
  watchActivity,
  type ActivityWatch,
  type ParleyClient,
  type UserStatus,
} from '../../src/client/index.ts';

/** Users first shown within this window are asked about in one `who`. */
const ASK_BATCH_MS = 30;

export class PresenceBook {
  readonly #client: ParleyClient;
  readonly #listeners = new Map<string, Set<() => void>>();
  /** Asked about (or heard of) already: not asked again; the SDK re-asks after a reconnect. */
  readonly #asked = new Set<string>();
  #wanted = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #off: () => void;
  readonly #watch: ActivityWatch | undefined;

  constructor(client: ParleyClient, idleMs = DEFAULT_IDLE_MS) {
    this.#client = client;
    this.#off = client.on('status', ({ users }) => {
      for (const s of users) {
        this.#asked.add(s.user.id);
        for (const fn of this.#listeners.get(s.user.id) ?? []) fn();
      }
    });
    this.#watch = typeof document === 'undefined' ? undefined : watchActivity((a) => client.setActivity(a), { idleMs });
  }

  get(userId: string): UserStatus | undefined {
    return this.#client.status(userId);
  }

  /** Calls `fn` when the user's status changes; asks the server about the user once. */
  subscribe(userId: string, fn: () => void): () => void {
    let set = this.#listeners.get(userId);
    if (!set) this.#listeners.set(userId, (set = new Set()));
    set.add(fn);
    this.#want(userId);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.#listeners.delete(userId);
    };
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#off();
    this.#watch?.stop();
    this.#listeners.clear();
  }

  #want(userId: string): void {
    if (this.#asked.has(userId)) return;
    this.#asked.add(userId);
    this.#wanted.add(userId);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const ids = [...this.#wanted];
      this.#wanted = new Set();
      // Answers arrive as `status` events; a failure leaves the dot grey until the next change.
      this.#client.who(ids).catch(() => ids.forEach((id) => this.#asked.delete(id)));
    }, ASK_BATCH_MS);
  }
}
