/**
 * Presence across nodes and devices in Redis. Each node registers under its id with a deadline it
 * refreshes every ttlMs/3 (to ttlMs·2/3 ahead, by Redis TIME); everything it adds (nickname
 * counts, room counts, connections' activity) is indexed under its id. A node whose deadline has
 * passed is dead: the next heartbeat of any node purges its entries atomically, so its users go
 * offline and its nicknames are free within ttlMs of its last heartbeat (docs/scaling.md,
 * _Presence across nodes_), and the purging node hears which rooms and users changed (`watch`).
 * `close()` takes this node's entries out at once. A node that finds itself unregistered (purged
 * after a long pause, or Redis restarted empty), or that reconnects to Redis, writes back what it
 * holds from its own mirror.
 * Layout and scripts: redis-presence-lua.ts.
 */
import { Redis } from 'ioredis';
import type { UserRef, UserState } from '../../protocol/index.ts';
import type { RedisScript } from '../limits/redis-script.ts';
import { PresenceMirror, userJson } from './presence-mirror.ts';
import type { Activity, Holder, Presence, PresenceLapse } from './presence.ts';
import { GONE, LUA } from './redis-presence-lua.ts';

/** Default bound (ms) within which a dead node's users go offline and its nicknames are freed. */
export const PRESENCE_TTL_MS = 15_000;

export interface RedisPresenceOptions {
  readonly url: string;
  /** Prefix of every key (default `parley:`); nodes sharing presence share it. */
  readonly prefix?: string;
  /** This node's id: unique among the live nodes. */
  readonly nodeId: string;
  /** A node that stops refreshing is purged within this (ms). */
  readonly ttlMs?: number;
}

/** A script's report: rooms whose online list changed, then flat [user id, state, user JSON, …]. */
type Report = [string[], string[]];

const isGone = (err: unknown): boolean => err instanceof Error && err.message.startsWith(GONE);

export class RedisPresence implements Presence {
  readonly #redis: Redis;
  /** The key prefix, ending `presence:`. */
  readonly #p: string;
  readonly #node: string;
  /** How far ahead a heartbeat sets the deadline: two beats. */
  readonly #span: number;
  readonly #mirror = new PresenceMirror();
  readonly #listeners = new Set<(lapse: PresenceLapse) => void>();
  /** Scripts sent and not answered yet: a registration waits for them, so its snapshot has them. */
  readonly #inflight = new Set<Promise<unknown>>();
  #registering: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  #beating = false;
  #closed = false;

  constructor({ url, prefix = 'parley:', nodeId, ttlMs = PRESENCE_TTL_MS }: RedisPresenceOptions) {
    this.#redis = new Redis(url, { connectionName: `parley-presence:${nodeId}` });
    // Failed commands reject where they were called; reconnection is ioredis's.
    this.#redis.on('error', () => {});
    // After a reconnection Redis may have restarted (empty, or from an older snapshot), and a
    // command resent by ioredis may have run twice: this node writes back what it holds.
    let connected = false;
    this.#redis.on('ready', () => {
      if (connected && !this.#closed) void this.#ensureRegistered().catch(() => {});
      connected = true;
    });
    this.#p = `${prefix}presence:`;
    this.#node = nodeId;
    const beat = Math.max(1, Math.floor(ttlMs / 3));
    this.#span = 2 * beat;
    this.#timer = setInterval(() => void this.#beat(), beat);
    this.#timer.unref();
    void this.#ensureRegistered().catch(() => {});
  }

  async connect(user: UserRef): Promise<boolean> {
    const lc = user.nick.toLowerCase();
    return this.#op(LUA.connect, [lc, user.id], (claimed) => {
      if (claimed === 1) this.#mirror.connected(lc, user.id);
      return claimed === 1;
    });
  }

  async disconnect(user: UserRef): Promise<void> {
    const lc = user.nick.toLowerCase();
    await this.#op(LUA.disconnect, [lc, user.id], (released) => {
      if (released === 1) this.#mirror.disconnected(lc);
    });
  }

  async enter(room: string, user: UserRef): Promise<boolean> {
    const field = JSON.stringify([room, user.id]);
    return this.#op(LUA.enter, [field, room, user.id, userJson(user)], (first) => {
      this.#mirror.entered(field, room, user);
      return first === 1;
    });
  }

  async exit(room: string, user: UserRef): Promise<boolean> {
    const field = JSON.stringify([room, user.id]);
    return this.#op(LUA.exit, [field, room, user.id], (reply) => {
      const [counted, last] = reply as [number, number];
      if (counted === 1) this.#mirror.exited(field);
      return last === 1;
    });
  }

  async rename(room: string, user: UserRef): Promise<void> {
    await this.#op(LUA.rename, [room, user.id, userJson(user)], () => this.#mirror.renamed(user));
  }

  async online(room: string): Promise<UserRef[]> {
    await this.#settled();
    const users = (await this.#redis.hvals(`${this.#p}room:${room}`)).map((u) => JSON.parse(u) as UserRef);
    return users.sort((a, b) => a.nick.localeCompare(b.nick));
  }

  async count(room: string): Promise<number> {
    await this.#settled();
    return this.#redis.hlen(`${this.#p}room:${room}`);
  }

  async activity(user: UserRef, conn: string, activity: Activity): Promise<UserState> {
    const field = this.#connField(conn);
    const value = (activity === 'active' ? 'a' : 'i') + userJson(user);
    return this.#op(LUA.activity, [field, user.id, value], (state) => {
      this.#mirror.reported(field, user.id, value);
      return state as UserState;
    });
  }

  async release(user: UserRef, conn: string): Promise<UserState> {
    const field = this.#connField(conn);
    return this.#op(LUA.release, [field, user.id], (state) => {
      this.#mirror.released(field);
      return state as UserState;
    });
  }

  async holders(userIds: readonly string[]): Promise<Map<string, Holder>> {
    const out = new Map<string, Holder>();
    if (userIds.length === 0) return out;
    await this.#settled();
    const pipeline = this.#redis.pipeline();
    for (const id of userIds) pipeline.hvals(`${this.#p}conn:${id}`);
    const replies = (await pipeline.exec()) ?? [];
    userIds.forEach((id, i) => {
      const [err, values] = replies[i] ?? [null, []];
      if (err) throw err;
      const vals = values as string[];
      const first = vals[0];
      if (first === undefined) return;
      const user = JSON.parse(first.slice(1)) as UserRef;
      out.set(id, { user, state: vals.some((v) => v.startsWith('a')) ? 'online' : 'away' });
    });
    return out;
  }

  watch(listener: (lapse: PresenceLapse) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Graceful stop: this node's users, rooms and nicknames leave at once; the connection closes.
   * Waits for Redis at most ttlMs (past it the other nodes purge this one anyway).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    const leave = async (): Promise<boolean> => {
      await this.#registering?.catch(() => {});
      await Promise.allSettled([...this.#inflight]);
      await LUA.leave.run(this.#redis, [], [this.#p, this.#node]);
      return true;
    };
    let timer: NodeJS.Timeout | undefined;
    // With Redis away the survivors purge this node within the bound anyway: wait no longer.
    const giveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), (this.#span * 3) / 2)));
    const left = await Promise.race([leave().catch(() => false), giveUp]);
    clearTimeout(timer);
    if (left) await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }

  /**
   * Stops the heartbeat and drops the connection, leaving this node's entries behind as a crashed
   * process would (tests: the survivors must purge them).
   */
  abandon(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#redis.disconnect();
  }

  #connField(conn: string): string {
    return JSON.stringify([this.#node, conn]);
  }

  /** Runs a change once registered; when Redis says this node is gone, registers again and retries once. */
  async #op<T>(script: RedisScript, args: readonly string[], apply: (reply: unknown) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.#settled();
      if (this.#closed) throw new Error('RedisPresence is closed');
      // Applied to the mirror as the reply arrives, before a registration waiting for it snapshots.
      const call = script.run(this.#redis, [], [this.#p, this.#node, ...args]).then(apply);
      this.#inflight.add(call);
      try {
        return await call;
      } catch (err) {
        if (attempt > 0 || !isGone(err)) throw err;
        await this.#ensureRegistered();
      } finally {
        this.#inflight.delete(call);
      }
    }
  }

  /** Waits out a registration in progress. */
  async #settled(): Promise<void> {
    while (this.#registering) await this.#registering.catch(() => {});
  }

  #ensureRegistered(): Promise<void> {
    this.#registering ??= this.#register().finally(() => {
      this.#registering = undefined;
    });
    return this.#registering;
  }

  async #register(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
    const args = [this.#p, this.#node, this.#span, this.#mirror.snapshot()];
    const [lost, report] = (await LUA.register.run(this.#redis, [], args)) as [string[], Report];
    this.#mirror.lost(lost);
    this.#emit(report);
  }

  async #beat(): Promise<void> {
    if (this.#beating || this.#registering || this.#closed) return;
    this.#beating = true;
    try {
      const reply = await LUA.heartbeat.run(this.#redis, [], [this.#p, this.#node, this.#span]);
      const [registered, report] = reply as [number, Report];
      this.#emit(report);
      if (registered !== 1 && !this.#closed) await this.#ensureRegistered();
    } catch {
      // Redis away: the next beat tries again (and registers again if Redis lost this node).
    } finally {
      this.#beating = false;
    }
  }

  #emit([rooms, flat]: Report): void {
    if (this.#closed || (rooms.length === 0 && flat.length === 0)) return;
    const users: { user: UserRef; state: UserState }[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      users.push({ user: JSON.parse(flat[i + 2] ?? '{}') as UserRef, state: flat[i + 1] as UserState });
    }
    const lapse: PresenceLapse = { rooms, users };
    for (const listener of this.#listeners) {
      try {
        listener(lapse);
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }
}
