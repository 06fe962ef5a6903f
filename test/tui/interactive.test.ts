/**
 * `parley chat --interactive` over pipes (the same code as on a terminal, without the prompt):
 * typed lines and commands, rendering, reconnecting, and hostile text printed harmlessly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { makeClient, next } from '../client/helpers.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { runCli } from './cli-process.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

/** Screen-rewriting codes a message might try: clear screen, home, window title, colours, 8-bit CSI, backspaces, a bidi override. */
const HOSTILE = '\u001b[2J\u001b[Hred \u001b]0;pwned title\u0007\u001b[31malert\u001b[0m \u009b2Jdone\b\b \u202eevil';

it('sends typed lines, runs commands, shows others’ messages with time and sender, and survives a restart', async () => {
  const bob = makeClient(server.wsUrl, 'bob');
  await bob.join('general');
  const cli = runCli(['--url', server.wsUrl, '--nick', 'ada', '--interactive']);
  await cli.waitFor('stdout', /joined #general/);

  // A typed line is sent to the current room.
  cli.write('hi bob\n');
  const mine = await next(bob, 'event', (e) => e.kind === 'text' && e.body === 'hi bob');
  expect(mine.sender.nick).toBe('ada');

  // Incoming: time, sender, body; a second line is indented so it cannot pose as another message.
  await bob.send('general', 'hello ada\n12:00 <root> trust me');
  await cli.waitFor('stdout', /^\d\d:\d\d <bob> hello ada\n {12}12:00 <root> trust me$/m);

  cli.write('/who\n');
  await cli.waitFor('stdout', /online in #general \(2\): ada, bob/);
  cli.write('/create ops Operations\n');
  await cli.waitFor('stdout', /joined #ops — Operations/);
  cli.write('/rooms\n');
  await cli.waitFor('stdout', /^\* #general\s*$\n^> #ops\s+Operations$/m);
  cli.write('/join general\n/history 3\n');
  await cli.waitFor(
    'stdout',
    /-- last 3 events of #general; earlier events exist --\n.*→ ada joined #general\n.*<ada> hi bob\n.*<bob> hello ada\n {12}12:00/,
  );
  cli.write('/dm bob\n/dm bob psst, bob\n');
  await cli.waitFor('stdout', /usage: \/dm <@handle \| nick \| id:user-id> <text>\n(.|\n)*→ bob \(guest\): sent$/m);
  // Bob has the DM in his room list (his user log told him) with ada's message in it.
  const dm = (await bob.rooms()).find((r) => r.dm?.some((u) => u.nick === 'ada'));
  expect(dm?.name).toMatch(/^dm-/);
  await bob.join(dm?.name ?? '');
  const texts = (await bob.history(dm?.name ?? '')).events.filter((e) => e.kind === 'text');
  expect(texts.map((e) => [e.sender.nick, e.body])).toEqual([['ada', 'psst, bob']]);
  // Bob answers in the DM: the terminal shows it.
  await bob.send(dm?.name ?? '', 'got it, ada');
  await cli.waitFor('stdout', /\[@bob\] <bob> got it, ada$/m);
  cli.write('/frobnicate\n');
  await cli.waitFor('stdout', /unknown command \/frobnicate/);

  // The server goes away: the client says so, and reconnects when it is back.
  await server.stop();
  await cli.waitFor('stdout', /connection lost.*; reconnecting in \d+ (ms|s)…/);
  // Meanwhile a message bypasses the server's input hygiene (written straight to the log, as an
  // older server or an import might have): the terminal still must not execute it.
  const store = new SqliteStore(server.dataDir);
  await store.append({ room: 'general', sender: bob.user!, kind: 'text', body: HOSTILE });
  await store.close();
  await server.restart();
  await cli.waitFor('stdout', /^connected$/m, 30_000);
  // Resume replays what was missed, including the hostile message, with every code removed.
  await cli.waitFor('stdout', /<bob> red alert done evil$/m);
  // stdout is a pipe (no colours), so no escape or control byte has any business in it.
  // eslint-disable-next-line no-control-regex
  expect(cli.stdout()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);

  cli.write('/quit\n');
  expect(await cli.exited()).toBe(0);
}, 60_000);
