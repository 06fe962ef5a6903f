/** Runs the real `parley chat` CLI (from source: `node --import tsx src/cli.ts chat …`) as a child process with pipes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { PARLEY_CLI } from '../support/parley-cli.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

export interface CliRun {
  stdout(): string;
  stderr(): string;
  /** Writes to the CLI's stdin. */
  write(text: string): void;
  /** Writes (optionally) and closes stdin. */
  end(text?: string): void;
  /** Waits until the stream's text matches; returns the match. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The exit code; a signal counts as -1. */
  exited(timeoutMs?: number): Promise<number>;
  signal(signal: NodeJS.Signals): void;
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [...PARLEY_CLI, 'chat', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exit = new Promise<number>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code ?? -1);
    }),
  );
  const describe = () => `\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`;
  return {
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    write: (text) => child.stdin.write(text),
    end: (text) => child.stdin.end(text),
    async waitFor(stream, pattern, timeoutMs = 15_000) {
      try {
        return await waitUntil(() => pattern.exec(out[stream]), { timeoutMs, what: `${stream} ${pattern}` });
      } catch (err) {
        throw new Error(`${(err as Error).message}${describe()}`, { cause: err });
      }
    },
    exited: (timeoutMs = 15_000) =>
      withDeadline(exit, timeoutMs, 'the CLI to exit').catch((err: Error) => {
        throw new Error(`${err.message}${describe()}`, { cause: err });
      }),
    signal: (signal) => child.kill(signal),
  };
}
