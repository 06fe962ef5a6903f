/**
 * npx tsx bench/search.ts: what a hostile search costs everyone else (issue 10, finding 4).
 * A room of BENCH_FLOOD messages of 4 000 × "a"; while an attacker searches, another client keeps
 * pinging. Reports the search's answer time, the other client's worst ping round trip and the
 * longest event-loop stall (server and clients share this process). Keep notable figures
 * in bench/RESULTS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParleyServer } from '../src/server/index.ts';
import { SqliteStore } from '../src/server/store/sqlite/sqlite-store.ts';
import { RawClient } from '../test/support/raw-client.ts';

const FLOOD = Number(process.env['BENCH_FLOOD'] ?? 300);
const bob = { id: 'bob', nick: 'bob' };

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'));
const seed = new SqliteStore(dataDir);
await seed.createRoom('flood', 'flood');
await seed.append({ room: 'flood', sender: bob, kind: 'join', body: '' });
// Also alternating messages with "abc" and "bcd" only: every trigram of "abcd" is common, never together.
for (let i = 0; i < FLOOD; i++) {
  await seed.append({ room: 'flood', sender: bob, kind: 'text', body: 'a'.repeat(4000) });
  await seed.append({ room: 'flood', sender: bob, kind: 'text', body: (i % 2 ? 'abc ' : 'bcd ').repeat(1000) });
}
await seed.close();

const server = createParleyServer({
  options: {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    webDir: null,
    logLevel: 'warn',
    // The observer pings back to back, and the attacker's searches are the point: no rate limits.
    connFramesPerSec: 100_000,
    connFramesBurst: 100_000,
    connSearchesPerSec: 100_000,
    connSearchesBurst: 100_000,
  },
});
const url = `ws://127.0.0.1:${await server.listen()}/ws`;
const observer = await RawClient.connect(url, 'olive');
const stranger = await RawClient.connect(url, 'mallory'); // a member of no room
const member = await RawClient.connect(url, 'martin');
await member.request('joined', { type: 'join', id: 'j', room: 'flood' });

let n = 0;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Each case ROUNDS times (the machine may be shared): medians, and the worst round's stall. */
async function measure(label: string, client: RawClient, q: string, pipelined: number, limit = 20): Promise<void> {
  const runs: Awaited<ReturnType<typeof once>>[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await once(client, q, pipelined, limit));
  const last = runs[runs.length - 1]!;
  console.log(
    `${label}: ${pipelined} search(es) answered in ${median(runs.map((x) => x.ms)).toFixed(0)} ms ` +
      `(${last.results} results, next ${last.next ? 'yes' : 'no'}); other client's ping ` +
      `${median(runs.map((x) => x.ping)).toFixed(1)} ms; event-loop stall ${median(runs.map((x) => x.stall)).toFixed(1)} ms ` +
      `(worst of ${ROUNDS}: ${Math.max(...runs.map((x) => x.stall)).toFixed(1)} ms)`,
  );
}

async function once(client: RawClient, q: string, pipelined: number, limit: number) {
  let pinging = true;
  let worstPing = 0;
  const pinger = (async () => {
    while (pinging) {
      const t0 = performance.now();
      const id = `p${++n}`;
      observer.sendJson({ type: 'ping', id });
      await observer.next('pong', (f) => f.id === id, 60_000);
      worstPing = Math.max(worstPing, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 20));
  // The longest gap between 1 ms timer ticks: how long the event loop was held.
  let last = performance.now();
  let stall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  const ids = Array.from({ length: pipelined }, () => `s${++n}`);
  for (const id of ids) client.sendJson({ type: 'search', id, q, limit });
  const found = await Promise.all(ids.map((id) => client.next('results', (f) => f.id === id, 60_000)));
  const ms = performance.now() - t0;
  clearInterval(ticker);
  pinging = false;
  await pinger;
  return { ms, ping: worstPing, stall, results: found[0]?.results.length ?? 0, next: found[0]?.next !== undefined };
}

const hostile = 'a'.repeat(200);
console.log(`flood room: ${FLOOD} messages of 4 000 × "a" and ${FLOOD} of "abc …" / "bcd …"`);
await measure('non-member, "a" × 200', stranger, hostile, 1);
await measure('non-member, "a" × 200, pipelined', stranger, hostile, 3);
await measure('member, "a" × 200', member, hostile, 1);
await measure('member, "a" × 200, pipelined', member, hostile, 3);
await measure('member, "abcd" (common trigrams, never together)', member, 'abcd', 3);
await measure('member, "zq" (short term, scan)', member, 'zq', 3);
await measure('member, 10 short terms', member, 'ab bc cd a b c d zq zr zs', 3);
await measure(
  'member, "a" "aa" … (10 terms), limit 50',
  member,
  'a aa aaa aaaa a5 a6 a7 a8 a9 a10'.replace(/a(\d+)/g, (_, k: string) => 'a'.repeat(Number(k))),
  3,
  50,
);

for (const c of [observer, stranger, member]) c.close();
await server.close();
rmSync(dataDir, { recursive: true, force: true });
