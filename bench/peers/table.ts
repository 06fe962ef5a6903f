/** The markdown table of the figures, with the ratios Parley ÷ Socket.IO and Parley ÷ ws. */
import type { Contender } from './proc.ts';
import type { Figures, Metric } from './scenarios/types.ts';
import type { Sizes } from './sizes.ts';

export interface ServerResult {
  figures: Figures;
  lost: number;
  dups: number;
  deliveries: number;
  errors: string[];
}

const ROWS: [Metric, (s: Sizes) => string, number][] = [
  ['fanRate', (s) => `fan-out, 1 room × ${s.fanMembers}: highest rate with p99 < 100 ms (msg/s)`, 0],
  ['fanCpu', (s) => `fan-out: server CPU per delivery at ${s.fanCpuRate} msg/s (µs)`, 1],
  ['m2mRate', (s) => `many-to-many, ${s.m2mRooms} rooms × 10: highest rate per client with p99 < 100 ms (msg/s)`, 0],
  ['m2mCpu', (s) => `many-to-many: server CPU per delivery at ${s.m2mCpuRate} msg/s per client (µs)`, 1],
  ['idleKiB', (s) => `${s.idle} idle connections in rooms of 10: memory per connection (KiB)`, 1],
  ['connectRate', () => `connect (+ hello for Parley) + join: connections per second`, 0],
  ['connectCpu', () => `server CPU per connection (µs)`, 0],
  ['joinStorm', (s) => `${s.joins} clients joining one room (s)`, 2],
  ['reconnect', (s) => `${s.reconnect} clients in rooms of ${s.reconnectRoom}: SIGTERM, restart, all back (s)`, 2],
  ['restart', () => `… of which the server's own stop and start (s)`, 2],
];

const fmt = (v: number | undefined, digits: number): string =>
  v === undefined || Number.isNaN(v)
    ? '—'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !b || Number.isNaN(a) || Number.isNaN(b) ? '—' : `${(a / b).toFixed(2)}×`;

/** A rate at the top of its ladder held: the true figure is at least that (often the load generator's limit). */
function atTop(sizes: Sizes, metric: Metric, v: number | undefined): boolean {
  const ladder = metric === 'fanRate' ? sizes.fanRates : metric === 'm2mRate' ? sizes.m2mRates : [];
  return v !== undefined && ladder.length > 0 && v === ladder[ladder.length - 1];
}

/** Parley variants that get their own columns when they ran (--servers=…,parley+metrics,parley+worker). */
const VARIANTS = [
  ['parley+metrics', 'Parley, /metrics scraped each second', 'with ÷ without metrics'],
  ['parley+worker', 'Parley, SQLite writes in a worker thread', 'worker ÷ main thread'],
] as const;

export function table(sizes: Sizes, results: Partial<Record<Contender, ServerResult>>): string {
  const p = results.parley?.figures ?? {};
  const s = results.socketio?.figures ?? {};
  const w = results.ws?.figures ?? {};
  const variants = VARIANTS.flatMap(([kind, head, ratioHead]) => {
    const r = results[kind];
    return r ? [{ r, head, ratioHead }] : [];
  });
  const vHead = variants.map((v) => ` ${v.head} | ${v.ratioHead} |`).join('');
  const lines = [
    `| scenario | Parley | Socket.IO | ws, framed once | Parley ÷ Socket.IO | Parley ÷ ws |${vHead}`,
    `|---|---|---|---|---|---|${'---|---|'.repeat(variants.length)}`,
  ];
  for (const [metric, label, digits] of ROWS) {
    const cell = (f: Figures): string => `${atTop(sizes, metric, f[metric]) ? '≥ ' : ''}${fmt(f[metric], digits)}`;
    const vCells = variants.map((v) => ` ${cell(v.r.figures)} | ${ratio(v.r.figures[metric], p[metric])} |`).join('');
    lines.push(
      `| ${label(sizes)} | ${cell(p)} | ${cell(s)} | ${cell(w)} | ${ratio(p[metric], s[metric])} | ${ratio(p[metric], w[metric])} |${vCells}`,
    );
  }
  const check = (r: ServerResult | undefined): string =>
    r ? `${r.deliveries.toLocaleString('en-US')} delivered, ${r.lost} lost, ${r.dups} duplicated` : '—';
  lines.push(
    `| deliveries checked (all scenarios) | ${check(results.parley)} | ${check(results.socketio)} | ${check(results.ws)} | | |${variants.map((v) => ` ${check(v.r)} | |`).join('')}`,
  );
  return lines.join('\n');
}
