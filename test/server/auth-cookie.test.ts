/**
 * The browser's sign-in over real HTTP: the refresh token in an HttpOnly cookie (never in the
 * body), its rotation, logout, the Origin check that guards it, hostile cookies, and a guest
 * turned into an account keeping its user id, rooms and DMs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomsFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const clients: RawClient[] = [];
let n = 0;
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** The parley_refresh Set-Cookie line, if any. */
  setCookie: string | undefined;
}

/** A POST as a page of the server would send it (Origin = the server), with `cookie` if given. */
async function post(
  path: string,
  body: unknown,
  opts: { cookie?: string; origin?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const origin = opts.origin === undefined ? server.url : opts.origin;
  if (origin !== null) headers['Origin'] = origin;
  if (opts.cookie !== undefined) headers['Cookie'] = opts.cookie;
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('parley_refresh='));
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, setCookie };
}

/** The cookie a browser would send back, from a Set-Cookie line. */
const jar = (setCookie: string | undefined): string => {
  expect(setCookie).toBeDefined();
  return String(setCookie).split(';')[0] ?? '';
};

async function signUp(extra: Record<string, unknown> = {}): Promise<{ cookie: string; answer: Answer }> {
  const answer = await post('/api/auth/register', {
    username: `cookie${++n}`,
    password: PASSWORD,
    cookie: true,
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { cookie: jar(answer.setCookie), answer };
}

async function connect(query: string, nick: string, session?: string) {
  const c = await RawClient.connect(`${server.wsUrl}${query}`, nick, session);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await server.dispose();
});

describe('the refresh cookie', () => {
  it('is HttpOnly, SameSite=Strict, scoped to /api/auth, and the token is not in the body', async () => {
    const { answer } = await signUp();
    expect(answer.setCookie).toMatch(
      /^parley_refresh=[\w-]{40,}; Path=\/api\/auth; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
    // Plain http here: Secure would make the browser drop it.
    expect(answer.setCookie).not.toContain('Secure');
    expect(answer.body).not.toHaveProperty('refreshToken');
    expect(answer.body).toMatchObject({ accessToken: expect.any(String), user: { nick: `cookie${n}` } });
    const login = await post('/api/auth/login', { username: `cookie${n}`, password: PASSWORD, cookie: true });
    expect(login.status).toBe(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    expect(jar(login.setCookie)).not.toBe(jar(answer.setCookie));
  });

  it('is Secure when a trusted proxy says the request came over https', async () => {
    const proxied = await startServer({ args: ['--trust-proxy', '1'] });
    try {
      const res = await fetch(`${proxied.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: proxied.url, 'X-Forwarded-Proto': 'https' },
        body: JSON.stringify({ username: 'secure1', password: PASSWORD, cookie: true }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().join('\n')).toMatch(/HttpOnly; SameSite=Strict; Secure/);
    } finally {
      await proxied.dispose();
    }
  });

  it('refreshes from the cookie alone, rotating it; the old one replayed ends the session', async () => {
    const { cookie, answer } = await signUp();
    const socket = await connect(`?token=${String(answer.body['accessToken'])}`, 'ignored');
    const next = await post('/api/auth/refresh', {}, { cookie });
    expect(next.status).toBe(200);
    expect(next.body).not.toHaveProperty('refreshToken');
    expect(next.body['user']).toEqual(answer.body['user']);
    const rotated = jar(next.setCookie);
    expect(rotated).not.toBe(cookie);
    // The first cookie again: theft assumed, the session ends, its socket closes, the cookie is cleared.
    const replay = await post('/api/auth/refresh', {}, { cookie });
    expect(replay).toMatchObject({ status: 401, body: { error: 'refresh_invalid' } });
    expect(replay.setCookie).toMatch(/^parley_refresh=; .*Max-Age=0/);
    expect((await socket.closed).code).toBe(4411);
    expect((await post('/api/auth/refresh', {}, { cookie: rotated })).status).toBe(401);
  });

  it('logs out from the cookie: cleared, its session ended, its sockets closed', async () => {
    const { cookie, answer } = await signUp();
    const socket = await connect(`?token=${String(answer.body['accessToken'])}`, 'ignored');
    const out = await post('/api/auth/logout', {}, { cookie });
    expect(out).toMatchObject({ status: 200, body: { ok: true } });
    expect(out.setCookie).toMatch(/^parley_refresh=; .*Max-Age=0/);
    expect((await socket.closed).code).toBe(4411);
    expect((await post('/api/auth/refresh', {}, { cookie })).status).toBe(401);
    // Without a cookie, logout is still fine (idempotent) and still clears.
    expect((await post('/api/auth/logout', {})).status).toBe(200);
  });

  it('keeps the JSON body API for the SDK and the terminal client (no Origin needed)', async () => {
    const reg = await post('/api/auth/register', { username: `json${++n}`, password: PASSWORD }, { origin: null });
    expect(reg.status).toBe(200);
    expect(reg.setCookie).toBeUndefined();
    const refreshToken = String(reg.body['refreshToken']);
    const next = await post('/api/auth/refresh', { refreshToken }, { origin: null });
    expect(next.status).toBe(200);
    expect(next.body['refreshToken']).toEqual(expect.any(String));
    expect(next.setCookie).toBeUndefined();
  });
});

describe('hostile cookie requests', () => {
  it('refuses a refresh without a cookie, or with a forged or malformed one, and clears it', async () => {
    expect(await post('/api/auth/refresh', {})).toMatchObject({ status: 401, body: { error: 'refresh_invalid' } });
    const forged = await post('/api/auth/refresh', {}, { cookie: `parley_refresh=${'A'.repeat(43)}` });
    expect(forged).toMatchObject({ status: 401, body: { error: 'refresh_invalid' } });
    expect(forged.setCookie).toMatch(/Max-Age=0/);
    for (const cookie of ['parley_refresh=<script>', `parley_refresh=${'x'.repeat(5000)}`, 'parley_refresh', ';;=;']) {
      expect((await post('/api/auth/refresh', {}, { cookie })).status).toBe(401);
    }
  });

  it('refuses cookie requests from another origin, without Origin, or from an opaque one — the cookie survives', async () => {
    const { cookie } = await signUp();
    for (const origin of ['https://evil.example', 'null', null, `${server.url}.evil.example`]) {
      const refresh = await post('/api/auth/refresh', {}, { cookie, origin });
      expect(refresh, String(origin)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect(refresh.setCookie).toBeUndefined();
      expect((await post('/api/auth/logout', {}, { cookie, origin })).status).toBe(403);
    }
    const login = await post(
      '/api/auth/login',
      { username: `cookie${n}`, password: PASSWORD, cookie: true },
      { origin: 'https://evil.example' },
    );
    expect(login.status).toBe(403);
    // None of those touched the session.
    expect((await post('/api/auth/refresh', {}, { cookie })).status).toBe(200);
  });

  it('refuses a form post (not JSON) before reading anything', async () => {
    const { cookie } = await signUp();
    const res = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, Cookie: cookie },
      body: 'all=true',
    });
    expect(res.status).toBe(415);
    expect((await post('/api/auth/refresh', {}, { cookie })).status).toBe(200);
  });
});

describe('a guest becomes an account', () => {
  it('keeps its user id, rooms and DMs; the guest session stops resuming', async () => {
    const k = ++n;
    const friend = await connect('', `friend${k}`);
    const guest = await connect('', `guest${k}`);
    const guestId = guest.welcome.user.id;
    await guest.request('room', { type: 'create', id: 'c1', room: `hideout${k}`, visibility: 'private' });
    await guest.request('joined', { type: 'join', id: 'j0', room: `hideout${k}` });
    const dm = await guest.request('room', { type: 'dm', id: 'd1', users: [friend.welcome.user.id] });
    await guest.request('joined', { type: 'join', id: 'j1', room: dm.room.name });
    await guest.request('ack', {
      type: 'send',
      id: 'm1',
      room: dm.room.name,
      kind: 'text',
      body: 'before the upgrade',
    });

    const { answer } = await signUp({ username: `kept${k}`, guestSession: guest.welcome.session });
    expect(answer.body['user']).toEqual({ id: guestId, nick: `kept${k}` });
    const account = await connect(`?token=${String(answer.body['accessToken'])}`, 'ignored');
    expect(account.welcome.user).toEqual({ id: guestId, nick: `kept${k}` });
    const rooms = await account.request<'rooms'>('rooms', { type: 'rooms', id: 'r1' });
    const mine = ((rooms as RoomsFrame).unread ?? []).map((u) => u.room);
    expect(mine).toEqual(expect.arrayContaining([`hideout${k}`, dm.room.name]));
    const history = await account.request('history', { type: 'history', id: 'h1', room: dm.room.name });
    expect(history.events.map((e) => e.body)).toContain('before the upgrade');

    // The guest's token no longer makes anyone that user, nor upgrades a second time.
    guest.ws.close();
    await guest.closed;
    const again = await connect('', `guest${k}`, guest.welcome.session);
    expect(again.welcome.user.id).not.toBe(guestId);
    const twice = await post('/api/auth/register', {
      username: `other${k}`,
      password: PASSWORD,
      cookie: true,
      guestSession: guest.welcome.session,
    });
    expect(twice).toMatchObject({ status: 401, body: { error: 'session_unknown' } });
  });

  it('refuses an unknown guest session and creates nothing', async () => {
    const res = await post('/api/auth/register', {
      username: `ghost${++n}`,
      password: PASSWORD,
      cookie: true,
      guestSession: 'no-such-session-token-0123456789',
    });
    expect(res).toMatchObject({ status: 401, body: { error: 'session_unknown' } });
    expect(res.setCookie).toBeUndefined();
    const login = await post('/api/auth/login', { username: `ghost${n}`, password: PASSWORD, cookie: true });
    expect(login.status).toBe(401);
  });
});
