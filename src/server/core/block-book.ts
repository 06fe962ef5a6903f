/**
 * Blocking on one node (docs/protocol.md, _Blocking_). The store holds every block; this book
 * keeps, for the users connected here (loaded at hello) and any block changed since the node
 * started, whom each user blocks, so a typing signal can leave out the blocked without a query.
 * A change travels on the `~blocks` node channel: every node updates its book, sends the new list
 * to the blocker's connections, and tells the blocked user's connections the blocker's status
 * (offline while blocked, the real one after an unblock).
 */
import type { BlocksFrame, StatusFrame, UserRef } from '../../protocol/index.ts';
import type { NodeChannels } from '../fanout/hub.ts';
import type { StatusSignals } from '../fanout/status-signals.ts';
import type { Subscriber } from '../fanout/subscriber.ts';
import { prepareFrame } from '../gateway/wire.ts';
import type { Logger } from '../log.ts';
import type { BlockStore } from '../store/blocks.ts';

export const BLOCKS_CHANNEL = '~blocks';

interface BlocksMessage {
  readonly blocker: UserRef;
  /** Everyone the blocker blocks now. */
  readonly users: readonly UserRef[];
  /** The user just blocked or unblocked. */
  readonly changed: UserRef;
  readonly on: boolean;
}

export interface BlockBookDeps {
  readonly store: BlockStore;
  readonly nodes: NodeChannels;
  readonly connections: ReadonlySet<Subscriber>;
  readonly statuses: Pick<StatusSignals, 'who'>;
  readonly log: Logger;
  /** Sends this connection of the blocked user the full presence of its rooms again. */
  readonly review?: (conn: Subscriber) => void;
}

export class BlockBook {
  readonly #d: BlockBookDeps;
  /** Blocker id → the ids they block; only non-empty sets. */
  readonly #of = new Map<string, readonly string[]>();

  constructor(deps: BlockBookDeps) {
    this.#d = deps;
    deps.nodes.listen(BLOCKS_CHANNEL, (payload) => this.#received(JSON.parse(payload) as BlocksMessage));
  }

  /** The ids `userId` blocks, as this node knows them (loaded at the user's hello). */
  hiddenFrom(userId: string): readonly string[] | undefined {
    return this.#of.get(userId);
  }

  /** At hello: what this user blocks, from the store. */
  async load(userId: string): Promise<void> {
    this.#set(
      userId,
      (await this.#d.store.blocked(userId)).map((u) => u.id),
    );
  }

  /** After the store changed: every node (this one included) hears it. */
  changed(blocker: UserRef, users: readonly UserRef[], changed: UserRef, on: boolean): void {
    const message: BlocksMessage = { blocker, users, changed, on };
    this.#d.nodes.tell(BLOCKS_CHANNEL, JSON.stringify(message));
  }

  #set(userId: string, ids: readonly string[]): void {
    if (ids.length > 0) this.#of.set(userId, ids);
    else this.#of.delete(userId);
  }

  #received({ blocker, users, changed, on }: BlocksMessage): void {
    this.#set(
      blocker.id,
      users.map((u) => u.id),
    );
    let list: ReturnType<typeof prepareFrame> | undefined;
    const targets: Subscriber[] = [];
    for (const conn of this.#d.connections) {
      const id = conn.user?.id;
      if (id === blocker.id) {
        const frame: BlocksFrame = { type: 'blocks', users: [...users] };
        list ??= prepareFrame(JSON.stringify(frame));
        conn.sendEphemeral(list);
      } else if (id === changed.id) targets.push(conn);
    }
    if (targets.length === 0) return;
    for (const conn of targets) this.#d.review?.(conn);
    // The blocked user's view of the blocker: offline now; after an unblock, what is true.
    const told = on
      ? Promise.resolve([{ user: blocker, state: 'offline' as const }])
      : this.#d.statuses.who(changed, [blocker.id]);
    told
      .then((users) => {
        if (users.length === 0) return;
        const frame: StatusFrame = { type: 'status', users };
        const prepared = prepareFrame(JSON.stringify(frame));
        for (const conn of targets) conn.sendEphemeral(prepared);
      })
      .catch((err: unknown) => this.#d.log.warn({ err }, 'block status not told'));
  }
}
