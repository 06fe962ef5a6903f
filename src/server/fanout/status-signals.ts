/**
 * Per-user status (online / away / offline) over all of a user's connections, told only to the
 * users who share a room with them. Shared logic: the Presence engine only counts connections.
 *
 * - A user goes offline `graceMs` after their last connection closed, so a reload or a quick
 *   reconnect shows no change; "last seen" (the close time) is then stored.
 * - Changes are coalesced per recipient: they go out at the first tick of the signal clock at
 *   least `windowMs` after the first of them, as one `status` frame holding each changed user's
 *   latest state. A change that leaves the aggregate as it was (a second tab opening or closing)
 *   sends nothing.
 * - Across nodes: the node where a user's aggregate changes decides the change and publishes it,
 *   with its recipients, on the `~status` node channel; every node (this one included, through
 *   the broker) records what everyone was told, coalesces, and writes to its own connections
 *   only, so each watcher gets each change once. A grace that ends while the user is back on
 *   another node (Presence counts every node's connections) announces nothing.
 */
import type { StatusFrame, UserRef, UserState, UserStatus } from '../../protocol/index.ts';
import type { Subscriber } from './subscriber.ts';
import { notBlocked, notBlocking, type BlockReads } from './block-filter.ts';
import { guarded } from '../guard.ts';
import type { NodeChannels } from './hub.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../store/accounts.ts';
import type { LastSeenStore } from '../store/last-seen.ts';
import { prepareFrame, type PreparedFrame } from '../gateway/wire.ts';
import type { Activity, Presence } from '../presence/presence.ts';
import { SignalClock } from './signal-clock.ts';

export interface StatusDeps {
  readonly presence: Presence;
  readonly store: LastSeenStore & Pick<AccountStore, 'findUser'> & BlockReads;
  readonly connections: ReadonlySet<Subscriber>;
  readonly log: Logger;
  /** The `~status` channel to every node. */
  readonly nodes: NodeChannels;
  readonly graceMs: number;
  readonly windowMs: number;
  /** Flushes land on its ticks, with room presence's (signal-clock.ts); by default one of `windowMs`. */
  readonly clock?: SignalClock;
}

/** The node channel of status changes. */
export const STATUS_CHANNEL = '~status';

/** One change on `~status`: the new status, what was told before, and who may hear it. */
interface StatusMessage {
  readonly status: UserStatus;
  readonly before: UserState;
  readonly recipients: readonly string[];
}

interface Grace {
  readonly user: UserRef;
  /** What others were told before the last connection closed. */
  readonly state: Exclude<UserState, 'offline'>;
  /** When the last connection closed: the "last seen" stored when the grace ends. */
  readonly since: number;
  readonly timer: NodeJS.Timeout;
}

export class StatusSignals {
  readonly #d: StatusDeps;
  /**
   * What others were last told about users who are not offline, by user id, by any node; `here`
   * when this node told it (shutdown stores "last seen" for those).
   */
  readonly #announced = new Map<string, { user: UserRef; state: Exclude<UserState, 'offline'>; here: boolean }>();
  readonly #graces = new Map<string, Grace>();
  /** Recipient user id → changed user id → latest change, until the window ends. */
  readonly #outgoing = new Map<string, Map<string, Change>>();
  /** Numbers the changes received, so recipients told the same ones share one frame. */
  #changeCount = 0;
  /** What others had been told of each user changed in this window, before the window: unchanged ones are left out. */
  readonly #before = new Map<string, UserState>();
  readonly #clock: SignalClock;
  #flushQueued = false;
  /** Changes run one at a time, so a close never overtakes the hello before it. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(deps: StatusDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? new SignalClock(deps.windowMs);
    deps.nodes.listen(STATUS_CHANNEL, (payload, fromHere) =>
      this.#received(JSON.parse(payload) as StatusMessage, fromHere),
    );
  }

  /** After hello: the connection counts, as active until it says otherwise. */
  connected(conn: Subscriber): void {
    this.report(conn, 'active');
  }

  /** A `status` frame: the connection's activity (repeats change nothing). */
  report(conn: Subscriber, activity: Activity): void {
    const user = conn.user;
    if (!user) return;
    this.#run(async () => this.#changed(user, await this.#d.presence.activity(user, connKey(conn), activity)));
  }

  disconnected(conn: Subscriber, user: UserRef): void {
    this.#run(async () => this.#changed(user, await this.#d.presence.release(user, connKey(conn))));
  }

  /**
   * The Presence engine dropped connections of the user behind the node's back (another node
   * died and was purged here): the user's state now, told like any change (offline after the grace).
   */
  lapsed(user: UserRef, state: UserState): void {
    this.#run(async () => {
      // Perhaps told online before this node started: taken as told, so watchers hear it offline.
      if (state === 'offline' && !this.#announced.has(user.id)) {
        this.#announced.set(user.id, { user, state: 'online', here: false });
      }
      await this.#changed(user, state);
    });
  }

  /**
   * The status of those of `ids` that `viewer` may see (themselves, and users sharing a room with
   * them); the others are left out, so a stranger learns nothing, not even that an id exists.
   */
  async who(viewer: UserRef, ids: readonly string[]): Promise<UserStatus[]> {
    const peers = new Set(await this.#d.store.roomPeers(viewer.id));
    peers.add(viewer.id);
    // Blocking (block-filter.ts): those who block the viewer are left out too.
    const visible = await notBlocking(
      this.#d.store,
      viewer.id,
      [...new Set(ids)].filter((id) => peers.has(id)),
    );
    const holders = await this.#d.presence.holders(visible);
    // Told online or away but held nowhere: in a grace (on this node or another).
    const offline = visible.filter((id) => !holders.has(id) && !this.#announced.has(id));
    const seen = await this.#d.store.lastSeen(offline);
    const out: UserStatus[] = [];
    for (const id of visible) {
      const announced = this.#announced.get(id);
      const holder = holders.get(id);
      if (!holder && announced) out.push({ user: announced.user, state: announced.state });
      else if (holder) out.push({ user: holder.user, state: holder.state });
      else {
        const last = seen.get(id);
        const user = last?.user ?? (await this.#d.store.findUser(id));
        if (user) out.push(last ? { user, state: 'offline', lastSeen: last.ts } : { user, state: 'offline' });
      }
    }
    return out;
  }

  /**
   * Shutdown (before the store closes): everyone others were told is online or away is offline
   * now, and seen now; users in their grace were seen when their last connection closed.
   */
  async close(): Promise<void> {
    // Changes already queued (the connections that just closed) start their graces first.
    await this.#chain;
    this.#closed = true;
    const now = Date.now();
    const seen = new Map<string, { user: UserRef; ts: number }>();
    for (const [id, g] of this.#graces) {
      clearTimeout(g.timer);
      seen.set(id, { user: g.user, ts: g.since });
    }
    for (const [id, a] of this.#announced) if (a.here && !seen.has(id)) seen.set(id, { user: a.user, ts: now });
    // One write for all: one at a time, 10,000 users cost seconds of commits before the exit.
    await this.#d.store.setLastSeenMany([...seen.values()]);
    this.#graces.clear();
    this.#announced.clear();
    this.#outgoing.clear();
    this.#before.clear();
  }

  #run(work: () => Promise<void>): void {
    this.#chain = this.#chain.then(work).catch((err: unknown) => this.#d.log.error({ err }, 'status change failed'));
  }

  async #changed(user: UserRef, state: UserState): Promise<void> {
    if (this.#closed) return;
    const announced = this.#announced.get(user.id)?.state;
    if (state === 'offline') {
      if (announced === undefined || this.#graces.has(user.id)) return;
      const since = Date.now();
      const timer = setTimeout(() => this.#run(() => this.#graceOver(user.id)), this.#d.graceMs);
      timer.unref();
      this.#graces.set(user.id, { user, state: announced, since, timer });
      return;
    }
    const grace = this.#graces.get(user.id);
    if (grace) {
      clearTimeout(grace.timer);
      this.#graces.delete(user.id);
    }
    if (state === announced) return;
    this.#announced.set(user.id, { user, state, here: true });
    await this.#publish({ user, state }, announced ?? 'offline');
  }

  async #graceOver(userId: string): Promise<void> {
    const grace = this.#graces.get(userId);
    if (!grace || this.#closed) return;
    this.#graces.delete(userId);
    // Back on another node during the grace: still what others were told, nothing to say.
    if ((await this.#d.presence.holders([userId])).has(userId)) return;
    // Another node's grace for the same user ended first and told everyone.
    const told = this.#announced.delete(userId);
    await this.#d.store.setLastSeen(grace.user, grace.since);
    if (!told) return;
    await this.#publish({ user: grace.user, state: 'offline', lastSeen: grace.since }, grace.state);
  }

  /** To every node, this one included: each writes the change to its own connections. */
  async #publish(status: UserStatus, before: UserState): Promise<void> {
    // The user's own devices hear it too (their own dot), then everyone sharing a room.
    const peers = await this.#d.store.roomPeers(status.user.id);
    // Blocking (block-filter.ts): the people the user blocks are not told.
    const recipients = [status.user.id, ...(await notBlocked(this.#d.store, status.user.id, peers))];
    const message: StatusMessage = { status, before, recipients };
    this.#d.nodes.tell(STATUS_CHANNEL, JSON.stringify(message));
  }

  /** A change from any node: remember what was told, and queue it for this node's recipients. */
  #received({ status, before, recipients }: StatusMessage, fromHere: boolean): void {
    if (this.#closed) return;
    // This node's own changes were recorded when decided (in order with the changes after them).
    if (!fromHere) {
      if (status.state === 'offline') this.#announced.delete(status.user.id);
      else this.#announced.set(status.user.id, { user: status.user, state: status.state, here: false });
    }
    if (!this.#before.has(status.user.id)) this.#before.set(status.user.id, before);
    const change: Change = { status, n: ++this.#changeCount };
    for (const r of recipients) {
      let changes = this.#outgoing.get(r);
      if (!changes) this.#outgoing.set(r, (changes = new Map()));
      changes.set(status.user.id, change);
    }
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // At least a window after the first change: an idle tab reloaded (online, then away) is no change.
    this.#clock.at(this.#d.windowMs, () => guarded(this.#d.log, { timer: 'status' }, () => this.#flush()));
  }

  /**
   * One frame per recipient, framed once and written to each of their connections on this node;
   * recipients told the same changes (a room's members, in a storm of resumes) share one frame.
   */
  #flush(): void {
    this.#flushQueued = false;
    if (this.#closed) return;
    const outgoing = new Map(this.#outgoing);
    const before = new Map(this.#before);
    this.#outgoing.clear();
    this.#before.clear();
    // Back where it was at the window's start (e.g. an idle tab reloaded): nothing to tell.
    for (const changes of outgoing.values()) {
      for (const [id, c] of changes) {
        if (c.status.state !== 'offline' && before.get(id) === c.status.state) changes.delete(id);
      }
    }
    const byRecipient = new Map<string, PreparedFrame>();
    const byChanges = new Map<string, PreparedFrame>();
    for (const conn of this.#d.connections) {
      const id = conn.user?.id;
      const changes = id === undefined ? undefined : outgoing.get(id);
      if (id === undefined || !changes || changes.size === 0) continue;
      let frame = byRecipient.get(id);
      if (!frame) {
        let key = '';
        for (const c of changes.values()) key += `${c.n},`;
        frame = byChanges.get(key);
        if (!frame) {
          const json: StatusFrame = { type: 'status', users: [...changes.values()].map((c) => c.status) };
          byChanges.set(key, (frame = prepareFrame(JSON.stringify(json))));
        }
        byRecipient.set(id, frame);
      }
      conn.sendEphemeral(frame);
    }
  }
}

/** A change as queued for its recipients: `n` numbers it, so equal lists of changes are known. */
interface Change {
  readonly status: UserStatus;
  readonly n: number;
}

/** Connection ids are per process; a distributed Presence would prefix its node id. */
const connKey = (conn: Subscriber): string => String(conn.id);
