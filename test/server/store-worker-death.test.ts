/**
 * A server on the worker-backed SQLite store whose worker dies: a send it held is answered with
 * an error, never acknowledged, even when its commit went through; the client's resend with the
 * same id then gets the original seq, the room holds the message once, and the node goes on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/protocol/index.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { SqliteWorkerStore } from '../../src/server/store/sqlite/worker-store.ts';
import { RawClient } from '../support/raw-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-worker-death-'));
const logged: string[] = [];
const store = new SqliteWorkerStore(dataDir, {
  log: { error: (_o: unknown, msg?: string) => logged.push(String(msg)) } as never,
});
let node: ParleyServer;
let url = '';

beforeAll(async () => {
  node = createParleyServer({
    options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'silent', tokenSecret: 'a'.repeat(32) },
    store,
  });
  url = `ws://127.0.0.1:${await node.listen()}/ws`;
});

afterAll(async () => {
  await node.close();
  await store.close();
});

describe('a server whose store worker dies', () => {
  it('answers the sends it held with an error, and their resends with the original seq', async () => {
    const ada = await RawClient.connect(url, 'ada');
    const bob = await RawClient.connect(url, 'bob');
    await ada.request('joined', { type: 'join', id: 'j1', room: 'general' });
    await bob.request('joined', { type: 'join', id: 'j2', room: 'general' });

    store.crashWorkerForTest('after-commit');
    await expect(
      ada.request('ack', { type: 'send', id: 'm-1', room: 'general', kind: 'text', body: 'one' }),
    ).rejects.toThrow(/internal/);
    expect(logged).toContain('store worker failed');
    const acks = (f: ServerFrame) => f.type === 'ack' && 'id' in f && f.id === 'm-1';
    expect(ada.frames.filter(acks)).toEqual([]);

    // The same id again: the commit had gone through, so the original seq, not a second message.
    const ack = await ada.request('ack', { type: 'send', id: 'm-1', room: 'general', kind: 'text', body: 'one' });
    const page = await ada.request('history', { type: 'history', id: 'h1', room: 'general', limit: 50 });
    const ones = page.events.filter((e) => e.body === 'one');
    expect(ones.map((e) => e.seq)).toEqual([ack.seq]);
    // And the node goes on: a new message reaches the other member.
    const next = await ada.request('ack', { type: 'send', id: 'm-2', room: 'general', kind: 'text', body: 'two' });
    const got = await bob.next('event', (e) => e.body === 'two');
    expect(got.seq).toBe(next.seq);
    ada.close();
    bob.close();
  });
});
