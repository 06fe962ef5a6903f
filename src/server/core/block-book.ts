/**
 * Blocking on one node (docs/protocol.md, _Blocking_). The store holds every block; this book
 * keeps, for the users connected here (loaded at hello) and any block changed since the node
 * started, whom each user blocks, so a typing signal can leave out the blocked without a query.
 * It also keeps, for the users connected here, who blocks them: what each node screens out of the
 * presence and typing signals it delivers to its own connections, whichever node sent them (a
 * blocker on another node is unknown to the sender's book).
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

/** Blocked by nobody: shared by every such user in the book (never changed). */
const NOBODY: ReadonlySet<string> = new Set<string>();

/** Users loaded here but no longer connected are forgotten this long after their load. */
const FORGET_AFTER_MS = 60_000;

export class BlockBook {
  readonly #d: BlockBookDeps;
  /** Blocker id → the ids they block; only non-empty sets. */
  readonly #of = new Map<string, readonly string[]>();
  /**
   * User id → the ids of those who block them, for every user loaded here. Nobody blocks most
   * users: they share NOBODY until someone does (#apply), so an idle connection holds no Set.
   */
  readonly #by = new Map<string, { ids: ReadonlySet<string>; readonly at: number }>();
  /** Loads under way by user id: the messages heard meanwhile, replayed over the store's answer. */
  readonly #loading = new Map<string, Set<BlocksMessage[]>>();
  #swept = 0;

  constructor(deps: BlockBookDeps) {
    this.#d = deps;
    deps.nodes.listen(BLOCKS_CHANNEL, (payload) => this.#received(JSON.parse(payload) as BlocksMessage));
  }

  /** The ids `userId` blocks, as this node knows them (loaded at the user's hello). */
  hiddenFrom(userId: string): readonly string[] | undefined {
    return this.#of.get(userId);
  }

  /** The ids of those who block `userId`, a user connected here (loaded at hello). */
  blockedBy(userId: string): ReadonlySet<string> | undefined {
    return this.#by.get(userId)?.ids;
  }

  /** At hello: what this user blocks and who blocks them, from the store. */
  async load(userId: string): Promise<void> {
    const heard: BlocksMessage[] = [];
    let loads = this.#loading.get(userId);
    if (!loads) this.#loading.set(userId, (loads = new Set()));
    loads.add(heard);
    try {
      const [blocked, blockers] = await Promise.all([this.#d.store.blocked(userId), this.#d.store.blockedBy(userId)]);
      this.#sweep();
      this.#set(
        userId,
        blocked.map((u) => u.id),
      );
      this.#by.set(userId, { ids: blockers.length > 0 ? new Set(blockers) : NOBODY, at: Date.now() });
      // A change heard while the store was read may be missing from its answer: it wins.
      for (const m of heard) this.#apply(m);
    } finally {
      loads.delete(heard);
      if (loads.size === 0) this.#loading.delete(userId);
    }
  }

  /**
   * At hello, for a user id made just now (a new guest): nobody can block it yet and it blocks
   * nobody, so there is nothing to read. A later change reaches the book as any other (#apply).
   */
  fresh(userId: string): void {
    this.#sweep();
    this.#of.delete(userId);
    this.#by.set(userId, { ids: NOBODY, at: Date.now() });
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

  /** One change into both directions of the book. */
  #apply({ blocker, users, changed, on }: BlocksMessage): void {
    this.#set(
      blocker.id,
      users.map((u) => u.id),
    );
    const entry = this.#by.get(changed.id);
    if (!entry || on === entry.ids.has(blocker.id)) return;
    // A copy, never NOBODY itself (shared by every unblocked user).
    const ids = new Set(entry.ids);
    if (on) ids.add(blocker.id);
    else ids.delete(blocker.id);
    entry.ids = ids.size > 0 ? ids : NOBODY;
  }

  /** Forgets the users loaded long ago who have no connection here any more. */
  #sweep(): void {
    const now = Date.now();
    // At most every 10 s, and only when most of the book is people gone: cheap in a join storm.
    if (this.#by.size < 2 * this.#d.connections.size + 100 || now - this.#swept < 10_000) return;
    this.#swept = now;
    const here = new Set<string>();
    for (const conn of this.#d.connections) if (conn.user) here.add(conn.user.id);
    const before = now - FORGET_AFTER_MS;
    for (const [id, { at }] of this.#by)
      if (at < before && !here.has(id) && !this.#loading.has(id)) this.#by.delete(id);
  }

  #received(message: BlocksMessage): void {
    const { blocker, users, changed, on } = message;
    this.#apply(message);
    for (const id of [blocker.id, changed.id]) for (const heard of this.#loading.get(id) ?? []) heard.push(message);
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
