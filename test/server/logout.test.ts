/**
 * Logout that really revokes, over real HTTP and WebSocket: a login is a session (a refresh-token
 * family); ending it closes its sockets with 4411, refuses its access tokens at the handshake and
 * its refresh tokens, and leaves the user's other sessions alone. A replayed refresh token ends
 * all of the user's sessions, sockets included. The SDK stops on 4411.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient, type WebSocketConstructor } from '../../src/client/index.ts';
import { CLOSE } from '../../src/protocol/index.ts';
import { statusOf, tryUpgrade } from '../security/upgrade.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const PASSWORD = 'correct horse battery';
let server: TestServer;
const raws: RawClient[] = [];
const clients: ParleyClient[] = [];
let n = 0;

interface Grant {
  accessToken: string;
  refreshToken: string;
  user: { id: string; nick: string };
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A new account; its first login session comes with the registration. */
async function register(): Promise<Grant> {
  const res = await post('/api/auth/register', { username: `out${++n}`, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Grant;
}

/** Another login session of the same user (another device). */
async function login(username: string): Promise<Grant> {
  const res = await post('/api/auth/login', { username, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Grant;
}

/** A socket that completed hello with this access token. */
async function connect(grant: { accessToken: string }): ReturnType<typeof RawClient.connect> {
  const raw = await RawClient.connect(`${server.wsUrl}?token=${encodeURIComponent(grant.accessToken)}`, 'ignored');
  raws.push(raw);
  return raw;
}

/** The HTTP status of the upgrade with this token (101 when a socket opened). */
async function upgradeStatus(token: string): Promise<number> {
  return statusOf(await tryUpgrade(`${server.wsUrl}?token=${encodeURIComponent(token)}`));
}

/** Still served: a ping is answered. */
async function alive(raw: RawClient): Promise<boolean> {
  const id = `p${++n}`;
  raw.sendJson({ type: 'ping', id });
  return (await raw.next('pong', (f) => f.id === id)).id === id;
}

const closeCode = async (raw: RawClient) => (await withDeadline(raw.closed, 5_000, 'socket close')).code;

beforeAll(async () => {
  server = await startServer({ args: ['--guests', 'off'] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const r of raws) r.ws.terminate();
  await server.dispose();
});

describe('logout ends the login session', () => {
  it('closes that session’s live socket with 4411, its access token gets 401, another session of the user keeps going', async () => {
    const phone = await register();
    const laptop = await login(phone.user.nick);
    const [phoneSock, laptopSock] = await Promise.all([connect(phone), connect(laptop)]);
    expect(phoneSock.welcome.user).toEqual(laptopSock.welcome.user);

    expect(await post('/api/auth/logout', { refreshToken: phone.refreshToken })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await closeCode(phoneSock)).toBe(CLOSE.session_revoked);
    // The access token has minutes to live, but its session is over: refused before any socket.
    expect(await upgradeStatus(phone.accessToken)).toBe(401);
    // The refresh token of the logged-out session is refused, and refusing it ends nothing else.
    expect(await post('/api/auth/refresh', { refreshToken: phone.refreshToken })).toMatchObject({
      status: 401,
      body: { error: 'refresh_invalid' },
    });

    // The other device: its socket stays and works, and it can refresh and reconnect.
    expect(await alive(laptopSock)).toBe(true);
    laptopSock.sendJson({ type: 'join', id: 'j', room: 'general' });
    await laptopSock.next('joined');
    laptopSock.sendJson({ type: 'send', id: 's', room: 'general', kind: 'text', body: 'still here' });
    expect(await laptopSock.next('ack')).toMatchObject({ id: 's' });
    const renewed = await post('/api/auth/refresh', { refreshToken: laptop.refreshToken });
    expect(renewed.status).toBe(200);
    expect(await upgradeStatus(renewed.body['accessToken'] as string)).toBe(101);
    expect(await upgradeStatus(laptop.accessToken)).toBe(101);
  });

  it('ends the session whose refresh token was rotated: every access token it issued is refused', async () => {
    const grant = await register();
    const first = await connect(grant);
    const next = await post('/api/auth/refresh', { refreshToken: grant.refreshToken });
    const second = await connect({ accessToken: next.body['accessToken'] as string });
    // Logout with the newest refresh token ends the family: sockets opened with old and new access tokens.
    await post('/api/auth/logout', { refreshToken: next.body['refreshToken'] });
    expect(await Promise.all([closeCode(first), closeCode(second)])).toEqual([4411, 4411]);
    expect(await upgradeStatus(grant.accessToken)).toBe(401);
    expect(await upgradeStatus(next.body['accessToken'] as string)).toBe(401);
    // Logging out again, or with an unknown token, is not an error.
    expect((await post('/api/auth/logout', { refreshToken: next.body['refreshToken'] })).status).toBe(200);
    expect((await post('/api/auth/logout', { refreshToken: 'never-issued' })).status).toBe(200);
  });

  it('with {"all": true} ends every session of the user, and no one else’s', async () => {
    const a1 = await register();
    const a2 = await login(a1.user.nick);
    const other = await register();
    const [s1, s2, so] = await Promise.all([connect(a1), connect(a2), connect(other)]);
    expect((await post('/api/auth/logout', { refreshToken: a1.refreshToken, all: true })).status).toBe(200);
    expect(await Promise.all([closeCode(s1), closeCode(s2)])).toEqual([4411, 4411]);
    expect(await upgradeStatus(a2.accessToken)).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: a2.refreshToken })).status).toBe(401);
    expect(await alive(so)).toBe(true);
    expect(await upgradeStatus(other.accessToken)).toBe(101);
    // A new login of the same user starts a fresh session.
    expect(await upgradeStatus((await login(a1.user.nick)).accessToken)).toBe(101);
  });

  it('validates the logout body', async () => {
    expect((await post('/api/auth/logout', { refreshToken: 'x', all: 'yes' })).status).toBe(400);
    // Without a token the body means the browser's cookie (auth-cookie.test.ts): no Origin, refused.
    expect((await post('/api/auth/logout', {})).status).toBe(403);
  });
});

describe('a replayed refresh token', () => {
  it('ends every session of the user and closes their sockets', async () => {
    const stolen = await register();
    const elsewhere = await login(stolen.user.nick);
    const rotated = await post('/api/auth/refresh', { refreshToken: stolen.refreshToken });
    const [s1, s2] = await Promise.all([
      connect({ accessToken: rotated.body['accessToken'] as string }),
      connect(elsewhere),
    ]);
    // The used token comes back (a thief, or the victim after the thief): refused, and everything ends.
    expect(await post('/api/auth/refresh', { refreshToken: stolen.refreshToken })).toMatchObject({
      status: 401,
      body: { error: 'refresh_invalid' },
    });
    expect(await Promise.all([closeCode(s1), closeCode(s2)])).toEqual([4411, 4411]);
    expect(await upgradeStatus(elsewhere.accessToken)).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: rotated.body['refreshToken'] })).status).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: elsewhere.refreshToken })).status).toBe(401);
  });
});

describe('the SDK', () => {
  it('does not reconnect after 4411: it reports session_revoked and stays closed', async () => {
    const grant = await register();
    let sockets = 0;
    // Counts every connection attempt the client makes.
    class CountingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets++;
      }
    }
    let refreshes = 0;
    const client = createClient({
      url: server.wsUrl,
      nick: 'ignored',
      WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
      token: grant.accessToken,
      refresh: async () => {
        refreshes++;
        const res = await post('/api/auth/refresh', { refreshToken: grant.refreshToken });
        return res.body['accessToken'] as string;
      },
      backoff: { minMs: 10, maxMs: 20 },
    });
    clients.push(client);
    const errors: string[] = [];
    const closes: (number | undefined)[] = [];
    client.on('error', (e) => errors.push(e.code));
    client.on('state', (s) => {
      if (s.state === 'closed') closes.push(s.code);
    });
    await client.join('general');
    expect(sockets).toBe(1);

    await post('/api/auth/logout', { refreshToken: grant.refreshToken });
    await waitUntil(() => client.state === 'closed', { what: 'the client closed' });
    expect(errors).toEqual(['session_revoked']);
    expect(closes).toEqual([CLOSE.session_revoked]);
    await expect(client.send('general', 'after logout')).rejects.toMatchObject({ code: 'closed' });
    // Another client's full round trip later: with a 10–20 ms backoff a reconnect would have happened by now.
    const witness = await register();
    expect(await alive(await connect(witness))).toBe(true);
    expect(sockets).toBe(1);
    expect(refreshes).toBe(0);
    expect(client.state).toBe('closed');
  });
});
