/**
 * Two server nodes in one process on shared engines (one store, one in-memory bus, one presence,
 * one file storage, one set of limiters): a client on each chats with the other as if they shared one server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckFrame } from '../../src/protocol/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite-store.ts';
import { RawClient } from '../support/raw-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-two-nodes-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const presence = new MemoryPresence();
const files = new DiskStorage(join(dataDir, 'files'));
const limits = new MemoryLimiters();
const nodes: ParleyServer[] = [];
const urls: string[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const node = createParleyServer({
      options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'warn', tokenSecret: 'a'.repeat(32) },
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

async function member(url: string, nick: string): Promise<RawClient> {
  const client = await RawClient.connect(url, nick);
  await client.request('joined', { type: 'join', id: `j-${nick}`, room: 'general' });
  return client;
}

describe('two nodes on one shared store, bus and presence', () => {
  it('deliver each other’s messages once and in order, with typing and presence across nodes', async () => {
    const ada = await member(urls[0] ?? '', 'ada');
    const bob = await member(urls[1] ?? '', 'bob');
    // Bob's arrival on node 2 reaches Ada on node 1 as a log event and as presence.
    await ada.next('event', (e) => e.kind === 'join' && e.sender.nick === 'bob');
    await ada.next('presence', (p) => p.online.some((u) => u.nick === 'bob'));

    const acks: AckFrame[] = [];
    for (let i = 1; i <= 5; i++) {
      acks.push(
        await ada.request('ack', { type: 'send', id: `a${i}`, room: 'general', kind: 'text', body: `from ada ${i}` }),
      );
    }
    const reply = await bob.request('ack', { type: 'send', id: 'b1', room: 'general', kind: 'text', body: 'hi ada' });
    await bob.next('event', (e) => e.seq === acks.at(-1)?.seq);
    await ada.next('event', (e) => e.seq === reply.seq);
    // The same log on both nodes: every seq once, ascending, no gap.
    expect(bob.texts('general')).toEqual([...acks.map((a) => a.seq), reply.seq]);
    expect(ada.texts('general')).toEqual([...acks.map((a) => a.seq), reply.seq]);

    // Typing is a signal over the bus: it crosses nodes too, and never comes back to its sender.
    bob.sendJson({ type: 'typing', room: 'general', on: true });
    const typing = await ada.next('typing', (t) => t.user.nick === 'bob');
    expect(typing.on).toBe(true);
    await bob.request('pong', { type: 'ping', id: 'p' });
    expect(bob.frames.some((f) => f.type === 'typing')).toBe(false);
    ada.close();
    bob.close();
  });

  it('claim a guest nickname once across nodes', async () => {
    const first = await RawClient.connect(urls[0] ?? '', 'carol');
    const second = await RawClient.open(urls[1] ?? '');
    second.sendJson({ type: 'hello', v: 1, nick: 'Carol' });
    expect((await second.next('error')).code).toBe('nick_taken');
    first.close();
    second.close();
  });
});
