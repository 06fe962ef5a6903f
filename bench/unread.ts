/**
 * npx tsx bench/unread.ts: what an unread + mention count costs in a big room (core/room-log/unread.ts over the store's unreadMessages).
 * 100 000 events (a third of them reactions to one message), one reader far behind and one near
 * the head. Writes a temporary SQLite file; results go to stdout (keep notable ones in RESULTS.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unreadCounts } from '../src/server/core/room-log/unread.ts';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.ts';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const RUNS = 50;

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-unread-'));
const store = new SqliteStore(dir);
const ann = { id: 'ann', nick: 'ann' };
const bob = { id: 'bob', nick: 'bob' };
await store.createRoom('big', 'big');
await store.append({ room: 'big', sender: bob, kind: 'join', body: '' });
for (let i = 0; i < EVENTS; i += 2000) {
  await Promise.all(
    Array.from({ length: 2000 }, (_, j) =>
      (i + j) % 3 === 2
        ? store.append({ room: 'big', sender: ann, kind: 'react', body: '👍', ref: 2 })
        : store.append({
            room: 'big',
            sender: ann,
            kind: 'text',
            body: (i + j) % 500 ? `m ${i + j}` : `@bob ${i + j}`,
          }),
    ),
  );
}

async function time(label: string, f: () => Promise<unknown>): Promise<void> {
  const result = await f();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) await f();
  console.log(`${label}: ${((performance.now() - t0) / RUNS).toFixed(2)} ms`, JSON.stringify(result));
}

await time(`unread, ${EVENTS} events after the watermark`, () => unreadCounts(store, bob, 'big'));
await store.markRead('big', bob.id, EVENTS - 300);
await time('unread, 300 events after the watermark', () => unreadCounts(store, bob, 'big'));
await time('receipts (top 50)', () => store.receipts('big', 50));
await store.close();
rmSync(dir, { recursive: true, force: true });
