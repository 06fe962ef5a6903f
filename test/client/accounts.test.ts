/** The SDK's accounts over HTTP against a real server: sign-in, rotation, sign-out, and the errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountError, Accounts, accountTokens, type AccountTokens } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('SDK accounts', () => {
  it('registers, signs in, rotates the refresh token, and signs out', async () => {
    const accounts = new Accounts(`${server.url}/`);
    expect(await accounts.guestsAllowed()).toBe(true);
    const made = await accounts.register('sdk-accounts', 'correct horse battery');
    expect(made.user.nick).toBe('sdk-accounts');
    let tokens: AccountTokens = await accounts.login('sdk-accounts', 'correct horse battery');
    expect(tokens.user.id).toBe(made.user.id);

    const client = makeClient(server.wsUrl, 'ignored', {
      ...accountTokens(accounts, { get: () => tokens, set: (next) => (tokens = next) }),
    });
    await inState(client, 'connected');
    expect(client.user?.id).toBe(made.user.id);
    client.close();

    // Each refresh answers with a new refresh token; after sign-out it is refused.
    const old = tokens.refreshToken;
    const rotated = await accounts.refresh(old);
    expect(rotated.refreshToken).not.toBe(old);
    await accounts.logout(rotated.refreshToken);
    const refused = await accounts.refresh(rotated.refreshToken).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AccountError);
    expect(refused).toMatchObject({ code: 'refresh_invalid', status: 401, retryable: false });
  });

  it('says what went wrong: a refused sign-in, no server, and signed out meanwhile', async () => {
    const accounts = new Accounts(server.url);
    const wrong = await accounts.login('sdk-nobody', 'not the password').catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'credentials_invalid', status: 401 });
    expect((wrong as AccountError).detail).toBe((wrong as AccountError).message);

    const away = await new Accounts('http://127.0.0.1:1').login('a', 'b').catch((e: unknown) => e);
    expect(away).toMatchObject({
      code: 'network',
      status: 0,
      retryable: true,
      url: 'http://127.0.0.1:1/api/auth/login',
    });

    const empty = accountTokens(accounts, { get: () => undefined, set: () => undefined });
    expect(() => empty.token()).toThrow('signed out');
    await expect(empty.refresh()).rejects.toThrow('signed out');
  });
});
