/**
 * The server's SQLite store in a worker thread (src/server/store/sqlite/worker-store.ts): a worker
 * that dies rejects every write it was given, whether or not it committed, and a new worker takes
 * over; resends with the same client id are then idempotent. close() commits what is queued. One
 * write that fails in a group commit fails alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore, StoreWorkerError } from '../../src/server/store/sqlite/worker-store.ts';
import type { AppendResult, Store } from '../../src/server/store/store.ts';

const alice = { id: 'u-alice', nick: 'alice' };
const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function workerStore(dir = mkdtempSync(join(tmpdir(), 'parley-wstore-'))) {
  const logged: string[] = [];
  const log = {
    error: (obj: unknown, msg?: string) => void logged.push(`${msg}: ${String((obj as { err?: unknown }).err)}`),
  };
  const store = new SqliteWorkerStore(dir, { log: log as never });
  open.push(store);
  return { store, logged, dir };
}

const send = (store: Store, i: number): Promise<AppendResult> =>
  store.append({ room: 'r', sender: alice, cid: `c${i}`, kind: 'text', body: `m${i}` });

async function settle<T>(ps: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(ps);
}

describe('SQLite store in a worker', () => {
  it('rejects the writes a worker dies with before committing them, logs it, and a new worker takes them again', async () => {
    const { store, logged } = workerStore();
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    const pending = [1, 2, 3, 4, 5].map((i) => send(store, i));
    store.crashWorkerForTest('now');
    const outcomes = await settle(pending);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreWorkerError);
    }
    expect(logged.some((l) => l.includes('exited with code 70'))).toBe(true);
    // Nothing of them committed: the resends append them, in order, after the join.
    const again = await Promise.all([1, 2, 3, 4, 5].map((i) => send(store, i)));
    expect(again.map((r) => r.status)).toEqual(Array(5).fill('appended'));
    const page = await store.history('r', { after: 0, limit: 10 });
    expect(page.events.map((e) => [e.seq, e.body])).toEqual([
      [1, ''],
      [2, 'm1'],
      [3, 'm2'],
      [4, 'm3'],
      [5, 'm4'],
      [6, 'm5'],
    ]);
  });

  it('never acknowledges writes whose commit the dead worker did not answer; their resends are duplicates', async () => {
    const { store } = workerStore();
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    store.crashWorkerForTest('after-commit');
    const outcomes = await settle([1, 2, 3].map((i) => send(store, i)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // They did commit: the reads here see them, and a resend returns the original seq.
    const again = await Promise.all([1, 2, 3].map((i) => send(store, i)));
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.map((r) => (r.status === 'duplicate' ? r.event.seq : 0))).toEqual([2, 3, 4]);
    const page = await store.history('r', { after: 0, limit: 10 });
    expect(page.events.map((e) => e.body)).toEqual(['', 'm1', 'm2', 'm3']);
    // And the new worker goes on writing.
    expect(await send(store, 4)).toMatchObject({ status: 'appended', event: { seq: 5 } });
  });

  it('refuses writes after five deaths in a minute, keeps reading, and closes', async () => {
    const { store, logged } = workerStore();
    await store.createRoom('r', 'r');
    for (let i = 0; i < 5; i++) {
      const p = send(store, i);
      store.crashWorkerForTest('now');
      await expect(p).rejects.toBeInstanceOf(StoreWorkerError);
    }
    await expect(send(store, 9)).rejects.toThrow(/refused/);
    expect(logged.some((l) => l.includes('refused'))).toBe(true);
    expect(await store.getRoom('r')).toMatchObject({ name: 'r', head: 0 });
  });

  it('commits what is queued at close before the file closes', async () => {
    const { store, dir } = workerStore();
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    const pending = [1, 2, 3].map((i) => send(store, i));
    const session = store.createSession(alice, 'x'.repeat(32));
    open.splice(open.indexOf(store), 1);
    await store.close();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(['appended', 'appended', 'appended']);
    expect(await session).toBe('x'.repeat(32));
    await expect(send(store, 4)).rejects.toThrow(/closed/);
    const again = new SqliteStore(dir);
    open.push(again);
    expect((await again.history('r', { after: 0, limit: 10 })).events.map((e) => e.body)).toEqual([
      '',
      'm1',
      'm2',
      'm3',
    ]);
    expect(await again.findSession('x'.repeat(32))).toEqual(alice);
  });

  for (const [name, make] of [
    ['in a worker', () => workerStore().store],
    ['in this thread', () => new SqliteStore(mkdtempSync(join(tmpdir(), 'parley-store-')))],
  ] as const) {
    it(`fails one write of a group commit alone (${name})`, async () => {
      const store = make();
      if (!open.includes(store)) open.push(store);
      await store.createRoom('r', 'r');
      // Two sessions racing for one proposed token, and an append, in one tick: one commit.
      const token = 't'.repeat(32);
      const [a, b, c] = await settle<unknown>([
        store.createSession(alice, token),
        store.createSession({ id: 'u-bob', nick: 'bob' }, token),
        store.append({ room: 'r', sender: alice, kind: 'join', body: '' }),
      ]);
      expect(a).toEqual({ status: 'fulfilled', value: token });
      expect(b?.status).toBe('rejected');
      expect(String((b as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
      expect(c).toMatchObject({ status: 'fulfilled', value: { status: 'appended' } });
      expect(await store.findSession(token)).toEqual(alice);
    });
  }
});
