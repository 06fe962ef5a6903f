/**
 * The servers under test, each in its own process pinned to core 0 (taskset, where it exists), and
 * what the load generator reads about them from /proc: CPU time and resident memory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The wire protocol a server speaks (the load generator's side). */
export type ServerKind = 'parley' | 'socketio' | 'ws';
/**
 * What is measured: the three servers; Parley again with `/metrics` on and scraped every second;
 * Parley with its SQLite writes in a worker thread (`--sqlite-worker on`; pinned to one core, the
 * default `auto` writes on the main thread).
 */
export type Contender = ServerKind | 'parley+metrics' | 'parley+worker';
export const KINDS: readonly Contender[] = ['parley', 'socketio', 'ws'];
export const CONTENDERS: readonly Contender[] = [...KINDS, 'parley+metrics', 'parley+worker'];
export const kindOf = (c: Contender): ServerKind => (c.startsWith('parley') ? 'parley' : (c as ServerKind));
const SCRAPE_MS = 1_000;

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const HAS_TASKSET = has('taskset', ['-V']);
const CLK_TCK = Number(has('getconf', ['CLK_TCK']) ? execFileSync('getconf', ['CLK_TCK']).toString() : 100) || 100;

/** Pins this process (all its threads) to one core: the load generator runs on core 1. */
export function pinSelf(core: number): void {
  if (HAS_TASKSET) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** User + system CPU time of a process, in ms (resolution: one clock tick, 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** Write syscalls a process has made (`syscw` in /proc/<pid>/io; 0 where it cannot be read). */
export function writeCalls(pid: number): number {
  try {
    return Number(/syscw:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** Parley with the limits a load test from one address trips raised — the set bench/run.ts raises. */
const PARLEY_RAISED = [
  '--ip-connects-per-sec',
  '--ip-connects-burst',
  '--max-connections-per-ip',
  '--conn-frames-per-sec',
  '--conn-frames-burst',
  '--conn-writes-per-sec',
  '--conn-writes-burst',
  '--user-writes-per-sec',
  '--user-writes-burst',
].flatMap((flag) => [flag, '100000']);

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ServerProc {
  readonly kind: ServerKind;
  readonly port: number;
  pid(): number;
  cpuMs(): number;
  rssKiB(): number;
  /** Write syscalls so far (0 where /proc/<pid>/io cannot be read). */
  writeCalls(): number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port (and for Parley the same data dir). */
  start(): Promise<void>;
  /** Stop and remove the data dir. */
  dispose(): Promise<void>;
}

let built = false;

/** dist/ as new as src/ (a no-op when it already is). */
function buildParley(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale', '--skip-web'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export async function startServer(contender: Contender, rooms: number): Promise<ServerProc> {
  const kind = kindOf(contender);
  if (kind === 'parley') buildParley();
  const metrics = contender === 'parley+metrics';
  const port = await freePort();
  const dataDir = kind === 'parley' ? mkdtempSync(join(tmpdir(), 'parley-peers-')) : null;
  const args = (): string[] => {
    if (kind === 'parley') {
      const names = Array.from({ length: Math.max(1, rooms) }, (_, i) => `r${i}`).join(',');
      return [
        'bin/parley.js',
        'serve',
        ...['--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir ?? ''],
        ...['--web-dir', 'none', '--log-level', 'warn', '--default-rooms', names],
        ...PARLEY_RAISED,
        ...(metrics ? ['--metrics', 'on'] : []),
        ...(contender === 'parley+worker' ? ['--sqlite-worker', 'on'] : []),
      ];
    }
    return [`bench/peers/servers/${kind === 'ws' ? 'plain-ws' : 'socketio'}.ts`, String(port)];
  };
  let child: ChildProcess | null = null;
  // A Prometheus-like scraper (real ones scrape every 15–60 s): its cost lands in the server's CPU figures.
  let scraper: NodeJS.Timeout | undefined;
  const scrape = (): void => {
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then((r) => r.text())
      .catch(() => {});
  };
  const start = async (): Promise<void> => {
    // BENCH_PROFILE=<dir>: a V8 CPU profile of each Parley server process, written when it exits.
    const prof = process.env['BENCH_PROFILE'];
    const profile = kind === 'parley' && prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
    // Parley as it runs in production, from dist/ (tsx would add a naming call to every named function).
    const loader = kind === 'parley' ? [] : ['--import', 'tsx'];
    const node = [process.execPath, ...profile, ...loader, ...args()];
    const [cmd, ...rest] = HAS_TASKSET ? ['taskset', '-c', '0', ...node] : node;
    const c = spawn(cmd ?? process.execPath, rest, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let err = '';
    c.stderr?.on('data', (d: Buffer) => (err = (err + String(d)).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}: no start in 30 s\n${err}`)), 30_000);
      let out = '';
      c.stdout?.on('data', (d: Buffer) => {
        out += String(d);
        if (/running on|listening/.test(out)) {
          clearTimeout(timer);
          if (metrics) scraper = setInterval(scrape, SCRAPE_MS);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${kind} exited (${code}) before listening\n${err}`));
      });
    });
  };
  const stop = async (): Promise<void> => {
    clearInterval(scraper);
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  const pid = (): number => child?.pid ?? 0;
  return {
    kind,
    port,
    pid,
    cpuMs: () => cpuMs(pid()),
    rssKiB: () => rssKiB(pid()),
    writeCalls: () => writeCalls(pid()),
    stop,
    start,
    async dispose() {
      await stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
