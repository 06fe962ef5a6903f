/** PostgreSQL-only parts of search: every page's work is bounded, paging still finds every match once, and trigrams use the index. */
import { afterAll, describe, expect, it } from 'vitest';
import { PgDb } from '../../src/server/store/postgres/postgres-db.ts';
import { PgSearch } from '../../src/server/store/postgres/postgres-search.ts';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import { SEARCH_BUDGET } from '../../src/server/search/budget.ts';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/services.ts';
import { freshSchema } from './postgres-schema.ts';

const enabled = await hasPostgres('PostgreSQL search');
const database: TestDatabase | undefined = enabled ? await createTestDatabase('parley_search') : undefined;

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const x of open.splice(0)) await x.close().catch(() => undefined);
  await database?.drop();
});

/** A store on a fresh schema, and a PgSearch with `budget` on the same data. */
async function fresh(budget: ConstructorParameters<typeof PgSearch>[1]) {
  const url = await freshSchema(database!);
  const store = new PostgresStore({ connectionString: url, max: 4 });
  const db = new PgDb({ connectionString: url, max: 2 });
  open.push(store, db);
  return { store, search: new PgSearch(db, budget) };
}

describe.skipIf(!enabled)('PostgreSQL search', () => {
  it('pages a query of short terms through bounded windows and still finds every match', async () => {
    const { store, search } = await fresh({ rows: 7 });
    await store.createRoom('a', 'a');
    await store.createRoom('other', 'other');
    await store.append({ room: 'a', sender: alice, kind: 'join', body: '' });
    const want: number[] = [];
    for (let i = 0; i < 40; i++) {
      const room = i % 3 === 0 ? 'other' : 'a';
      const body = i % 4 === 0 ? `开会 ${i}` : `闲聊 ${i}`;
      const r = await store.append({ room, sender: alice, kind: 'text', body });
      if (r.status === 'appended' && room === 'a' && i % 4 === 0) want.push(r.event.seq);
    }
    for (const room of [undefined, 'a']) {
      const got: number[] = [];
      let before: number | undefined;
      let pages = 0;
      for (; pages < 50; pages++) {
        const page = await search.search({
          userId: alice.id,
          terms: ['开会'],
          limit: 3,
          ...(room ? { room } : {}),
          ...(before ? { before } : {}),
        });
        expect(page.hits.length).toBeLessThanOrEqual(3);
        expect(page.examined).toBeLessThanOrEqual(7);
        got.push(...page.hits.map((h) => h.event.seq));
        if (page.next === undefined) break;
        before = page.next;
      }
      expect(got).toEqual([...want].reverse());
      expect(pages).toBeGreaterThanOrEqual(room ? 3 : 5);
    }
  });

  it('reads nothing for a non-member and examines at most the budget per page', async () => {
    const rows = 30;
    const text = 50_000;
    const { store, search } = await fresh({ rows, text });
    await store.createRoom('flood', 'flood');
    await store.createRoom('quiet', 'quiet');
    await store.append({ room: 'flood', sender: bob, kind: 'join', body: '' });
    await store.append({ room: 'quiet', sender: alice, kind: 'join', body: '' });
    const results = await Promise.all(
      Array.from({ length: 120 }, () =>
        store.append({ room: 'flood', sender: bob, kind: 'text', body: 'a'.repeat(4000) }),
      ),
    );
    const seqs = results.flatMap((r) => (r.status === 'appended' ? [r.event.seq] : []));
    for (const terms of [['a'.repeat(200)], ['aa']]) {
      expect(await search.search({ userId: 'u-nobody', terms, limit: 50 })).toEqual({
        hits: [],
        examined: 0,
        compared: 0,
      });
    }
    // A member of another room: the flood room's messages are candidates, never read.
    const other = await search.search({ userId: alice.id, terms: ['a'.repeat(200)], limit: 50 });
    expect(other.hits).toEqual([]);
    expect(other.compared).toBe(0);
    for (const terms of [['a'.repeat(200)], ['a'.repeat(199) + 'b'], ['aa', 'a'], ['a'.repeat(3), 'a'.repeat(150)]]) {
      const got: number[] = [];
      let before: number | undefined;
      let pages = 0;
      for (; pages < 100; pages++) {
        const page = await search.search({ userId: bob.id, terms, limit: 50, ...(before ? { before } : {}) });
        expect(page.examined, String(terms)).toBeLessThanOrEqual(rows);
        expect(page.compared, String(terms)).toBeLessThan(text + terms.length * 4000);
        got.push(...page.hits.map((h) => h.event.seq));
        if (page.next === undefined) break;
        before = page.next;
      }
      const want = terms[0]!.includes('b') ? [] : [...seqs].sort((x, y) => y - x);
      expect(got, String(terms)).toEqual(want);
    }
    // The store's own budget answers in one page of `limit` hits.
    const page = await store.search({ userId: bob.id, terms: ['a'.repeat(200)], limit: 20 });
    expect(page.hits.length).toBe(20);
    expect(SEARCH_BUDGET.rows).toBeGreaterThan(20);
  });
});
