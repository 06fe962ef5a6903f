/**
 * Appends per second on the PostgreSQL store (not a test: `npx tsx test/server/postgres-append-bench.ts`).
 * Makes a database of its own and drops it after. Scenarios: one node, one room (per-room group
 * commit); one node, 20 rooms; two nodes (two stores, two pools) on one room and on 20 rooms.
 */
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import { createTestDatabase } from '../support/services.ts';

const N = Number(process.env['BENCH_APPENDS'] ?? 4000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 64);

async function run(stores: PostgresStore[], rooms: string[], label: string): Promise<void> {
  let next = 0;
  const start = performance.now();
  const worker = async (w: number): Promise<void> => {
    for (let i = next++; i < N; i = next++) {
      const store = stores[w % stores.length]!;
      const r = await store.append({
        room: rooms[i % rooms.length]!,
        sender: { id: `u${w}`, nick: `user${w}` },
        cid: `${label}-${i}`,
        kind: 'text',
        body: `message ${i} 消息 with some words`,
      });
      if (r.status !== 'appended') throw new Error(r.status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  const s = (performance.now() - start) / 1000;
  console.log(
    `${label.padEnd(28)} ${String(Math.round(N / s)).padStart(6)} appends/s  (${N} in ${s.toFixed(2)} s, ${CONCURRENCY} in flight)`,
  );
}

const db = await createTestDatabase('parley_bench');
try {
  const a = new PostgresStore({ connectionString: db.url, max: 10 });
  const b = new PostgresStore({ connectionString: db.url, max: 10 });
  const many = Array.from({ length: 20 }, (_, i) => `room${i}`);
  for (const r of ['one', 'two', ...many]) await a.createRoom(r, r);
  await b.ready();
  await run([a], ['one'], 'one node, one room');
  await run([a], many, 'one node, 20 rooms');
  await run([a, b], ['two'], 'two nodes, one room');
  await run([a, b], many, 'two nodes, 20 rooms');
  for (const r of ['one', 'two']) {
    const page = await a.history(r, { after: 0, limit: N + 1 });
    const gapFree = page.events.every((e, i) => e.seq === i + 1);
    console.log(`room ${r}: ${page.events.length} events, seqs gap-free: ${gapFree}`);
  }
  await a.close();
  await b.close();
} finally {
  await db.drop();
}
