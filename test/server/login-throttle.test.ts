/**
 * Login throttling over real HTTP with the default limits: failed logins per username and client
 * address (refused: 429 + Retry-After + `rate_limited` with `retryAfterMs`), attempts per client
 * address (charged before the body is read), and per username across addresses (slowed, never
 * refused, so nobody can lock an account out); the client IP is taken from X-Forwarded-For with
 * --trust-proxy 1, so one test machine can be many clients. The per-key maps stay bounded.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle, MAX_THROTTLE_KEYS } from '../../src/server/auth/login-throttle.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { DEFAULTS } from '../../src/server/options.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const PASSWORD = 'correct horse battery';
const SLOWDOWN_MS = 1_000;
let server: TestServer;
let fast: TestServer;

async function post(base: string, path: string, body: unknown, ip: string) {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
    ms: Date.now() - started,
  };
}

const login = (username: string, password: string, ip: string, base = server.url) =>
  post(base, '/api/auth/login', { username, password }, ip);

const register = async (base: string, username: string) =>
  expect((await post(base, '/api/auth/register', { username, password: PASSWORD }, '10.9.9.9')).status).toBe(200);

beforeAll(async () => {
  [server, fast] = await Promise.all([
    startServer({ defaultLimits: true, args: ['--trust-proxy', '1'] }),
    // One failure per address, then one a second (short enough to wait for the Retry-After); three
    // attempts per username from all addresses, then each is held for SLOWDOWN_MS.
    startServer({
      defaultLimits: true,
      args: [
        ...['--trust-proxy', '1', '--login-failures-burst', '1', '--login-failures-per-min', '60'],
        ...['--login-username-burst', '3', '--login-username-per-min', '1', '--login-slowdown-ms', String(SLOWDOWN_MS)],
      ],
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([server.dispose(), fast.dispose()]);
});

describe('login throttling (defaults)', () => {
  it('after 5 wrong passwords from one address answers 429 there; the owner at their own address still signs in', async () => {
    await register(server.url, 'victim');
    const attacker = '10.0.1.1';
    for (let i = 0; i < DEFAULTS.loginFailuresBurst; i++) {
      expect((await login('victim', `wrong password ${i}`, attacker)).body['error']).toBe('credentials_invalid');
    }
    // The sixth guess from that address — with another spelling — is refused unchecked.
    const refused = await login('VICTIM', 'wrong password 6', attacker);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'rate_limited',
      message: expect.any(String),
      retryAfterMs: expect.any(Number),
    });
    const ms = refused.body['retryAfterMs'] as number;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(refused.retryAfter).toBe(String(Math.ceil(ms / 1000)));
    // Refused before the password is looked at: even the right one waits, from that address.
    expect((await login('victim', PASSWORD, attacker)).status).toBe(429);

    // The owner, elsewhere, is not locked out (issue 10 finding 8).
    const owner = await login('victim', PASSWORD, '10.0.9.1');
    expect(owner.status).toBe(200);
    expect(owner.body['accessToken']).toEqual(expect.any(String));
  });

  it('throttles an unknown username exactly like a known one (no enumeration)', async () => {
    const answers = [];
    for (let i = 0; i <= DEFAULTS.loginFailuresBurst; i++) {
      const res = await login('nobody-at-all', 'wrong password!', '10.0.3.1');
      answers.push(`${res.status} ${String(res.body['error'])}`);
    }
    expect(answers).toEqual([
      ...Array<string>(DEFAULTS.loginFailuresBurst).fill('401 credentials_invalid'),
      '429 rate_limited',
    ]);
  });

  it('limits attempts per client IP across usernames, login and register alike', async () => {
    await register(server.url, 'bystander');
    const ip = '10.0.4.1';
    // Registration with a too-short password costs no scrypt but still counts as an attempt.
    for (let i = 0; i < DEFAULTS.authIpBurst; i++) {
      const res = await post(server.url, '/api/auth/register', { username: `spray${i}`, password: 'short' }, ip);
      expect(res.status).toBe(400);
    }
    const refused = await post(server.url, '/api/auth/register', { username: 'spray-last', password: PASSWORD }, ip);
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await login('bystander', PASSWORD, ip)).status).toBe(429);
    // Another address is not held back.
    expect((await login('bystander', PASSWORD, '10.0.4.2')).status).toBe(200);
    // Refresh is not throttled (its token is 256 random bits; clients refresh every few minutes).
    const grant = await login('bystander', PASSWORD, '10.0.4.3');
    const refreshed = await post(server.url, '/api/auth/refresh', { refreshToken: grant.body['refreshToken'] }, ip);
    expect(refreshed.status).toBe(200);

    // Charged before the body is read (issue 10 finding 7): a body that never comes is answered
    // 429 at once, and the socket is closed rather than left to trickle.
    const socket = connect(server.port, '127.0.0.1');
    const reply = withDeadline(
      new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      }),
      5_000,
      'the 429 and the close',
    );
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `X-Forwarded-For: ${ip}\r\nContent-Length: 4000\r\n\r\n{"user`,
    );
    const text = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 429 /);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
  });
});

describe('login throttling (configured)', () => {
  it('lets the right password in once Retry-After has passed, and a success clears the failures', async () => {
    await register(fast.url, 'patient');
    const ip = '10.1.0.2';
    expect((await login('patient', 'wrong password!', ip, fast.url)).status).toBe(401);
    const refused = await login('patient', PASSWORD, ip, fast.url);
    expect(refused.status).toBe(429);
    expect(refused.body['retryAfterMs'] as number).toBeLessThanOrEqual(1_000);
    // Refusals take nothing from the bucket: polling with the right password gets in when it refills.
    const ok = await waitUntil(
      async () => {
        const res = await login('patient', PASSWORD, ip, fast.url);
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, what: 'login after Retry-After' },
    );
    expect(ok.body['user']).toMatchObject({ nick: 'patient' });
    // The success reset this address's failures: the next wrong guess is a plain 401 again.
    expect((await login('patient', 'wrong password!', ip, fast.url)).status).toBe(401);
  });

  it('slows down, never refuses, a username hammered from many addresses; the owner still gets in', async () => {
    await register(fast.url, 'hammered');
    // Three attempts from all addresses are answered at once; from then on each is held first.
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await login('hammered', 'wrong password!', `10.2.0.${i}`, fast.url));
    expect(first.map((r) => r.status)).toEqual([401, 401, 401]);
    const attack = await Promise.all(
      Array.from({ length: 6 }, (_, i) => login('hammered', 'wrong password!', `10.2.1.${i}`, fast.url)),
    );
    expect(attack.map((r) => r.status)).toEqual(Array<number>(6).fill(401));
    for (const r of attack) expect(r.ms).toBeGreaterThanOrEqual(SLOWDOWN_MS - 50);
    // The owner at their own address is slowed like everyone, but gets in.
    const owner = await login('hammered', PASSWORD, '10.2.9.9', fast.url);
    expect(owner.status).toBe(200);
    expect(owner.ms).toBeGreaterThanOrEqual(SLOWDOWN_MS - 50);
  });
});

describe('throttle memory and rules', () => {
  const limits = {
    authIpPerMin: 30,
    authIpBurst: 30,
    loginFailuresPerMin: 1,
    loginFailuresBurst: 5,
    loginUsernamePerMin: 10,
    loginUsernameBurst: 30,
    loginSlowdownMs: 3_000,
  };

  /** A throttle on the memory engine with a clock moved by hand. */
  const throttled = (maxKeys?: number) => {
    const clock = { now: 0 };
    const limiters = new MemoryLimiters({ now: () => clock.now, ...(maxKeys === undefined ? {} : { maxKeys }) });
    const size = () => ({
      ips: limiters.size('auth-ip'),
      pairs: limiters.size('login-failures'),
      users: limiters.size('login-username'),
    });
    return { clock, throttle: new LoginThrottle(limits, limiters), size };
  };

  it('holds at most MAX_THROTTLE_KEYS addresses, pairs and usernames however many are sprayed', async () => {
    const { clock, throttle, size } = throttled();
    clock.now = Date.now();
    for (let i = 0; i < MAX_THROTTLE_KEYS + 20_000; i++) {
      const ip = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      await throttle.attempt(ip);
      await throttle.login(`user-${i}`, ip);
      await throttle.slowdown(`user-${i}`);
    }
    expect(size()).toEqual({ ips: MAX_THROTTLE_KEYS, pairs: MAX_THROTTLE_KEYS, users: MAX_THROTTLE_KEYS });
  });

  it('forgets idle entries (their buckets have refilled) and keeps the ones still counting', async () => {
    const { clock, throttle, size } = throttled(1_000);
    const start = 1_000_000;
    clock.now = start;
    for (let i = 0; i < 500; i++) await throttle.login(`idle-${i}`, '10.0.0.1');
    clock.now = start + 4 * 60_000;
    let granted = 0;
    while ((await throttle.login('busy', '10.0.0.1')) === 0) granted++;
    expect(granted).toBe(limits.loginFailuresBurst);
    expect(size().pairs).toBe(501);
    // 5 failures at 1 a minute refill in 5 minutes: then the idle ones are dropped on the next take.
    clock.now = start + 5 * 60_000;
    expect(await throttle.login('busy', '10.0.0.1')).toBe(0);
    expect(size().pairs).toBe(1);
    // 'busy' kept its state: one token refilled in that minute and is spent; a new bucket would have five.
    expect(await throttle.login('busy', '10.0.0.1')).toBeGreaterThan(0);
    expect(await throttle.login('idle-0', '10.0.0.1')).toBe(0);
  });

  it('refuses per username and address, slows per username, and a success clears only its own address', async () => {
    const { clock, throttle } = throttled();
    clock.now = 5_000_000;
    for (let i = 0; i < limits.loginFailuresBurst; i++) expect(await throttle.login('Ada', '10.0.0.1')).toBe(0);
    expect(await throttle.login('ada', '10.0.0.1')).toBeGreaterThan(0);
    expect(await throttle.login('ada', '10.0.0.2')).toBe(0);
    await throttle.succeeded('ada', '10.0.0.2');
    expect(await throttle.login('ada', '10.0.0.1')).toBeGreaterThan(0);

    const slowed: number[] = [];
    for (let i = 0; i < limits.loginUsernameBurst + 3; i++) slowed.push(await throttle.slowdown('ADA'));
    expect(slowed.filter((ms) => ms === 0)).toHaveLength(limits.loginUsernameBurst);
    expect(slowed.slice(-3)).toEqual([3_000, 3_000, 3_000]);
    expect(await throttle.slowdown('someone-else')).toBe(0);
  });
});
