/** Accounts and tokens over real HTTP and WebSocket: register, login, refresh, logout, handshake, expiry. */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ParleyClient, type WebSocketConstructor } from '../../src/client/index.ts';
import type { ServerFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { AccessTokens } from '../../src/server/auth/tokens.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
let server: TestServer;
let noGuests: TestServer;
const sockets: WebSocket[] = [];
const clients: ParleyClient[] = [];
let n = 0;

interface Grant {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: { id: string; nick: string };
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function register(base = server.url, username = `user${++n}`, password = 'correct horse battery') {
  const res = await post(base, '/api/auth/register', { username, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Grant;
}

/** Opens a socket; resolves with the open socket or the HTTP status of a refused upgrade. */
function upgrade(url: string, protocols?: string[]): Promise<{ ws?: WebSocket; status?: number }> {
  const ws = new WebSocket(url, protocols);
  sockets.push(ws);
  return withDeadline(
    new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        resolve({ status: res.statusCode });
        res.resume();
      });
      ws.once('error', reject);
    }),
    5_000,
    'upgrade',
  );
}

function frames(ws: WebSocket) {
  const got: ServerFrame[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerFrame));
  const next = <T extends ServerFrame['type']>(type: T) =>
    withDeadline(
      new Promise<Extract<ServerFrame, { type: T }>>((resolve) => {
        const check = (): void => {
          const f = got.find((x) => x.type === type);
          if (f) {
            got.splice(got.indexOf(f), 1);
            resolve(f as Extract<ServerFrame, { type: T }>);
          } else setTimeout(check, 5);
        };
        check();
      }),
      5_000,
      type,
    );
  return { next, send: (f: unknown) => ws.send(JSON.stringify(f)) };
}

beforeAll(async () => {
  [server, noGuests] = await Promise.all([
    startServer({ args: ['--token-secret', SECRET] }),
    startServer({ args: ['--guests', 'off', '--access-token-ttl-ms', '1500'] }),
  ]);
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const c of clients) c.close();
  await Promise.all([server.dispose(), noGuests.dispose()]);
});

describe('accounts over HTTP', () => {
  it('registers and logs in, answering tokens and the user', async () => {
    const grant = await register(server.url, 'Ada.Lovelace');
    expect(grant.user).toMatchObject({ nick: 'Ada.Lovelace' });
    expect(grant.accessToken.split('.')).toHaveLength(3);
    expect(grant.refreshToken.length).toBeGreaterThanOrEqual(40);
    const login = await post(server.url, '/api/auth/login', {
      username: 'ada.lovelace',
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
    expect(login.body['user']).toEqual(grant.user);
  });

  it('refuses a duplicate username, case-insensitively', async () => {
    await register(server.url, 'Grace');
    const again = await post(server.url, '/api/auth/register', { username: 'grace', password: 'another long one' });
    expect(again).toEqual({ status: 409, body: { error: 'username_taken', message: expect.any(String) } });
  });

  it('enforces the password policy and the username character set', async () => {
    const short = await post(server.url, '/api/auth/register', { username: 'shorty', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body['error']).toBe('password_invalid');
    const same = await post(server.url, '/api/auth/register', { username: 'samesame12', password: 'SameSame12' });
    expect(same.body['error']).toBe('password_invalid');
    const long = await post(server.url, '/api/auth/register', { username: 'longpw', password: 'x'.repeat(129) });
    expect(long.body['error']).toBe('password_invalid');
    const bad = await post(server.url, '/api/auth/register', { username: '<script>', password: 'long enough pw' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'username_invalid' } });
  });

  it('answers a wrong password and an unknown user the same way, after comparable work', async () => {
    await register(server.url, 'enumme');
    const time = async (username: string) => {
      const start = performance.now();
      const res = await post(server.url, '/api/auth/login', { username, password: 'wrong password!' });
      return { res, ms: performance.now() - start };
    };
    await time('warmup-unknown');
    const wrong = [await time('enumme'), await time('enumme'), await time('enumme')];
    const unknown = [await time('nobody-here'), await time('nobody-here'), await time('nobody-here')];
    for (const { res } of [...wrong, ...unknown]) {
      expect(res).toEqual({
        status: 401,
        body: { error: 'credentials_invalid', message: 'Wrong username or password' },
      });
    }
    // Both paths run one scrypt: an unknown user is not answered measurably faster.
    const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[1] as number;
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it('rotates refresh tokens, refuses a used one, and logout revokes', async () => {
    const grant = await register();
    const first = await post(server.url, '/api/auth/refresh', { refreshToken: grant.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body['user']).toEqual(grant.user);
    expect(first.body['refreshToken']).not.toBe(grant.refreshToken);
    const reused = await post(server.url, '/api/auth/refresh', { refreshToken: grant.refreshToken });
    expect(reused).toMatchObject({ status: 401, body: { error: 'refresh_invalid' } });

    const other = await post(server.url, '/api/auth/login', {
      username: grant.user.nick,
      password: 'correct horse battery',
    });
    const token = other.body['refreshToken'] as string;
    expect((await post(server.url, '/api/auth/logout', { refreshToken: token })).status).toBe(200);
    expect((await post(server.url, '/api/auth/refresh', { refreshToken: token })).status).toBe(401);
  });

  it('validates bodies: JSON only, bounded size, expected shape', async () => {
    const text = await post(server.url, '/api/auth/login', 'x', { 'Content-Type': 'text/plain' });
    expect(text).toMatchObject({ status: 415, body: { error: 'bad_request' } });
    expect((await post(server.url, '/api/auth/login', '{nope')).status).toBe(400);
    expect((await post(server.url, '/api/auth/login', { username: 1 })).status).toBe(400);
    const huge = await post(server.url, '/api/auth/login', { username: 'a', password: 'p'.repeat(10_000) });
    expect(huge.status).toBe(413);
    const get = await fetch(`${server.url}/api/auth/login`);
    expect(get.status).toBe(405);
  });

  it('tells the web app whether guests may connect', async () => {
    expect(await (await fetch(`${server.url}/api/config`)).json()).toEqual({ guests: true });
    expect(await (await fetch(`${noGuests.url}/api/config`)).json()).toEqual({ guests: false });
  });
});

describe('the WebSocket handshake', () => {
  it('refuses a malformed, forged or expired token with 401 and no socket', async () => {
    const grant = await register();
    const forged = await new AccessTokens('another-secret-0123456789-abcdefghijk', 60_000).sign(
      grant.user,
      'some-session',
    );
    const expired = await new AccessTokens(SECRET, 1_000).sign(grant.user, 'some-session', Date.now() - 10_000);
    // The right signature over a changed subject is a forgery too.
    const [h, , s] = grant.accessToken.split('.');
    const body = Buffer.from(JSON.stringify({ sub: 'someone-else', name: 'x', exp: 9e9 })).toString('base64url');
    for (const token of ['garbage', forged.token, expired.token, `${h}.${body}.${s}`]) {
      expect(await upgrade(`${server.wsUrl}?token=${encodeURIComponent(token)}`), token).toEqual({ status: 401 });
      expect(await upgrade(server.wsUrl, ['parley.v1', `bearer.${token}`]), token).toEqual({ status: 401 });
    }
  });

  it('a valid token makes the connection the account; hello’s nick and a forged sender are ignored', async () => {
    const grant = await register(server.url, 'Hopper');
    const { ws } = await upgrade(`${server.wsUrl}?token=${grant.accessToken}`);
    const c = frames(ws as WebSocket);
    c.send({ type: 'hello', v: 1, nick: 'not-hopper' });
    const welcome = (await c.next('welcome')) as WelcomeFrame;
    expect(welcome.user).toEqual(grant.user);
    c.send({ type: 'join', id: 'j', room: 'general' });
    await c.next('joined');
    c.send({ type: 'send', id: 's1', room: 'general', kind: 'text', body: 'hi', sender: { id: 'x', nick: 'mallory' } });
    const event = await c.next('event');
    expect(event.type === 'event' && event.sender).toEqual(grant.user);
  });

  it('accepts the token as a Sec-WebSocket-Protocol entry and selects parley.v1', async () => {
    const grant = await register();
    const { ws } = await upgrade(server.wsUrl, ['parley.v1', `bearer.${grant.accessToken}`]);
    expect(ws?.protocol).toBe('parley.v1');
    const c = frames(ws as WebSocket);
    c.send({ type: 'hello', v: 1, nick: grant.user.nick });
    expect(((await c.next('welcome')) as WelcomeFrame).user).toEqual(grant.user);
  });

  it('a guest may not take a registered username', async () => {
    await register(server.url, 'Turing');
    const guest = await RawClient.open(server.wsUrl);
    guest.sendJson({ type: 'hello', v: 1, nick: 'turing' });
    expect(await guest.next('error')).toMatchObject({ code: 'nick_taken' });
    expect((await guest.closed).code).toBe(4400);
  });

  it('with guests off, a connection without a token gets 401', async () => {
    expect(await upgrade(noGuests.wsUrl)).toEqual({ status: 401 });
    const grant = await register(noGuests.url);
    const { ws } = await upgrade(`${noGuests.wsUrl}?token=${grant.accessToken}`);
    expect(ws?.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection with 4410 token_expired when its access token expires', async () => {
    const grant = await register(noGuests.url);
    const { ws } = await upgrade(`${noGuests.wsUrl}?token=${grant.accessToken}`);
    const socket = ws as WebSocket;
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const c = frames(socket);
    c.send({ type: 'hello', v: 1, nick: 'x' });
    await c.next('welcome');
    expect(await withDeadline(closed, 5_000, 'token_expired close')).toBe(4410);
    // The expired token no longer opens a socket; a refreshed one does.
    expect(await upgrade(`${noGuests.wsUrl}?token=${grant.accessToken}`)).toEqual({ status: 401 });
    const next = await post(noGuests.url, '/api/auth/refresh', { refreshToken: grant.refreshToken });
    const again = await upgrade(`${noGuests.wsUrl}?token=${next.body['accessToken'] as string}`);
    expect(again.ws?.readyState).toBe(WebSocket.OPEN);
  });
});

describe('the SDK with tokens', () => {
  it('refreshes on token_expired, reconnects, and loses nothing sent in between', async () => {
    const member = async (name: string) => {
      const grant = await register(noGuests.url, name);
      let refreshToken = grant.refreshToken;
      let accessToken = grant.accessToken;
      const stats = { refreshes: 0, reconnects: 0 };
      const client = createClient({
        url: noGuests.wsUrl,
        nick: 'ignored',
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        token: () => accessToken,
        refresh: async () => {
          const res = await post(noGuests.url, '/api/auth/refresh', { refreshToken });
          if (res.status !== 200) throw new Error(`refresh failed: ${res.status}`);
          refreshToken = res.body['refreshToken'] as string;
          accessToken = res.body['accessToken'] as string;
          stats.refreshes++;
          return accessToken;
        },
        backoff: { minMs: 10, maxMs: 100 },
      });
      clients.push(client);
      return { client, stats, grant };
    };
    const a = await member('sdk-sender');
    const b = await member('sdk-reader');
    const seen: string[] = [];
    b.client.on('event', (e) => {
      if (e.kind === 'text' && e.sender.id === a.grant.user.id) seen.push(e.body);
    });
    await Promise.all([a.client.join('general'), b.client.join('general')]);
    expect(a.client.user).toEqual(a.grant.user);

    const sent: string[] = [];
    const acks: Promise<unknown>[] = [];
    const send = () => {
      const body = `m${sent.length}`;
      sent.push(body);
      acks.push(a.client.send('general', body));
    };
    // Writes made while the connection is down wait in the outbox and go out after the refresh.
    const unsubscribe = a.client.on('state', ({ state }) => {
      if (state === 'reconnecting') {
        a.stats.reconnects++;
        send();
        send();
      }
    });
    await waitUntil(
      async () => {
        send();
        await acks[acks.length - 1];
        return a.stats.refreshes >= 2;
      },
      { timeoutMs: 15_000, what: 'two refreshes' },
    );
    unsubscribe();
    await Promise.all(acks);
    await waitUntil(() => seen.length >= sent.length, { what: 'every message delivered' });
    expect(seen).toEqual(sent);
    expect(a.stats.reconnects).toBeGreaterThanOrEqual(2);
    expect(a.client.user).toEqual(a.grant.user);
    expect(a.client.state).toBe('connected');
  });

  it('refreshes once when the handshake is refused for an expired token, then connects', async () => {
    const grant = await register();
    const expired = await new AccessTokens(SECRET, 1_000).sign(grant.user, 'some-session', Date.now() - 60_000);
    let refreshes = 0;
    const client = createClient({
      url: server.wsUrl,
      nick: 'ignored',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      token: expired.token,
      refresh: async () => {
        refreshes++;
        const res = await post(server.url, '/api/auth/refresh', { refreshToken: grant.refreshToken });
        return res.body['accessToken'] as string;
      },
      backoff: { minMs: 10, maxMs: 100 },
    });
    clients.push(client);
    await waitUntil(() => client.state === 'connected', { what: 'connected after refresh' });
    expect(client.user).toEqual(grant.user);
    expect(refreshes).toBe(1);
  });

  it('without refresh, token_expired is terminal', async () => {
    const grant = await register(noGuests.url);
    const client = createClient({
      url: noGuests.wsUrl,
      nick: 'ignored',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      token: grant.accessToken,
    });
    clients.push(client);
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    await waitUntil(() => client.state === 'closed', { what: 'closed for good' });
    expect(errors).toContain('auth');
  });
});
