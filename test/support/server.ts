/**
 * Starts the real server on 127.0.0.1, port 0, with a temporary database: in the test's own process
 * by default (createParleyServer with options resolved from the same flags and environment the CLI
 * reads), or as a child process (`parley serve`) for tests that need one (SIGKILL, /proc/<pid>, exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { createParleyServer, resolveOptions, type ParleyServer } from '../../src/server/index.ts';
import { PARLEY_CLI } from './parley-cli.ts';
import { withDeadline } from './wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** The server child's process id (e.g. to read /proc/<pid>/status); needs `process: true`. */
  pid(): number;
  /** Everything the server printed or logged (a child: stdout and stderr), for debugging failures. */
  output(): string;
  /** Graceful stop (a child: SIGTERM) and wait for it to finish. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: no graceful shutdown. Needs `process: true`. */
  kill(): Promise<void>;
  /** Stop (or kill, with `process: true`) and start again on the same port and database. */
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
  /**
   * Run `parley serve` as a child process instead of in this one: for tests that SIGKILL it, read
   * /proc/<pid>, or depend on its own process (exit, signals, crash handling, memory, event loop).
   */
  process?: boolean;
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

/** The `parley serve` flags for a test server: the same in a child and in process. */
function serveArgs(port: number, dataDir: string, opts: StartOptions): string[] {
  const args = ['--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir];
  if (!opts.web) args.push('--web-dir', 'none');
  args.push('--log-level', process.env['PARLEY_TEST_LOG'] ?? 'warn', ...(opts.args ?? []));
  return args;
}

/** The environment the server reads its options from (never written to process.env). */
function serveEnv(opts: StartOptions): NodeJS.ProcessEnv {
  return opts.defaultLimits ? process.env : { ...RELAXED_LIMITS, ...process.env };
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const log: string[] = [];
  const node = opts.process ? await startChild(dataDir, opts, log) : await startInProcess(dataDir, opts, log);
  return {
    url: `http://127.0.0.1:${node.port}`,
    wsUrl: `ws://127.0.0.1:${node.port}/ws`,
    port: node.port,
    dataDir,
    pid: () => node.pid(),
    output: () => log.join(''),
    stop: () => node.stop(false),
    kill: () => node.stop(true),
    async restart(o = {}) {
      await node.stop(o.kill ?? false);
      await node.start();
    },
    async dispose() {
      await node.stop(false);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One server node, started once on port 0 and again on its bound port after each stop. */
interface Node {
  readonly port: number;
  pid(): number;
  stop(kill: boolean): Promise<void>;
  start(): Promise<void>;
}

const needsProcess = (what: string): Error =>
  new Error(`startServer({ process: true }) is needed for ${what}: this server runs in the test's process`);

/** createParleyServer in this process, its log lines kept in `log`. */
async function startInProcess(dataDir: string, opts: StartOptions, log: string[]): Promise<Node> {
  const env = serveEnv(opts);
  const create = (port: number): ParleyServer => {
    const resolved = resolveOptions(serveArgs(port, dataDir, opts), env);
    // The child runs in the checkout: a relative web dir (the default, dist/web) is read from there.
    const options = { ...resolved, webDir: resolved.webDir === null ? null : resolve(ROOT, resolved.webDir) };
    const logger = pino({ level: options.logLevel, base: { service: 'parley' } }, { write: (line) => log.push(line) });
    return createParleyServer({ options, logger });
  };
  const listen = async (server: ParleyServer): Promise<number> => {
    try {
      return await withDeadline(server.listen(), 20_000, 'server start');
    } catch (err) {
      // Nothing of a server that failed to start may outlive it (a handle would hold the worker).
      await server.close().catch(() => undefined);
      throw err;
    }
  };
  let current = create(0);
  const port = await listen(current);
  return {
    port,
    pid() {
      throw needsProcess('pid');
    },
    async stop(kill) {
      if (kill) throw needsProcess('kill');
      await withDeadline(current.close(), 15_000, 'server close');
    },
    async start() {
      current = create(port);
      await listen(current);
    },
  };
}

/** `parley serve` as a child process: stdout and stderr kept in `log`. */
async function startChild(dataDir: string, opts: StartOptions, log: string[]): Promise<Node> {
  let current = spawnServer(0, dataDir, opts, log);
  const port = await current.port;
  return {
    port,
    pid: () => current.child.pid ?? 0,
    async stop(kill) {
      current.child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exited(current.child);
    },
    async start() {
      current = spawnServer(port, dataDir, opts, log);
      await current.port;
    },
  };
}

function spawnServer(
  port: number,
  dataDir: string,
  opts: StartOptions,
  log: string[],
): { child: ChildProcess; port: Promise<number> } {
  const args = [...PARLEY_CLI, 'serve', ...serveArgs(port, dataDir, opts)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: serveEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
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
