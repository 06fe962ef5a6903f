/**
 * `npm run bench -- --peers`: Parley against Socket.IO 4.8 and a plain framed-once `ws` server,
 * each in its own process on core 0, this load generator on core 1 (docs/performance.md).
 * Options: BENCH_SCALE=full (the sizes) or tiny; --servers=parley,ws (parley+metrics: /metrics on, scraped each second; parley+worker: --sqlite-worker on); --scenarios=fan-out,idle
 * (names: fan-out, many-to-many, idle, join storm, reconnect storm); BENCH_PROFILE=<dir>: CPU profiles of Parley.
 */
import { loadavg } from 'node:os';
import { HAS_TASKSET, KINDS, pinSelf, type Contender } from './proc.ts';
import { pickSizes } from './sizes.ts';
import { runPeers } from './suite.ts';
import { table } from './table.ts';

const arg = (name: string): string[] | undefined =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');

pinSelf(1);
const sizes = pickSizes(process.env['BENCH_SCALE']);
const kinds = (arg('servers') as Contender[] | undefined) ?? KINDS;
const load0 = loadavg();
const t0 = Date.now();
console.log(
  `peers: ${kinds.join(', ')}; servers ${HAS_TASKSET ? 'pinned to core 0, load generator to core 1' : 'not pinned (no taskset)'}; ` +
    `load average ${load0.map((l) => l.toFixed(2)).join(' ')}`,
);
const results = await runPeers({ sizes, kinds, scenarios: arg('scenarios') });
const load1 = loadavg();
console.log(
  `\n${new Date().toISOString().slice(0, 10)}, ${((Date.now() - t0) / 1000).toFixed(0)} s, Node ${process.version}, ` +
    `load average before ${load0[0]?.toFixed(2)}, after ${load1.map((l) => l.toFixed(2)).join(' ')}\n`,
);
console.log(table(sizes, results));
for (const kind of kinds) for (const e of results[kind]?.errors ?? []) console.log(`${kind}: ${e}`);
const bad = kinds.some((k) => (results[k]?.lost ?? 1) !== 0 || (results[k]?.dups ?? 1) !== 0);
if (bad) process.exitCode = 1;
