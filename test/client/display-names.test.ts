/** The SDK's display names against a real server: setDisplayName, `client.user`, the `profile` event. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts, accountTokens, ClientError, type AccountTokens } from '../../src/client/index.ts';
import type { UserRef } from '../../src/protocol/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, waitUntil } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('SDK display names', () => {
  it('sets and clears the name; the other tab and a room peer hear it; a guest is refused', async () => {
    const accounts = new Accounts(`${server.url}/`);
    await accounts.register('sdk-names', 'correct horse battery');
    let tokens: AccountTokens = await accounts.login('sdk-names', 'correct horse battery');
    const auth = accountTokens(accounts, { get: () => tokens, set: (next) => (tokens = next) });
    const me = makeClient(server.wsUrl, 'ignored', auth);
    const tab = makeClient(server.wsUrl, 'ignored', auth);
    const guest = makeClient(server.wsUrl, 'sdk-names-guest');
    await Promise.all([me, tab, guest].map((c) => inState(c, 'connected')));
    await me.createRoom('sdk-names').catch(() => undefined);
    await me.join('sdk-names');
    await guest.join('sdk-names');
    const heard: UserRef[] = [];
    guest.on('profile', ({ user }) => heard.push(user));
    const tabHeard: UserRef[] = [];
    tab.on('profile', ({ user }) => tabHeard.push(user));

    const user = await me.setDisplayName('  Sdk   Person ');
    expect(user).toEqual({ id: me.user?.id, nick: 'sdk-names', name: 'Sdk Person' });
    expect(me.user?.name).toBe('Sdk Person');
    await waitUntil(() => heard.length > 0 && tabHeard.length > 0, { what: 'profile events' });
    expect(heard[0]?.name).toBe('Sdk Person');
    expect(tab.user?.name).toBe('Sdk Person');

    expect((await me.setDisplayName('')).name).toBeUndefined();
    expect(me.user?.name).toBeUndefined();

    const bad = await me.setDisplayName('bidi\u202e').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ClientError);
    expect(bad).toMatchObject({ code: 'display_name_invalid' });
    expect(await guest.setDisplayName('Guest').catch((e: unknown) => e)).toMatchObject({ code: 'account_required' });
  });
});
