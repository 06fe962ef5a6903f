/**
 * What this node has added to a shared Presence engine, kept in memory: when the engine lost it
 * (the node was purged as dead after a long pause, or Redis restarted empty) the node writes it
 * back whole (`snapshot`), so its users do not stay offline while they are connected.
 */
import type { UserRef } from '../../protocol/index.ts';

/** The stored form of a user: exactly id and nick, and the guest flag or an account's display name. */
export const userJson = (user: UserRef): string =>
  JSON.stringify(
    user.guest
      ? { id: user.id, nick: user.nick, guest: true }
      : { id: user.id, nick: user.nick, ...(user.name === undefined ? {} : { name: user.name }) },
  );

export class PresenceMirror {
  /** Lower-cased nickname → holder and this node's connections holding it. */
  readonly #nicks = new Map<string, { uid: string; count: number }>();
  /** Room field (JSON [room, user id]) → this node's connections of the user in the room. */
  readonly #rooms = new Map<string, { room: string; uid: string; user: string; count: number }>();
  /** Connection field → user id and stored value (activity letter + user JSON). */
  readonly #conns = new Map<string, { uid: string; value: string }>();

  connected(lc: string, uid: string): void {
    const held = this.#nicks.get(lc);
    if (held) held.count++;
    else this.#nicks.set(lc, { uid, count: 1 });
  }

  disconnected(lc: string): void {
    const held = this.#nicks.get(lc);
    if (held && --held.count <= 0) this.#nicks.delete(lc);
  }

  /** Nicknames another user claimed while this node's were gone: this node holds them no more. */
  lost(lcs: readonly string[]): void {
    for (const lc of lcs) this.#nicks.delete(lc);
  }

  entered(field: string, room: string, user: UserRef): void {
    const held = this.#rooms.get(field);
    if (held) held.count++;
    else this.#rooms.set(field, { room, uid: user.id, user: userJson(user), count: 1 });
  }

  /** The user's display name changed: what this node writes back holds the new one. */
  renamed(user: UserRef): void {
    const json = userJson(user);
    for (const held of this.#rooms.values()) if (held.uid === user.id) held.user = json;
  }

  exited(field: string): void {
    const held = this.#rooms.get(field);
    if (held && --held.count <= 0) this.#rooms.delete(field);
  }

  reported(field: string, uid: string, value: string): void {
    this.#conns.set(field, { uid, value });
  }

  released(field: string): void {
    this.#conns.delete(field);
  }

  /** The register script's snapshot argument. */
  snapshot(): string {
    return JSON.stringify({
      nicks: [...this.#nicks].map(([lc, h]) => [lc, h.uid, h.count]),
      rooms: [...this.#rooms].map(([field, h]) => [field, h.room, h.uid, h.user, h.count]),
      conns: [...this.#conns].map(([field, h]) => [field, h.uid, h.value]),
    });
  }
}
