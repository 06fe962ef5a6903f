/**
 * npm run bench -- --engines: the cost of going multi-node. One room, subscribers spread over the
 * nodes, one sender on the first node with 50 sends in flight; for 1 node on SQLite + memory,
 * 1 node on PostgreSQL + Redis and 2 nodes on PostgreSQL + Redis. Reports deliveries per second
 * and CPU per delivery: this process (nodes and clients) plus what the local `postgres` and
 * `redis-server` processes used meanwhile. Needs PostgreSQL and Redis on 127.0.0.1 (see
 * test/support/services.ts for the addresses); uses a database and a key prefix of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { ServerFrame } from '../src/protocol/index.ts';
import { createParleyServer, type ParleyServer, type ServerOptions } from '../src/server/index.ts';
import { createTestDatabase, REDIS_URL, redisTestPrefix } from '../test/support/services.ts';

const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 100);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1000);
const WINDOW = 50;
/** Every client comes from 127.0.0.1 and the sender pushes as fast as acks allow. */
const LIMITS: Partial<ServerOptions> = {
  ipConnectsPerSec: 100_000,
  ipConnectsBurst: 100_000,
  maxConnectionsPerIp: 100_000,
  connFramesPerSec: 100_000,
  connFramesBurst: 100_000,
  connWritesPerSec: 100_000,
  connWritesBurst: 100_000,
  userWritesPerSec: 100_000,
  userWritesBurst: 100_000,
};
const CLOCK_TICKS_PER_SEC = 100;

/** CPU time (ms, user + system) of every local process with this exact name. */
function cpuMsOf(name: string): number {
  let pids: string[];
  try {
    pids = execFileSync('pgrep', ['-x', name]).toString().trim().split('\n');
  } catch {
    return 0;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SEC;
}

async function member(url: string, nick: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'hello', v: 1, nick }));
  ws.send(JSON.stringify({ type: 'join', id: 'j', room: 'general' }));
  await new Promise<void>((resolve) => {
    const on = (d: WebSocket.RawData): void => {
      if ((JSON.parse(String(d)) as ServerFrame).type !== 'joined') return;
      ws.off('message', on);
      resolve();
    };
    ws.on('message', on);
  });
  return ws;
}

async function run(label: string, nodeCount: number, engines: Partial<ServerOptions>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-engines-'));
  const nodes: ParleyServer[] = [];
  const urls: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const options: Partial<ServerOptions> = {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      webDir: null,
      logLevel: 'warn',
      nodeId: `bench${i}`,
    };
    const node = createParleyServer({ options: { ...options, ...LIMITS, ...engines } });
    urls.push(`ws://127.0.0.1:${await node.listen()}/ws`);
    nodes.push(node);
  }
  const subs: WebSocket[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) subs.push(await member(urls[i % nodeCount]!, `sub${i}`));
  let delivered = 0;
  const allDone = new Promise<void>((resolve) => {
    for (const ws of subs) {
      ws.on('message', (d) => {
        const f = JSON.parse(String(d)) as ServerFrame;
        // Only the messages sent, not the other subscribers' join events.
        if (f.type === 'event' && f.kind === 'text' && ++delivered === SUBSCRIBERS * MESSAGES) resolve();
      });
    }
  });
  const sender = await member(urls[0]!, 'sender');
  let acked = 0;
  let sent = 0;
  const pump = (): void => {
    for (; sent < MESSAGES && sent - acked < WINDOW; sent++) {
      sender.send(
        JSON.stringify({ type: 'send', id: `b${sent}`, room: 'general', kind: 'text', body: `message ${sent}` }),
      );
    }
  };
  sender.on('message', (d) => {
    if ((JSON.parse(String(d)) as ServerFrame).type !== 'ack') return;
    acked++;
    pump();
  });
  const services0 = { pg: cpuMsOf('postgres'), redis: cpuMsOf('redis-server') };
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  pump();
  await allDone;
  const ms = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const own = (cpu.user + cpu.system) / 1000;
  const services = cpuMsOf('postgres') - services0.pg + (cpuMsOf('redis-server') - services0.redis);
  const perDelivery = (cpuMs: number): string => `${((cpuMs * 1000) / delivered).toFixed(1)} µs`;
  console.log(
    `${label}: ${delivered} deliveries in ${ms} ms (${Math.round((delivered / ms) * 1000)}/s); CPU per delivery: ` +
      `process ${perDelivery(own)}, PostgreSQL + Redis ${perDelivery(services)}, total ${perDelivery(own + services)}`,
  );
  for (const ws of [...subs, sender]) ws.terminate();
  for (const node of nodes) await node.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function onPostgresAndRedis(nodeCount: number): Promise<void> {
  const db = await createTestDatabase('parley_bench');
  const prefix = redisTestPrefix();
  try {
    await run(`${nodeCount} node${nodeCount > 1 ? 's' : ''}, PostgreSQL + Redis`, nodeCount, {
      store: db.url,
      broker: REDIS_URL,
      redisPrefix: prefix,
      tokenSecret: 'bench-secret-'.padEnd(40, 'x'),
    });
  } finally {
    await db.drop();
    const redis = new Redis(REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 200 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    redis.disconnect();
  }
}

console.log(`engines: 1 room, ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, ${WINDOW} sends in flight`);
await run('1 node, SQLite + memory', 1, {});
await onPostgresAndRedis(1);
await onPostgresAndRedis(2);
