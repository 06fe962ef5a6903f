/**
 * Display names on one node (docs/protocol.md, _Display names_). An account's name is loaded at
 * hello into its connection's identity; a change travels on the `~profiles` node channel: every
 * node updates the identity of the user's connections there, rewrites their presence entries,
 * remembers the name (so an entry rewritten late still shows the new one here: `named`), and sends
 * `profile` to its connections of the user and of the people who share a room with them.
 */
import type { ProfileFrame, UserRef } from '../../protocol/index.ts';
import type { NodeChannels } from '../fanout/hub.ts';
import type { Subscriber } from '../fanout/subscriber.ts';
import { prepareFrame } from '../gateway/wire.ts';
import type { Logger } from '../log.ts';

export const PROFILES_CHANNEL = '~profiles';

interface ProfileMessage {
  /** The user as they are now (`name` absent: cleared). */
  readonly user: UserRef;
  /** Ids of the users who share a room with them (store.roomPeers). */
  readonly peers: readonly string[];
  /** The connection that asked: it has its answer (with the request id) already. */
  readonly from: string;
}

export interface NameBookDeps {
  readonly nodes: NodeChannels;
  readonly connections: ReadonlySet<Subscriber>;
  readonly log: Logger;
  /** Rewrites the user's presence entry in a room (the engine's `rename`; shared across nodes). */
  readonly rename?: (room: string, user: UserRef) => Promise<void>;
}

/** The identity of an account with this name (never for a guest). */
export function withName(user: UserRef, name: string | undefined): UserRef {
  if (user.guest) return user;
  // Plain literals: a spread would give each identity a hidden class of its own (memory per connection).
  return name === undefined ? { id: user.id, nick: user.nick } : { id: user.id, nick: user.nick, name };
}

export class NameBook {
  readonly #d: NameBookDeps;
  /** User id → the name set since this node started (undefined: cleared). */
  readonly #names = new Map<string, string | undefined>();

  constructor(deps: NameBookDeps) {
    this.#d = deps;
    deps.nodes.listen(PROFILES_CHANNEL, (payload) => this.#received(JSON.parse(payload) as ProfileMessage));
  }

  /** The user with the freshest name this node knows (a stored presence entry may be older). */
  named(user: UserRef): UserRef {
    if (user.guest || !this.#names.has(user.id)) return user;
    return withName(user, this.#names.get(user.id));
  }

  /** After the store changed: every node (this one included) hears it. */
  changed(user: UserRef, peers: readonly string[], from: string): void {
    const message: ProfileMessage = { user, peers, from };
    this.#d.nodes.tell(PROFILES_CHANNEL, JSON.stringify(message));
  }

  #received({ user, peers, from }: ProfileMessage): void {
    this.#names.set(user.id, user.name);
    const frame: ProfileFrame = { type: 'profile', user };
    const prepared = prepareFrame(JSON.stringify(frame));
    const told = new Set(peers);
    /** Rooms the user is in on this node: this node's presence entries there get the new name. */
    const rooms = new Set<string>();
    for (const conn of this.#d.connections) {
      const id = conn.user?.id;
      if (id === undefined) continue;
      if (id === user.id) {
        // The identity its next frames are sent with (typing, receipts, presence on a join).
        (conn as { user: UserRef | undefined }).user = user;
        for (const room of (conn as Partial<{ rooms: ReadonlyMap<string, unknown> }>).rooms?.keys() ?? []) {
          rooms.add(room);
        }
        if (conn.id !== from) conn.sendEphemeral(prepared);
      } else if (told.has(id)) conn.sendEphemeral(prepared);
    }
    // So a node that never heard this change (started later) lists the new name too.
    const rename = this.#d.rename;
    if (rename) {
      for (const room of rooms) {
        rename(room, user).catch((err: unknown) => this.#d.log.warn({ err, room }, 'presence rename failed'));
      }
    }
  }
}
