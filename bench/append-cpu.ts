/**
 * npx tsx bench/append-cpu.ts: CPU per appended message through the real SQLite store, in this
 * thread and in its worker (process CPU, both threads). BENCH_MESSAGES messages (default 20 000),
 * BENCH_BATCH per group commit (default 10), realistic chat text (indexed for search). BENCH_CID=1:
 * each message carries a random client id, as clients' sends do (one more index page per commit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { nanoid } from 'nanoid';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore } from '../src/server/store/sqlite/worker-store.ts';
import type { Store } from '../src/server/store/store.ts';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 20_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 10);
const CID = process.env['BENCH_CID'] === '1';
const WORDS = [
  'deploy',
  'release',
  'friday',
  'lunch',
  'meeting',
  '开会',
  '讨论',
  'project',
  'review',
  'ship',
  'bug',
  'fix',
];
const alice = { id: 'alice', nick: 'alice' };

async function run(name: string, make: (dir: string) => Store): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-append-'));
  const store = make(dir);
  await store.createRoom('r', 'r');
  await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
  let n = 0;
  const body = () => Array.from({ length: 8 }, (_, k) => WORDS[(n * 7 + k * 3) % WORDS.length]).join(' ') + ` ${n++}`;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += BATCH) {
    await Promise.all(
      Array.from({ length: BATCH }, () =>
        store.append({ room: 'r', sender: alice, kind: 'text', body: body(), ...(CID ? { cid: nanoid() } : {}) }),
      ),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  // The index catching up (lazy index) is part of the cost: a search waits for it.
  const c1 = process.cpuUsage();
  const hits = (await store.search({ userId: alice.id, terms: ['deploy'], limit: 5 })).hits.length;
  const tail = process.cpuUsage(c1);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const us = (c: NodeJS.CpuUsage) => (c.user + c.system) / MESSAGES;
  console.log(
    `${name.padEnd(12)} ${MESSAGES} msgs${CID ? ' with cid' : ''}, ${BATCH}/commit: ${us(cpu).toFixed(1)} µs CPU/msg while appending ` +
      `(+${us(tail).toFixed(1)} at the first search), ${((wall * 1000) / MESSAGES).toFixed(1)} µs wall/msg, hits ${hits}`,
  );
}

for (let round = 0; round < 2; round++) {
  await run('in-thread', (dir) => new SqliteStore(dir));
  await run('worker', (dir) => new SqliteWorkerStore(dir));
}
