/** `parley chat`: a DM someone else writes to you in shows up, with its messages and how to reply. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeClient } from '../client/helpers.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { runCli } from './cli-process.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

it('follows a DM someone else wrote to you in and shows its messages', async () => {
  const cli = runCli(['--url', server.wsUrl, '--nick', 'ada', '--interactive']);
  await cli.waitFor('stdout', /joined #general/);
  const bob = makeClient(server.wsUrl, 'bob');
  await bob.join('general');
  const ada = (await bob.members('general')).members.find((m) => m.user.nick === 'ada');
  expect(ada).toBeDefined();
  const room = await bob.dm([ada?.user.id ?? '']);
  await bob.join(room.name);
  // Ada hears of the DM with its first message, which she then sees.
  await bob.send(room.name, 'are you there?');
  await cli.waitFor('stdout', /bob wrote to you in a direct message: \/dm bob <text> replies/);
  await cli.waitFor('stdout', /\[@bob\] <bob> are you there\?$/m);
  await bob.send(room.name, 'still there?');
  await cli.waitFor('stdout', /\[@bob\] <bob> still there\?$/m);
  // The DM is named by its person in /rooms too, never by its dm-… id.
  cli.write('/rooms\n');
  await cli.waitFor('stdout', /@bob +\(direct message\)$/m);
  expect(cli.stdout()).not.toMatch(/dm-[0-9a-f]{24}/);
  cli.write('/quit\n');
  expect(await cli.exited()).toBe(0);
  bob.close();
});

it('/dm tells a guest and an account of one name apart: asks which, then @handle reaches the account', async () => {
  const guest = makeClient(server.wsUrl, 'kim');
  await guest.join('general');
  // The name is registered while the guest holds it; both are now members called kim.
  const res = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'kim', password: 'correct horse battery' }),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const account = makeClient(server.wsUrl, 'kim', { token: accessToken });
  await account.join('general');
  const cli = runCli(['--url', server.wsUrl, '--nick', 'lee', '--interactive']);
  await cli.waitFor('stdout', /joined #general/);
  cli.write('/dm kim hello?\n');
  await cli.waitFor('stdout', /2 people are called kim; nothing sent\. Pick one:\n {2}.*\n {2}.*/);
  expect(cli.stdout()).toMatch(/@kim — \/dm @kim/);
  expect(cli.stdout()).toMatch(new RegExp(`kim \\(guest\\) — /dm id:${guest.user?.id ?? 'x'}`));
  cli.write('/dm @kim hello account\n');
  await cli.waitFor('stdout', /→ @kim: sent$/m);
  // Only the account has the DM.
  const dm = (await account.rooms()).find((r) => r.dm?.some((u) => u.nick === 'lee'));
  expect(dm?.name).toMatch(/^dm-/);
  expect((await guest.rooms()).some((r) => r.dm !== undefined)).toBe(false);
  cli.write('/quit\n');
  expect(await cli.exited()).toBe(0);
  guest.close();
  account.close();
});
