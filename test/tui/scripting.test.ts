/** `parley chat` for scripts: piped lines (script mode), `--tail` JSON lines, and the exit codes 0 and 1. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/client/index.ts';
import { makeClient, waitUntil } from '../client/helpers.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { runCli } from './cli-process.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

const texts = (events: readonly RoomEvent[], nick: string) =>
  events.filter((e) => e.kind === 'text' && e.sender.nick === nick).map((e) => e.body);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

describe('script mode (stdin is not a terminal)', () => {
  it('sends each piped line once acked, exits 0, and another client receives them', async () => {
    const bob = makeClient(server.wsUrl, 'bob');
    await bob.createRoom('ops');
    await bob.join('ops');
    const cli = runCli(['--url', server.wsUrl, '--nick', 'deploybot', '--room', 'ops']);
    cli.end('deploy done\nsecond line\n\n  indented third\n');
    expect(await cli.exited()).toBe(0);
    expect(cli.stdout()).toBe('');
    // Exit 0 comes after every ack, and an ack after the commit: the log already holds them all.
    const page = await bob.history('ops', { limit: 50 });
    expect(texts(page.events, 'deploybot')).toEqual(['deploy done', 'second line', '  indented third']);
    await waitUntil(() => texts(bob.seen.room('ops'), 'deploybot').length === 3, { what: 'live delivery to bob' });
    expect(texts(bob.seen.room('ops'), 'deploybot')).toEqual(['deploy done', 'second line', '  indented third']);
  });

  it('stops at a refused line with exit 1, naming it; earlier lines stay stored, later ones are not sent', async () => {
    const bob = makeClient(server.wsUrl, 'bob2');
    await bob.createRoom('strict');
    await bob.join('strict');
    const cli = runCli(['--url', server.wsUrl, '--nick', 'chatty', '--room', 'strict']);
    cli.end(`first\n${'x'.repeat(4001)}\nnever\n`);
    expect(await cli.exited()).toBe(1);
    expect(cli.stderr()).toMatch(/line 2 refused: .*4000/);
    const page = await bob.history('strict', { limit: 50 });
    expect(texts(page.events, 'chatty')).toEqual(['first']);
  });

  it('signs in with --user and --password-env: messages carry the account', async () => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'opsuser', password: 'correct horse battery' }),
    });
    expect(res.status).toBe(200);
    const { user } = (await res.json()) as { user: { id: string } };
    const cli = runCli(['--url', server.wsUrl, '--user', 'opsuser', '--password-env', 'OPS_PW'], {
      OPS_PW: 'correct horse battery',
    });
    cli.end('signed in\n');
    expect(await cli.exited()).toBe(0);
    const bob = makeClient(server.wsUrl, 'bob3');
    await bob.join('general');
    const page = await bob.history('general', { limit: 50 });
    expect(page.events.find((e) => e.body === 'signed in')?.sender).toEqual({ id: user.id, nick: 'opsuser' });

    const wrong = runCli(['--url', server.wsUrl, '--user', 'opsuser', '--password-env', 'OPS_PW'], {
      OPS_PW: 'wrong password!!',
    });
    wrong.end('never\n');
    expect(await wrong.exited()).toBe(1);
    expect(wrong.stderr()).toMatch(/sign-in refused/);
  });

  it('exits 1 when the server refuses the handshake (a forged token: HTTP 401), without waiting out --timeout', async () => {
    const cli = runCli(['--url', server.wsUrl, '--token', 'not.a.jwt', '--timeout', '120']);
    cli.end('never\n');
    expect(await cli.exited()).toBe(1);
    expect(cli.stderr()).toMatch(/refused by .*HTTP 401/);
  });

  it('exits 1 when nothing answers within --timeout', async () => {
    const port = await closedPort();
    const cli = runCli(['--url', `ws://127.0.0.1:${port}/ws`, '--nick', 'lonely', '--timeout', '1']);
    cli.end('never\n');
    expect(await cli.exited()).toBe(1);
    expect(cli.stderr()).toMatch(/could not connect to .* within 1 s \(.*ECONNREFUSED/);
  });
});

describe('--tail', () => {
  it("prints another client's messages as JSON lines, one event per line, and exits 0 on SIGINT", async () => {
    const bob = makeClient(server.wsUrl, 'tailbob');
    await bob.createRoom('builds');
    await bob.join('builds');
    const cli = runCli(['--url', server.wsUrl, '--nick', 'watcher', '--room', 'builds', '--tail']);
    await cli.waitFor('stderr', /following #builds/);
    const ack = await bob.send('builds', 'build 42 is green\n(all tests passed)');
    await bob.react('builds', ack.seq, '🎉');
    await cli.waitFor('stdout', /"kind":"react".*\n/);
    const events = cli
      .stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as RoomEvent);
    expect(events.map((e) => e.kind)).toEqual(['text', 'react']);
    expect(events[0]).toMatchObject({
      room: 'builds',
      seq: ack.seq,
      kind: 'text',
      body: 'build 42 is green\n(all tests passed)',
      sender: { nick: 'tailbob' },
    });
    expect(events[1]).toMatchObject({ kind: 'react', ref: ack.seq, body: '🎉' });
    cli.signal('SIGINT');
    expect(await cli.exited()).toBe(0);
  });
});
