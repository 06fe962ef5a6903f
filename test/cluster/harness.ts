/**
 * The cluster suite's harness: N real `parley serve` processes on loopback sharing one
 * PostgreSQL database (a fresh one per file, reached through a proxy the test can shut), one
 * Redis (a private `redis-server` the test can restart, else the shared one behind a proxy the
 * test can cut) under a key prefix of their own, and one token secret; a round-robin TCP proxy
 * with no stickiness in front of them; SDK members that note which node each of their
 * connections landed on. The checks are the fault suite's (test/reliability/harness.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { onTestFailed } from 'vitest';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { ClientOptions } from '../../src/client/index.ts';
import type { JoinedFrame, RoomEvent, UserRef } from '../../src/protocol/index.ts';
import { RedisPresence } from '../../src/server/presence/redis-presence.ts';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import { fetchLogs, makeMember, type Member } from '../reliability/harness.ts';
import { RoundRobinProxy } from '../support/rr-proxy.ts';
import { createTestDatabase, REDIS_URL, redisTestPrefix, type TestDatabase } from '../support/services.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

// ---------------------------------------------------------------------------------------------
// Redis: private (restartable) when redis-server is installed, else the shared one behind a cut.

export interface TestRedis {
  readonly url: string;
  /** True: a redis-server of this file's own, really restarted; false: the shared one, cut. */
  readonly private: boolean;
  /**
   * Private: SIGKILL and start again on the same port, empty (pub/sub and keys gone), after
   * `downMs`. Shared: cut every connection and refuse new ones for `downMs`.
   */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Whether a redis-server binary can be run here. */
export function redisServerInstalled(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return withDeadline(new Promise<void>((r) => child.once('exit', () => r())), 10_000, 'redis-server exit');
}

async function privateRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    await waitUntil(() => tcpAnswers(port), { timeoutMs: 10_000, intervalMs: 20, what: 'redis-server to listen' });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    async restart(downMs) {
      child.kill('SIGKILL');
      await exited(child);
      // Down for a while: the nodes' reconnect attempts are refused meanwhile.
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async close() {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

async function sharedRedisBehindProxy(): Promise<TestRedis> {
  const shared = new URL(REDIS_URL);
  const proxy = await RoundRobinProxy.start([Number(shared.port || 6379)]);
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
    private: false,
    async restart(downMs) {
      proxy.shut();
      await new Promise((r) => setTimeout(r, downMs));
      proxy.open();
    },
    close: () => proxy.close(),
  };
}

/** Deletes the keys under `prefix` from the shared Redis (SCAN with the prefix: never DB-wide). */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const startRedis = (): Promise<TestRedis> =>
  redisServerInstalled() ? privateRedis() : sharedRedisBehindProxy();

// ---------------------------------------------------------------------------------------------
// The cluster.

export interface ClusterOptions {
  readonly nodes: number;
  /** Rooms every node creates at start (--default-rooms). */
  readonly rooms: readonly string[];
  /** More `parley serve` flags for every node. */
  readonly args?: readonly string[];
  /**
   * 'shared': PostgreSQL + Redis (the cluster); 'sqlite': each node on its own SQLite and
   * in-memory engines (they share nothing: only for the harness's own mechanics).
   */
  readonly engines?: 'shared' | 'sqlite';
}

export interface Cluster {
  readonly nodes: TestServer[];
  /** The clients' way in: round robin over the nodes, no stickiness. */
  readonly proxy: RoundRobinProxy;
  /** Shared engines only: the database, the proxy the nodes reach it through, Redis. */
  readonly db?: TestDatabase;
  readonly pgProxy?: RoundRobinProxy;
  readonly redis?: TestRedis;
  readonly prefix?: string;
  readonly tokenSecret: string;
  /** Each room's whole log as PostgreSQL holds it (read directly, not through the proxy; SQLite: node 0's). */
  readLogs(rooms: readonly string[]): Promise<Map<string, RoomEvent[]>>;
  /** Every node's output, for a failing test. */
  output(): string;
  close(): Promise<void>;
}

/** What the presence check reads: who Redis says is online in a room, over every node. */
export interface PresenceReader {
  online(room: string): Promise<UserRef[]>;
  close(): Promise<void>;
}

/**
 * A RedisPresence under the cluster's prefix, only read from. It registers as a node of its own
 * (id `observer`), with a TTL so long that it almost never beats: purging a dead node is left to
 * the cluster's nodes, whose bound the suite checks.
 */
export function presenceReader(cluster: Cluster): PresenceReader {
  if (!cluster.redis || cluster.prefix === undefined) throw new Error('presence needs the shared engines');
  return new RedisPresence({ url: cluster.redis.url, prefix: cluster.prefix, nodeId: 'observer', ttlMs: 3_600_000 });
}

async function readLog(reader: PostgresStore, room: string): Promise<RoomEvent[]> {
  const out: RoomEvent[] = [];
  for (let after = 0; ;) {
    const page = await reader.history(room, { after, limit: 500 });
    out.push(...page.events);
    const last = page.events.at(-1);
    if (!page.more || !last) return out;
    after = last.seq;
  }
}

/** Starts the nodes (all at once: they race on the migrations as a real rollout does). */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const engines = opts.engines ?? 'shared';
  const tokenSecret = randomBytes(32).toString('hex');
  let db: TestDatabase | undefined;
  let pgProxy: RoundRobinProxy | undefined;
  let redis: TestRedis | undefined;
  let prefix: string | undefined;
  const shared: string[] = [];
  if (engines === 'shared') {
    db = await createTestDatabase('parley_cluster');
    const pgUrl = new URL(db.url);
    pgProxy = await RoundRobinProxy.start([Number(pgUrl.port || 5432)]);
    pgUrl.hostname = '127.0.0.1';
    pgUrl.port = String(pgProxy.port);
    redis = await startRedis();
    prefix = redisTestPrefix();
    shared.push('--store', pgUrl.toString(), '--broker', redis.url, '--redis-prefix', prefix);
  }
  const nodes: TestServer[] = [];
  const outputs: (() => string)[] = [];
  try {
    const started = await Promise.all(
      Array.from({ length: opts.nodes }, (_, i) =>
        startServer({
          process: true,
          args: [
            ...shared,
            '--node-id',
            `n${i}`,
            '--token-secret',
            tokenSecret,
            '--default-rooms',
            opts.rooms.join(','),
            ...(opts.args ?? []),
          ],
        }),
      ),
    );
    nodes.push(...started);
    for (const n of started) outputs.push(() => n.output());
  } catch (err) {
    await Promise.all(nodes.map((n) => n.dispose()));
    await pgProxy?.close();
    await redis?.close();
    await db?.drop();
    throw err;
  }
  const proxy = await RoundRobinProxy.start(nodes.map((n) => n.port));
  let reader: PostgresStore | undefined;
  return {
    nodes,
    proxy,
    db,
    pgProxy,
    redis,
    prefix,
    tokenSecret,
    async readLogs(rooms) {
      // SQLite nodes share nothing: the harness's own tests read the first node's log over REST.
      if (!db) return fetchLogs(nodes[0]?.url ?? '', rooms);
      reader ??= new PostgresStore({ connectionString: db.url, max: 2 });
      const logs = new Map<string, RoomEvent[]>();
      for (const room of rooms) logs.set(room, await readLog(reader, room));
      return logs;
    },
    output: () => outputs.map((o, i) => `--- node n${i}\n${o()}`).join('\n'),
    async close() {
      await proxy.close();
      await Promise.all(nodes.map((n) => n.dispose()));
      await reader?.close();
      await pgProxy?.close();
      await redis?.close();
      // The nodes' limiter buckets outlive them in a shared Redis; a private one is gone already.
      if (redis && !redis.private && prefix !== undefined) await dropRedisKeys(prefix);
      await db?.drop();
    },
  };
}

/** Prints every node's output (last lines) when the current test fails. */
export function printNodesOnFailure(cluster: () => Cluster | undefined): void {
  onTestFailed(() => {
    const c = cluster();
    if (!c) return;
    const text = c.output();
    console.log(`[cluster] node output (last 8000 characters):\n${text.slice(-8000)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// Members that know which node each connection landed on.

export interface ClusterMember extends Member {
  /** The node index (in the proxy's targets) of each connection, in order. */
  readonly nodes: number[];
}

const JOINED_PREFIX = Buffer.from('{"type":"joined"');

/**
 * An SDK member (test/reliability/harness.ts makeMember) connecting through `proxy`; each
 * connection's node is noted as its upgrade answers (the proxy knows it by the client's port).
 * Its join points are noted by joinAll (join while nothing else is written) or, for a join
 * under traffic (joinRooms), from its `joined` frame. A dead node or a cut
 * shows as a closed socket at once (the proxy closes the client's side); the heartbeat slack is
 * 5 s so that a short Redis outage, during which a node answers no frame (a ping waits in order
 * behind a write whose limiter waits for Redis), is no drop.
 */
export function clusterMember(
  proxy: RoundRobinProxy,
  nick: string,
  rooms: string[],
  options: Partial<ClientOptions> = {},
): ClusterMember {
  const nodes: number[] = [];
  // eslint-disable-next-line prefer-const -- assigned after the client that the socket class reads
  let member: Member | undefined;
  class NodeNoting extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols);
      this.once('upgrade', (res: IncomingMessage) => {
        const port = res.socket.localPort;
        const node = port === undefined ? undefined : proxy.targetOf(port);
        nodes.push(node ?? -1);
      });
      // The join point of a room joined under traffic, as the fault suite's sniffer notes it: the
      // `from` of the first `joined` frame for a room the SDK has no seq for yet (joinRooms).
      this.on('message', (data: Buffer) => {
        if (!member || !data.subarray(0, JOINED_PREFIX.length).equals(JOINED_PREFIX)) return;
        const frame = JSON.parse(data.toString('utf8')) as JoinedFrame;
        const room = frame.room.name;
        if (!member.from.has(room) && member.client.lastSeq(room) === undefined) member.from.set(room, frame.from);
        member.lastJoinedFrom.set(room, frame.from);
      });
    }
  }
  const m = makeMember(proxy.wsUrl, nick, rooms, { WebSocket: NodeNoting, heartbeatSlackMs: 5_000, ...options });
  member = m;
  return Object.assign(m, { nodes });
}

/** How many members have their current connection on each node (by the last noted node). */
export function spread(members: readonly ClusterMember[], nodeCount: number): number[] {
  const out = Array.from({ length: nodeCount }, () => 0);
  for (const m of members) {
    const n = m.nodes.at(-1);
    if (n !== undefined && n >= 0 && m.client.state === 'connected') out[n] = (out[n] ?? 0) + 1;
  }
  return out;
}
