/**
 * Login throttling over real HTTP with the default limits: failed logins per username, attempts
 * per client IP (taken from X-Forwarded-For with --trust-proxy 1, so one test machine can be many
 * clients), answered 429 + Retry-After + `rate_limited` with `retryAfterMs`; and the per-key maps
 * stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle, MAX_THROTTLE_KEYS } from '../../src/server/auth/login-throttle.ts';
import { DEFAULTS } from '../../src/server/options.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

const PASSWORD = 'correct horse battery';
let server: TestServer;
let fast: TestServer;

async function post(base: string, path: string, body: unknown, ip: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const login = (username: string, password: string, ip: string, base = server.url) =>
  post(base, '/api/auth/login', { username, password }, ip);

beforeAll(async () => {
  [server, fast] = await Promise.all([
    startServer({ defaultLimits: true, args: ['--trust-proxy', '1'] }),
    // One failure allowed, then one a second: short enough to wait for the Retry-After.
    startServer({
      defaultLimits: true,
      args: ['--trust-proxy', '1', '--login-failures-burst', '1', '--login-failures-per-min', '60'],
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([server.dispose(), fast.dispose()]);
});

describe('login throttling (defaults)', () => {
  it('after 5 wrong passwords answers 429 with Retry-After; another user from another IP still signs in', async () => {
    expect(
      (await post(server.url, '/api/auth/register', { username: 'victim', password: PASSWORD }, '10.0.0.1')).status,
    ).toBe(200);
    expect(
      (await post(server.url, '/api/auth/register', { username: 'bystander', password: PASSWORD }, '10.0.0.1')).status,
    ).toBe(200);

    for (let i = 0; i < DEFAULTS.loginFailuresBurst; i++) {
      expect((await login('victim', `wrong password ${i}`, `10.0.1.${i}`)).body['error']).toBe('credentials_invalid');
    }
    // The sixth guess — from yet another address, with another spelling — is refused unchecked.
    const refused = await login('VICTIM', 'wrong password 6', '10.0.1.99');
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
    // Refused before the password is looked at: even the right one waits.
    expect((await login('victim', PASSWORD, '10.0.1.98')).status).toBe(429);

    // Another user, another IP: unaffected.
    const other = await login('bystander', PASSWORD, '10.0.2.1');
    expect(other.status).toBe(200);
    expect(other.body['accessToken']).toEqual(expect.any(String));
  });

  it('throttles an unknown username exactly like a known one (no enumeration)', async () => {
    const answers = [];
    for (let i = 0; i <= DEFAULTS.loginFailuresBurst; i++) {
      const res = await login('nobody-at-all', 'wrong password!', `10.0.3.${i}`);
      answers.push(`${res.status} ${String(res.body['error'])}`);
    }
    expect(answers).toEqual([
      ...Array<string>(DEFAULTS.loginFailuresBurst).fill('401 credentials_invalid'),
      '429 rate_limited',
    ]);
  });

  it('limits attempts per client IP across usernames, login and register alike', async () => {
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
  });
});

describe('login throttling (configured)', () => {
  it('lets the right password in once Retry-After has passed, and a success clears the failures', async () => {
    expect(
      (await post(fast.url, '/api/auth/register', { username: 'patient', password: PASSWORD }, '10.1.0.1')).status,
    ).toBe(200);
    expect((await login('patient', 'wrong password!', '10.1.0.2', fast.url)).status).toBe(401);
    const refused = await login('patient', PASSWORD, '10.1.0.3', fast.url);
    expect(refused.status).toBe(429);
    expect(refused.body['retryAfterMs'] as number).toBeLessThanOrEqual(1_000);
    // Refusals take nothing from the bucket: polling with the right password gets in when it refills.
    const ok = await waitUntil(
      async () => {
        const res = await login('patient', PASSWORD, '10.1.0.3', fast.url);
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, what: 'login after Retry-After' },
    );
    expect(ok.body['user']).toMatchObject({ nick: 'patient' });
    // The success reset the username's failures: the next wrong guess is a plain 401 again.
    expect((await login('patient', 'wrong password!', '10.1.0.4', fast.url)).status).toBe(401);
  });
});

describe('throttle memory', () => {
  const limits = { authIpPerMin: 30, authIpBurst: 30, loginFailuresPerMin: 1, loginFailuresBurst: 5 };

  it('holds at most MAX_THROTTLE_KEYS usernames and IPs however many are sprayed', () => {
    const throttle = new LoginThrottle(limits);
    const now = Date.now();
    for (let i = 0; i < MAX_THROTTLE_KEYS + 20_000; i++) {
      throttle.attempt(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, now);
      throttle.login(`user-${i}`, now);
    }
    expect(throttle.size).toEqual({ ips: MAX_THROTTLE_KEYS, users: MAX_THROTTLE_KEYS });
  });

  it('forgets idle entries (their buckets have refilled) and keeps the ones still counting', () => {
    const throttle = new LoginThrottle(limits, 1_000);
    const start = 1_000_000;
    for (let i = 0; i < 500; i++) throttle.login(`idle-${i}`, start);
    const busyAt = start + 4 * 60_000;
    let granted = 0;
    while (throttle.login('busy', busyAt) === 0) granted++;
    expect(granted).toBe(limits.loginFailuresBurst);
    expect(throttle.size.users).toBe(501);
    // 5 failures at 1 a minute refill in 5 minutes: then the idle ones are dropped on the next take.
    const sweepAt = start + 5 * 60_000;
    expect(throttle.login('busy', sweepAt)).toBe(0);
    expect(throttle.size.users).toBe(1);
    // 'busy' kept its state: one token refilled in that minute and is spent; a new bucket would have five.
    expect(throttle.login('busy', sweepAt)).toBeGreaterThan(0);
    expect(throttle.login('idle-0', sweepAt)).toBe(0);
  });
});
