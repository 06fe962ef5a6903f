/** Starts the real server as a child process on 127.0.0.1, port 0, with a temporary database. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARLEY_CLI } from './parley-cli.ts';
import { withDeadline } from './wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** The server child's process id (e.g. to read /proc/<pid>/status). */
  pid(): number;
  /** Everything the server printed (stdout and stderr), for debugging failures. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: no graceful shutdown. */
  kill(): Promise<void>;
  /** Stop (or kill) and start again on the same port and database. */
  restart(opts?: { kill?: boolean }): Promise<void>;
  /** Stop and delete the database. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Extra CLI flags, e.g. ['--heartbeat-ms', '500']. */
  args?: string[];
  /** Serve the built web app (dist/web); off by default. */
  web?: boolean;
  dataDir?: string;
  /**
   * Keep the abuse limits at their defaults. Off by default: tests open crowds of clients from
   * 127.0.0.1 and send fast, so the harness raises the per-IP and rate limits through environment
   * variables (flags in `args` still win).
   */
  defaultLimits?: boolean;
}

/** Limits raised for tests that are not about limits (environment: any flag overrides it). */
const RELAXED_LIMITS: Record<string, string> = {
  PARLEY_CONN_FRAMES_PER_SEC: '100000',
  PARLEY_CONN_FRAMES_BURST: '100000',
  PARLEY_CONN_WRITES_PER_SEC: '100000',
  PARLEY_CONN_WRITES_BURST: '100000',
  PARLEY_USER_WRITES_PER_SEC: '100000',
  PARLEY_USER_WRITES_BURST: '100000',
  PARLEY_IP_CONNECTS_PER_SEC: '100000',
  PARLEY_IP_CONNECTS_BURST: '100000',
  PARLEY_MAX_CONNECTIONS_PER_IP: '100000',
  PARLEY_MAX_CONNECTIONS_PER_USER: '1000',
  PARLEY_MAX_ROOMS_PER_USER: '100000',
  PARLEY_AUTH_IP_PER_MIN: '100000',
  PARLEY_AUTH_IP_BURST: '100000',
  PARLEY_LOGIN_FAILURES_PER_MIN: '100000',
  PARLEY_LOGIN_FAILURES_BURST: '100000',
  PARLEY_LOGIN_USERNAME_PER_MIN: '100000',
  PARLEY_LOGIN_USERNAME_BURST: '100000',
  PARLEY_IP_UPLOADS_PER_MIN: '100000',
  PARLEY_IP_UPLOADS_BURST: '100000',
  PARLEY_MAX_HTTP_CONNECTIONS_PER_IP: '100000',
};

function spawnServer(
  port: number,
  dataDir: string,
  opts: StartOptions,
  log: string[],
): { child: ChildProcess; port: Promise<number> } {
  const args = [...PARLEY_CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir];
  if (!opts.web) args.push('--web-dir', 'none');
  args.push('--log-level', process.env['PARLEY_TEST_LOG'] ?? 'warn', ...(opts.args ?? []));
  const env = opts.defaultLimits ? process.env : { ...RELAXED_LIMITS, ...process.env };
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const bound = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      const text = d.toString();
      log.push(text);
      const m = /running on https?:\/\/localhost:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${log.join('')}`)));
  });
  return { child, port: withDeadline(bound, 20_000, 'server start') };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return withDeadline(new Promise<void>((r) => child.once('exit', () => r())), 15_000, 'server exit');
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const log: string[] = [];
  let current = spawnServer(0, dataDir, opts, log);
  const port = await current.port;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    current.child.kill(signal);
    await exited(current.child);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    dataDir,
    pid: () => current.child.pid ?? 0,
    output: () => log.join(''),
    stop: () => stop('SIGTERM'),
    kill: () => stop('SIGKILL'),
    async restart(o = {}) {
      await stop(o.kill ? 'SIGKILL' : 'SIGTERM');
      current = spawnServer(port, dataDir, opts, log);
      await current.port;
    },
    async dispose() {
      await stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
