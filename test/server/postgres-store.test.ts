/**
 * PostgreSQL-only parts of the store: several nodes (stores with pools of their own) on one
 * database append to one room with gap-free, unique seqs; a cid resent through another node is a
 * duplicate; nodes starting together migrate once; a connection cut mid-append fails the append
 * (never a false ack) without crashing the process, and the store carries on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/protocol/index.ts';
import type { AppendResult } from '../../src/server/store/store.ts';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import { createTestDatabase, hasPostgres, uniqueSuffix, type TestDatabase } from '../support/services.ts';
import { adminQuery, freshSchema } from './postgres-schema.ts';

const enabled = await hasPostgres('PostgreSQL store, several nodes');
const database: TestDatabase | undefined = enabled ? await createTestDatabase('parley_nodes') : undefined;

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

const open: PostgresStore[] = [];
afterAll(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await database?.drop();
});

function node(url: string, max = 4): PostgresStore {
  const store = new PostgresStore({ connectionString: url, max, onError: () => undefined });
  open.push(store);
  return store;
}

const appended = (r: AppendResult): RoomEvent => {
  if (r.status !== 'appended') throw new Error(`append: ${r.status}`);
  return r.event;
};

describe.skipIf(!enabled)('PostgreSQL store, several nodes', () => {
  it('two nodes appending to one room at once give gap-free, unique seqs', async () => {
    const url = await freshSchema(database!);
    const [a, b] = [node(url), node(url)];
    await a.createRoom('r', 'r');
    await a.createRoom('s', 's');
    const n = 200;
    const sends = Array.from({ length: 2 * n }, (_, i) => {
      const store = i % 2 ? b : a;
      // Some with a cid (read under the lock), some without; a second room in between.
      return store.append({
        room: 'r',
        sender: i % 3 ? alice : bob,
        kind: 'text',
        body: `m${i}`,
        ...(i % 4 ? { cid: `c${i}` } : {}),
      });
    });
    const other = Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? a : b).append({ room: 's', sender: bob, kind: 'text', body: `s${i}` }),
    );
    const events = (await Promise.all(sends)).map(appended);
    const seqs = events.map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(2 * n);
    expect(
      (await Promise.all(other))
        .map(appended)
        .map((e) => e.seq)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Each node reads the same log: every acked event, once, in seq order.
    for (const store of [a, b]) {
      const page = await store.history('r', { after: 0, limit: 1000 });
      expect(page.events.map((e) => e.id)).toEqual([...events].sort((x, y) => x.seq - y.seq).map((e) => e.id));
      expect((await store.getRoom('r'))?.head).toBe(2 * n);
    }
    expect(await b.heads(['r', 's', 'none'])).toEqual(
      new Map([
        ['r', 2 * n],
        ['s', 50],
      ]),
    );
  });

  it('a cid resent through another node at the same time is one event: duplicate or conflict', async () => {
    const url = await freshSchema(database!);
    const [a, b] = [node(url), node(url)];
    await a.createRoom('r', 'r');
    for (let i = 0; i < 20; i++) {
      const same = await Promise.all(
        [a, b].map((s) => s.append({ room: 'r', sender: alice, cid: `x${i}`, kind: 'text', body: 'hi' })),
      );
      expect(same.map((r) => r.status).sort()).toEqual(['appended', 'duplicate']);
      const [one, two] = same as [
        Extract<AppendResult, { event: RoomEvent }>,
        Extract<AppendResult, { event: RoomEvent }>,
      ];
      expect(one.event).toEqual(two.event);
      const differ = await Promise.all(
        ['one', 'two'].map((body, k) =>
          [a, b][k]!.append({ room: 'r', sender: bob, cid: `y${i}`, kind: 'text', body }),
        ),
      );
      expect(differ.map((r) => r.status).sort()).toEqual(['appended', 'conflict']);
    }
    expect((await a.getRoom('r'))?.head).toBe(40);
  });

  it('decides each append of one group commit against the ones before it', async () => {
    const store = node(await freshSchema(database!));
    await store.createRoom('r', 'r');
    await store.createRoom('d', 'd');
    // All queued in one tick: one transaction, mixed kinds, the same cid more than once.
    const results = await Promise.all([
      store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'hello 你好' }),
      store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'hello 你好' }),
      store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'other' }),
      store.append({ room: 'r', sender: alice, kind: 'join', body: '' }),
      store.append({ room: 'r', sender: bob, kind: 'text', body: 'second' }),
      store.append({ room: 'r', sender: alice, kind: 'edit', body: 'hello edited', ref: 1 }),
      store.append({ room: 'r', sender: bob, kind: 'delete', body: '', ref: 3 }),
      store.append({ room: 'r', sender: bob, kind: 'edit', body: 'second again', ref: 3 }),
      store.append({ room: 'nope', sender: bob, kind: 'text', body: 'x' }),
      store.append({ room: 'r', sender: alice, kind: 'join', body: '' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'appended',
      'duplicate',
      'conflict',
      'appended',
      'appended',
      'appended',
      'appended',
      'appended',
      'no_room',
      'unchanged',
    ]);
    expect(results.flatMap((r) => ('event' in r ? [r.event.seq] : []))).toEqual([1, 1, 2, 3, 4, 5, 6]);
    const page = await store.history('r', { after: 0, limit: 10 });
    expect(page.events.map((e) => e.kind)).toEqual(['text', 'join', 'text', 'edit', 'delete', 'edit']);
    const found = async (term: string) =>
      (await store.search({ userId: alice.id, terms: [term], limit: 10 })).hits.map((h) => [h.event.seq, h.event.body]);
    expect(await found('hello')).toEqual([[1, 'hello edited']]);
    expect(await found('second')).toEqual([]);
    expect(await found('你好')).toEqual([]);
    expect((await store.getRoom('r'))?.head).toBe(6);
  });

  it('commits a burst of one user’s reads in the order asked: each moves the watermark', async () => {
    const store = node(await freshSchema(database!));
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    for (let i = 0; i < 30; i++) await store.append({ room: 'r', sender: bob, kind: 'text', body: `m${i}` });
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => store.markRead('r', alice.id, i + 2)));
    expect(reads.map((r) => (r.status === 'moved' ? r.read : r.status))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 2),
    );
    const log = await store.userLog(alice.id, 1, 100);
    expect(log.events.map((e) => e.read)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('groups appends to many rooms in one commit, each room its own seqs and cids', async () => {
    const store = node(await freshSchema(database!));
    for (const r of ['r1', 'r2', 'r3']) await store.createRoom(r, r);
    const results = await Promise.all([
      store.append({ room: 'r1', sender: alice, cid: 'x', kind: 'text', body: 'hi' }),
      store.append({ room: 'r2', sender: alice, cid: 'x', kind: 'text', body: 'hi' }),
      store.append({ room: 'r1', sender: alice, cid: 'x', kind: 'text', body: 'hi' }),
      store.append({ room: 'r2', sender: alice, cid: 'x', kind: 'text', body: 'other' }),
      store.append({ room: 'nope', sender: alice, cid: 'x', kind: 'text', body: 'hi' }),
      store.append({ room: 'r3', sender: bob, kind: 'text', body: 'three' }),
      store.append({ room: 'r1', sender: bob, kind: 'react', body: '👍', ref: 1 }),
      store.append({ room: 'r3', sender: bob, kind: 'edit', body: 'three!', ref: 1 }),
    ]);
    expect(results.map((r) => [r.status, 'event' in r ? `${r.event.room}:${r.event.seq}` : ''])).toEqual([
      ['appended', 'r1:1'],
      ['appended', 'r2:1'],
      ['duplicate', 'r1:1'],
      ['conflict', ''],
      ['no_room', ''],
      ['appended', 'r3:1'],
      ['appended', 'r1:2'],
      ['appended', 'r3:2'],
    ]);
    expect(await store.heads(['r1', 'r2', 'r3'])).toEqual(
      new Map([
        ['r1', 2],
        ['r2', 1],
        ['r3', 2],
      ]),
    );
    await store.append({ room: 'r3', sender: alice, kind: 'join', body: '' });
    const hits = await store.search({ userId: alice.id, terms: ['three'], limit: 5 });
    expect(hits.hits.map((h) => h.event.body)).toEqual(['three!']);
  });

  it('fails only the append the database refuses when it was grouped with others, the rest in order', async () => {
    const store = node(await freshSchema(database!));
    await store.createRoom('r', 'r');
    // PostgreSQL text cannot hold NUL (the server strips control characters before the store).
    const settled = await Promise.allSettled(
      ['one', 'bad\u0000', 'two', 'three'].map((body) =>
        store.append({ room: 'r', sender: alice, kind: 'text', body }),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? appended(s.value).seq : 'rejected'))).toEqual([
      1,
      'rejected',
      2,
      3,
    ]);
    const page = await store.history('r', { after: 0, limit: 10 });
    expect(page.events.map((e) => e.body)).toEqual(['one', 'two', 'three']);
    expect((await store.search({ userId: alice.id, terms: ['bad\u0000'], limit: 5 })).hits).toEqual([]);
  });

  it('keeps each user log gap-free when nodes append membership events of one user in many rooms', async () => {
    const url = await freshSchema(database!);
    const [a, b] = [node(url), node(url)];
    const rooms = Array.from({ length: 10 }, (_, i) => `room${i}`);
    for (const r of rooms) await a.createRoom(r, r);
    const results = await Promise.all(
      rooms.flatMap((r, i) => [
        (i % 2 ? a : b).append({ room: r, sender: alice, kind: 'join', body: '' }),
        (i % 2 ? b : a).append({ room: r, sender: bob, kind: 'invite', body: '', target: alice }),
        (i % 2 ? b : a).markRead(r, alice.id, 1),
      ]),
    );
    const entries = results.flatMap((r) => ('userEvents' in r ? (r.userEvents ?? []) : 'entry' in r ? [r.entry] : []));
    const log = await a.userLog(alice.id, 0, 1000);
    expect(log.events.map((e) => e.seq)).toEqual(Array.from({ length: log.events.length }, (_, i) => i + 1));
    expect(log.events.length).toBe(entries.filter((e) => e.user === alice.id).length);
    expect(await b.userHead(alice.id)).toBe(log.events.length);
  });

  it('migrates once when several nodes start at once, and not again on a restart', async () => {
    const url = await freshSchema(database!);
    const nodes = [node(url, 1), node(url, 1), node(url, 1)];
    await Promise.all(nodes.map((s) => s.ready()));
    const schema = new URL(url).searchParams.get('options')!.match(/search_path=(\w+)/)![1]!;
    const applied = await adminQuery(database!, `SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    const versions = applied.rows.map((r: { version: number }) => r.version);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(versions).size).toBe(versions.length);
    await nodes[0]!.createRoom('r', 'r');
    const again = node(url, 1);
    expect(await again.getRoom('r')).toMatchObject({ name: 'r', head: 0 });
  });

  it('starts without its database, fails until it is there, then migrates and serves', async () => {
    const name = `parley_late_${uniqueSuffix()}`;
    const url = new URL(database!.url);
    url.pathname = `/${name}`;
    const errors: Error[] = [];
    const store = new PostgresStore({ connectionString: url.toString(), max: 2, onError: (e) => errors.push(e) });
    open.push(store);
    await expect(store.createRoom('r', 'r')).rejects.toThrow(/does not exist/);
    await adminQuery(database!, `CREATE DATABASE ${name}`);
    try {
      expect(await store.createRoom('r', 'r')).toMatchObject({ name: 'r', head: 0 });
      expect(errors.length).toBeGreaterThan(0);
      await store.close();
    } finally {
      await adminQuery(database!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('fails appends whose connection is cut (never a false ack) and carries on with new connections', async () => {
    const app = `parley-cut-${uniqueSuffix()}`;
    const url = new URL(await freshSchema(database!));
    url.searchParams.set('application_name', app);
    const store = node(url.toString(), 4);
    await store.createRoom('r', 'r');
    appended(await store.append({ room: 'r', sender: alice, kind: 'text', body: 'before' }));
    const rooms = ['r', 'r2', 'r3'];
    for (const r of rooms.slice(1)) await store.createRoom(r, r);
    const sends = Array.from({ length: 120 }, (_, i) =>
      store.append({ room: rooms[i % 3]!, sender: alice, cid: `c${i}`, kind: 'text', body: `m${i}` }),
    );
    // Awaited from now on: the ones that fail may fail before the cut below returns.
    const outcome = Promise.allSettled(sends);
    // Cut every connection of the store while the appends run.
    await adminQuery(
      database!,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${app}'`,
    );
    const settled = await outcome;
    const acked = settled.flatMap((s) => (s.status === 'fulfilled' ? [appended(s.value)] : []));
    // Every ack is in the log: committed before it resolved.
    for (const r of rooms) {
      const log = await store.history(r, { after: 0, limit: 1000 });
      const ids = new Set(log.events.map((e) => e.id));
      for (const e of acked.filter((x) => x.room === r)) expect(ids.has(e.id)).toBe(true);
      expect(log.events.map((e) => e.seq)).toEqual(log.events.map((_, i) => i + 1));
    }
    // Resending the failed ones (same cids) completes the log, each once.
    const retried = await Promise.all(
      settled.map((s, i) =>
        s.status === 'fulfilled'
          ? s.value
          : store.append({ room: rooms[i % 3]!, sender: alice, cid: `c${i}`, kind: 'text', body: `m${i}` }),
      ),
    );
    expect(retried.every((r) => r.status === 'appended' || r.status === 'duplicate')).toBe(true);
    const total = (await Promise.all(rooms.map((r) => store.history(r, { after: 0, limit: 1000 })))).reduce(
      (n, p) => n + p.events.length,
      0,
    );
    expect(total).toBe(121);
  });
});
