/**
 * Two server nodes in one process on one shared Limiters engine (and one store, bus, presence):
 * a user's write budget and an address's connect budget are the engine's buckets, so the nodes
 * share them instead of granting each its own. And connection ids carry the node's id, so the ids
 * of two nodes never collide, not even two processes that both count from 1.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { ErrorFrame, ServerFrame } from '../../src/protocol/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import type { ServerContext } from '../../src/server/core/context.ts';
import { createNodeContext } from '../../src/server/core/node-context.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { createParleyServer, resolveOptions, type ParleyServer } from '../../src/server/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { createLogger } from '../../src/server/log.ts';
import type { ServerOptions } from '../../src/server/options.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { statusOf, tryUpgrade } from '../security/upgrade.ts';
import { RawClient } from '../support/raw-client.ts';
import { waitUntil } from '../support/wait.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-two-nodes-limits-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const presence = new MemoryPresence();
const files = new DiskStorage(join(dataDir, 'files'));
const limits = new MemoryLimiters();
const NODE_IDS = ['east', 'west'] as const;
const nodes: ParleyServer[] = [];
const urls: string[] = [];
/** The same on both nodes (one engine holds one rate per bucket name). No refill: no test depends on speed. */
const OPTIONS: Partial<ServerOptions> = {
  port: 0,
  host: '127.0.0.1',
  dataDir,
  webDir: null,
  logLevel: 'warn',
  tokenSecret: 'b'.repeat(32),
  userWritesPerSec: 0,
  userWritesBurst: 4,
  ipConnectsPerSec: 0,
  ipConnectsBurst: 3,
  rateStrikes: 100,
  // The connect test names its own address in X-Forwarded-For; the others come from 127.0.0.1.
  trustProxy: 1,
};

beforeAll(async () => {
  for (const nodeId of NODE_IDS) {
    const node = createParleyServer({
      options: { ...OPTIONS, nodeId },
      store,
      broker: bus.broker(),
      presence,
      files,
      limits,
    });
    urls.push(`ws://127.0.0.1:${await node.listen()}/ws`);
    nodes.push(node);
  }
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two nodes on one Limiters engine', () => {
  it('share one user’s write budget: four tokens for the user, whichever node the writes reach', async () => {
    const session = 'sharedsessionsharedsession1';
    const a = await RawClient.connect(urls[0] ?? '', 'spread', session);
    const b = await RawClient.connect(urls[1] ?? '', 'spread', session);
    expect(b.welcome.user.id).toBe(a.welcome.user.id);
    for (const c of [a, b]) await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    for (let i = 0; i < 3; i++) a.sendJson({ type: 'send', id: `a${i}`, room: 'general', kind: 'text', body: 'a' });
    for (let i = 0; i < 3; i++) b.sendJson({ type: 'send', id: `b${i}`, room: 'general', kind: 'text', body: 'b' });
    // Each node alone would grant all three; together the user has four.
    const isAnswer = (f: ServerFrame): boolean => f.type === 'ack' || f.type === 'error';
    await waitUntil(() => a.frames.filter(isAnswer).length >= 3 && b.frames.filter(isAnswer).length >= 3);
    const answers = [...a.frames, ...b.frames].filter(isAnswer);
    expect(answers.filter((f) => f.type === 'ack')).toHaveLength(4);
    const errors = answers.filter((f): f is ErrorFrame => f.type === 'error');
    expect(errors.map((e) => e.code)).toEqual(['rate_limited', 'rate_limited']);
    for (const e of errors) expect(e.retryAfterMs).toBeGreaterThan(0);
    a.close();
    b.close();
  });

  it('share one address’s connect budget: three upgrades in all, then 429 on either node', async () => {
    const from = { 'X-Forwarded-For': '203.0.113.9' };
    expect(statusOf(await tryUpgrade(urls[0] ?? '', from))).toBe(101);
    expect(statusOf(await tryUpgrade(urls[1] ?? '', from))).toBe(101);
    expect(statusOf(await tryUpgrade(urls[0] ?? '', from))).toBe(101);
    for (const url of urls) {
      const refused = await tryUpgrade(url, from);
      expect(statusOf(refused)).toBe(429);
      expect('body' in refused && refused.body).toContain('rate_limited');
    }
    // Another address has its own budget.
    expect(statusOf(await tryUpgrade(urls[1] ?? '', { 'X-Forwarded-For': '203.0.113.10' }))).toBe(101);
  });
});

/** A socket that is never read or written: enough to build a Connection and read its id. */
function fakeSocket(): WebSocket {
  return Object.assign(new EventEmitter(), { readyState: 1, OPEN: 1, close() {}, terminate() {} }) as never;
}

describe('connection ids', () => {
  const contexts = (nodeId: string | null): ServerContext => {
    const options = resolveOptions([], {}, { dataDir, webDir: null, logLevel: 'warn', nodeId });
    const engines = { store, broker: bus.broker(), presence, files, limits: new MemoryLimiters() };
    return createNodeContext(options, createLogger('warn'), engines, new Set()).ctx;
  };

  /** Ids of `n` connections made by a fresh copy of the gateway module: a new process, counting from 1. */
  async function idsInNewProcess(ctx: ServerContext, n: number): Promise<string[]> {
    vi.resetModules();
    const { Connection } = await import('../../src/server/gateway/connection.ts');
    return Array.from({ length: n }, () => {
      const ws = fakeSocket();
      const id = new Connection(ws, ctx, '127.0.0.1').id;
      ws.emit('close');
      return id;
    });
  }

  it('start with the node id, so two nodes counting from 1 never collide', async () => {
    const east = contexts('east');
    const west = contexts('west');
    expect(east.hub.node).toBe('east');
    const fromEast = await idsInNewProcess(east, 3);
    const fromWest = await idsInNewProcess(west, 3);
    expect(fromEast).toEqual(['east-1', 'east-2', 'east-3']);
    expect(fromWest).toEqual(['west-1', 'west-2', 'west-3']);
  });

  it('get a random node id when none is set: two nodes differ', async () => {
    const one = contexts(null);
    const two = contexts(null);
    expect(one.hub.node).toMatch(/^[\w-]{8}$/);
    expect(one.hub.node).not.toBe(two.hub.node);
    const [a] = await idsInNewProcess(one, 1);
    const [b] = await idsInNewProcess(two, 1);
    expect(a).not.toBe(b);
    expect(a?.startsWith(`${one.hub.node}-`)).toBe(true);
  });

  it('refuses a node id that would not read cleanly in ids and logs', () => {
    expect(() => resolveOptions(['--node-id', 'a b'])).toThrow(/nodeId/);
    expect(resolveOptions([], { PARLEY_NODE_ID: 'eu-1.a' }).nodeId).toBe('eu-1.a');
  });
});
