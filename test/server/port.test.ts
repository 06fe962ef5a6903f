/**
 * Handlers driven through the ConnectionPort, with no socket and no HTTP server: the node's
 * context on real engines (a SQLite file, the in-memory bus and presence), frames in, frames out.
 * Two contexts on one bus and store are two nodes: a send on one reaches a member on the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext, type NodeContext } from '../../src/server/core/node-context.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { dispatch } from '../../src/server/handlers/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { createLogger } from '../../src/server/log.ts';
import { resolveOptions } from '../../src/server/options.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { of, TestPort } from '../support/test-port.ts';
import { waitUntil } from '../support/wait.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-port-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const presence = new MemoryPresence();
const limits = new MemoryLimiters();
const nodes: NodeContext[] = [];

beforeAll(async () => {
  const options = resolveOptions([], {}, { dataDir, webDir: null, logLevel: 'warn' });
  for (let i = 0; i < 2; i++) {
    const connections = new Set<TestPort>();
    const engines = { store, broker: bus.broker(), presence, limits, files: new DiskStorage(join(dataDir, 'files')) };
    const node = createNodeContext(options, createLogger('warn'), engines, connections);
    await node.start();
    nodes.push(node);
  }
  await store.createRoom('lobby', 'lobby');
});

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function member(node: NodeContext, nick: string): Promise<TestPort> {
  const port = new TestPort(node.ctx);
  await port.request({ type: 'hello', v: 1, nick }, of('welcome'));
  await port.request({ type: 'join', id: `j-${nick}`, room: 'lobby' }, of('joined'));
  return port;
}

describe('handlers through the connection port (no socket)', () => {
  it('answers a frame before hello with not_ready, and nothing else happens', async () => {
    const port = new TestPort(nodes[0]!.ctx);
    await dispatch(port, { type: 'join', id: 'early', room: 'lobby' });
    expect(port.frames).toEqual([expect.objectContaining({ type: 'error', code: 'not_ready', id: 'early' })]);
    expect(port.rooms.size).toBe(0);
  });

  it('acks a send once it is stored and delivers it once, in order, to members on both nodes', async () => {
    const ann = await member(nodes[0]!, 'ann');
    const bob = await member(nodes[1]!, 'bob');
    for (let i = 1; i <= 5; i++) {
      const ack = await ann.request(
        { type: 'send', id: `m${i}`, room: 'lobby', kind: 'text', body: `hello ${i}` },
        of('ack', `m${i}`),
      );
      expect(ack.seq).toBeGreaterThan(0);
    }
    const bodies = (port: TestPort): string[] =>
      port.frames.flatMap((f) => (f.type === 'event' && f.kind === 'text' ? [f.body] : []));
    const expected = [1, 2, 3, 4, 5].map((i) => `hello ${i}`);
    await waitUntil(() => bodies(bob).length >= 5, { what: 'five messages on the other node' });
    expect(bodies(bob)).toEqual(expected);
    expect(bodies(ann)).toEqual(expected);
    const stored = await store.history('lobby', { after: 0, limit: 1000 });
    expect(stored.events.flatMap((e) => (e.kind === 'text' ? [e.body] : []))).toEqual(expected);
  });

  it('refuses a send to a room the port has not joined, with not_member', async () => {
    const port = new TestPort(nodes[1]!.ctx);
    await port.request({ type: 'hello', v: 1, nick: 'cid' }, of('welcome'));
    const err = await port.request(
      { type: 'send', id: 's1', room: 'lobby', kind: 'text', body: 'hi' },
      of('error', 's1'),
    );
    expect(err.code).toBe('not_member');
  });
});
