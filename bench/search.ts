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
import { SqliteStore } from '../src/server/store/sqlite-store.ts';
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
  port: 0,
  host: '127.0.0.1',
  dataDir,
  webDir: null,
  logLevel: 'warn',
  connSearchesPerSec: 1000,
  connSearchesBurst: 1000,
});
const url = `ws://127.0.0.1:${await server.listen()}/ws`;
const observer = await RawClient.connect(url, 'olive');
const stranger = await RawClient.connect(url, 'mallory'); // a member of no room
const member = await RawClient.connect(url, 'martin');
await member.request('joined', { type: 'join', id: 'j', room: 'flood' });

let n = 0;
async function measure(label: string, client: RawClient, q: string, pipelined: number): Promise<void> {
  let pinging = true;
  let worstPing = 0;
  let pings = 0;
  const pinger = (async () => {
    while (pinging) {
      const t0 = performance.now();
      const id = `p${++n}`;
      observer.sendJson({ type: 'ping', id });
      await observer.next('pong', (f) => f.id === id, 60_000);
      worstPing = Math.max(worstPing, performance.now() - t0);
      pings++;
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
  for (const id of ids) client.sendJson({ type: 'search', id, q });
  const found = await Promise.all(ids.map((id) => client.next('results', (f) => f.id === id, 60_000)));
  const ms = performance.now() - t0;
  clearInterval(ticker);
  pinging = false;
  await pinger;
  console.log(
    `${label}: ${pipelined} search(es) answered in ${ms.toFixed(0)} ms (${found[0]?.results.length ?? 0} results, ` +
      `next ${found[0]?.next === undefined ? 'no' : 'yes'}); other client's worst ping ${worstPing.toFixed(1)} ms ` +
      `(${pings} pings); longest event-loop stall ${stall.toFixed(1)} ms`,
  );
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

for (const c of [observer, stranger, member]) c.close();
await server.close();
rmSync(dataDir, { recursive: true, force: true });
