/**
 * The last resort (src/server/crash.ts): a failure that escapes every guard is logged, the
 * server drains as on SIGTERM (sockets closed with 1001) and the
 * process exits with status 1 so a supervisor restarts it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { withDeadline } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function crashAfterAMessage(trigger: 'throw' | 'reject'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-fixture.ts', dataDir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await withDeadline(
    new Promise<number>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /ready (\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      });
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    }),
    20_000,
    'the fixture server',
  );
  try {
    const client = await RawClient.connect(`ws://127.0.0.1:${port}/ws`, 'ada');
    await client.request('joined', { type: 'join', id: 'j', room: 'general' });
    const ack = await client.request('ack', {
      type: 'send',
      id: 's',
      room: 'general',
      cid: 'c1',
      kind: 'text',
      body: 'before',
    });

    child.stdin.write(`${trigger}\n`);
    const closed = await withDeadline(client.closed, 15_000, 'the drain to close the socket');
    expect(closed.code).toBe(CLOSE.going_away);
    expect(await withDeadline(exited, 15_000, 'the process to exit')).toBe(1);
    expect(output).toContain(trigger === 'throw' ? 'planted failure' : 'planted rejection');
    expect(output).toContain(`"kind":"${trigger === 'throw' ? 'uncaughtException' : 'unhandledRejection'}"`);
    expect(ack.seq).toBeGreaterThan(0);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('a failure that escapes every guard', () => {
  it('is logged, drains like SIGTERM (1001) and exits with status 1: an exception', async () => {
    await crashAfterAMessage('throw');
  });

  it('is logged, drains like SIGTERM (1001) and exits with status 1: a rejection', async () => {
    await crashAfterAMessage('reject');
  });
});
