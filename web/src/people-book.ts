/**
 * The people directory: user id → the freshest UserRef the app has heard (docs/web.md, _Names_),
 * so a display name set or changed anywhere shows everywhere at once. Fed by sources that carry
 * the current name: your welcome, `members` answers, presence, typing, blocks and `profile`
 * frames — never by room-log events, whose sender is only {id, nick} as sent.
 */
import type { ParleyClient, UserRef } from '../../src/client/index.ts';

/** What to show for a person: the display name, else the handle (or a guest's nickname). */
export const shownName = (u: UserRef): string => u.name ?? u.nick;

/** Whether a picker filter (lower-cased, trimmed) matches the person's handle or display name. */
export const personMatches = (u: UserRef, needle: string): boolean =>
  u.nick.toLowerCase().includes(needle) || (u.name?.toLowerCase().includes(needle) ?? false);

export class PeopleBook {
  readonly #client: ParleyClient;
  readonly #byId = new Map<string, UserRef>();
  /** Lower-cased handle → account (handles are unique; guests' nicknames are not indexed). */
  readonly #byHandle = new Map<string, UserRef>();
  readonly #listeners = new Set<() => void>();
  readonly #offs: (() => void)[];
  #scheduled = false;
  #me: string | undefined;

  constructor(client: ParleyClient) {
    this.#client = client;
    this.#offs = [
      client.on('welcome', ({ user }) => {
        this.#me = user.id;
        this.see([user]);
      }),
      client.on('profile', ({ user }) => this.see([user])),
      // Presence names people without the guest flag: what is known of it stays.
      client.on('presence', ({ online }) => this.see(online, false)),
      client.on('typing', ({ users }) => this.see(users)),
      client.on('blocks', ({ users }) => this.see(users)),
    ];
  }

  /** You, as the server last said (undefined before the first welcome). */
  me(): UserRef | undefined {
    return this.#me === undefined ? undefined : this.#byId.get(this.#me);
  }

  /** The freshest version of this person (as given when unknown). */
  fresh(u: UserRef): UserRef {
    return this.#byId.get(u.id) ?? u;
  }

  /** The account with this handle (case-insensitively), when the app has heard of it. */
  byHandle(nick: string): UserRef | undefined {
    return this.#byHandle.get(nick.toLowerCase());
  }

  /**
   * Users as a source that carries current names gave them (`guests`: and marks guests);
   * listeners hear once per tick.
   */
  see(users: readonly UserRef[], guests = true): void {
    let changed = false;
    for (const given of users) {
      const known = this.#byId.get(given.id);
      const u = !guests && known?.guest && !given.guest ? { ...given, guest: true as const } : given;
      if (known && known.nick === u.nick && known.name === u.name && known.guest === u.guest) continue;
      this.#byId.set(u.id, u);
      if (!u.guest) this.#byHandle.set(u.nick.toLowerCase(), u);
      changed = true;
    }
    if (changed) this.#changed();
  }

  /** Accounts only: sets your display name ('' clears it); rejects with the server's error. */
  async setMyName(name: string): Promise<UserRef> {
    const user = await this.#client.setDisplayName(name);
    this.see([user]);
    return user;
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  close(): void {
    for (const off of this.#offs) off();
    this.#listeners.clear();
  }

  #changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      for (const fn of [...this.#listeners]) fn();
    });
  }
}
