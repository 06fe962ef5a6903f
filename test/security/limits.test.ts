/**
 * Abuse limits and the origin allow-list, with the server's default settings unless stated.
 * No assertion here depends on how fast the machine is: the buckets whose counts are asserted
 * never refill (rate 0), and the one test with a refill asserts only what holds at any speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';
import type { AckFrame, ErrorFrame, ServerFrame } from '../../src/protocol/index.ts';
import { statusOf, tryUpgrade } from './upgrade.ts';

describe('origin allow-list (default: self, http://localhost:*, http://127.0.0.1:*)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ defaultLimits: true });
  });
  afterAll(() => server.dispose());

  it('refuses a foreign Origin with 403 and no socket', async () => {
    const outcome = await tryUpgrade(server.wsUrl, { Origin: 'https://evil.example' });
    expect(statusOf(outcome)).toBe(403);
    expect('body' in outcome && outcome.body).toContain('origin_not_allowed');
  });

  it('refuses "null" and malformed origins', async () => {
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'null' }))).toBe(403);
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'http://127.0.0.1.evil.example' }))).toBe(403);
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'https://127.0.0.1' }))).toBe(403);
  });

  it('accepts the same origin as the Host header, localhost dev ports, and no Origin at all', async () => {
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: server.url }))).toBe(101);
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'http://localhost:5173' }))).toBe(101);
    expect(statusOf(await tryUpgrade(server.wsUrl))).toBe(101);
  });

  it('answers a bad path with 404', async () => {
    expect(statusOf(await tryUpgrade(server.wsUrl.replace('/ws', '/nope')))).toBe(404);
  });
});

describe('a configured allow-list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ args: ['--allowed-origins', 'https://chat.example.com'] });
  });
  afterAll(() => server.dispose());

  it('allows exactly the listed origins', async () => {
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'https://chat.example.com' }))).toBe(101);
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: server.url }))).toBe(403);
    expect(statusOf(await tryUpgrade(server.wsUrl, { Origin: 'http://chat.example.com' }))).toBe(403);
  });
});

describe('message rates (token buckets)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      defaultLimits: true,
      // No refill (rate 0): a loaded machine that takes seconds between two sends earns no token.
      args: ['--conn-writes-per-sec', '0', '--conn-writes-burst', '5', '--rate-strikes', '20'],
    });
  });
  afterAll(() => server.dispose());

  it('answers writes past the per-connection burst with rate_limited + retryAfterMs and stores nothing', async () => {
    const c = await RawClient.connect(server.wsUrl, 'rapid');
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    for (let i = 0; i < 8; i++) c.sendJson({ type: 'send', id: `r${i}`, room: 'general', kind: 'text', body: `m${i}` });
    const answers = await waitUntil(() => {
      const got = c.frames.filter((f): f is AckFrame | ErrorFrame => f.type === 'ack' || f.type === 'error');
      return got.length >= 8 ? got : undefined;
    });
    const acks = answers.filter((f): f is AckFrame => f.type === 'ack').sort((x, y) => x.seq - y.seq);
    const refused = answers.filter((f): f is ErrorFrame => f.type === 'error');
    expect(acks.map((a) => a.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(refused.map((e) => [e.id, e.code])).toEqual([
      ['r5', 'rate_limited'],
      ['r6', 'rate_limited'],
      ['r7', 'rate_limited'],
    ]);
    for (const e of refused) {
      expect(e.retryable).toBe(true);
      expect(e.retryAfterMs).toBeGreaterThan(0);
    }
    const head = acks.at(-1)?.seq ?? 0;
    const page = await c.request('history', { type: 'history', id: 'h', room: 'general', after: head - 5 });
    expect(page.events.map((e) => e.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    // Reads still pass while writes are limited.
    await c.request('pong', { type: 'ping', id: 'still' });
    c.close();
  });

  it('says when the next token comes: retryAfterMs is at most 1000 at one write a second', async () => {
    // With a refill, how many of the writes pass depends on the machine's speed; what holds at
    // any speed: the burst passes, a refusal comes within 20 back-to-back writes (15 would need
    // 15 s between the first and the last), and each refusal waits at most one refill period.
    const s = await startServer({
      defaultLimits: true,
      args: ['--conn-writes-per-sec', '1', '--conn-writes-burst', '5', '--rate-strikes', '100'],
    });
    try {
      const c = await RawClient.connect(s.wsUrl, 'paced');
      await c.request('joined', { type: 'join', id: 'j', room: 'general' });
      for (let i = 0; i < 20; i++) c.sendJson({ type: 'send', id: `p${i}`, room: 'general', kind: 'text', body: 'p' });
      const answers = await waitUntil(() => {
        const got = c.frames.filter((f): f is AckFrame | ErrorFrame => f.type === 'ack' || f.type === 'error');
        return got.length >= 20 ? got : undefined;
      });
      const acked = new Set(answers.filter((f) => f.type === 'ack').map((f) => f.id));
      for (let i = 0; i < 5; i++) expect(acked.has(`p${i}`), `p${i} is within the burst`).toBe(true);
      const refused = answers.filter((f): f is ErrorFrame => f.type === 'error');
      expect(refused.length).toBeGreaterThan(0);
      for (const e of refused) {
        expect(e.code).toBe('rate_limited');
        expect(e.retryAfterMs).toBeGreaterThan(0);
        expect(e.retryAfterMs).toBeLessThanOrEqual(1000);
      }
      c.close();
    } finally {
      await s.dispose();
    }
  });

  it('closes a connection that keeps sending past its limit with 4004', async () => {
    const c = await RawClient.connect(server.wsUrl, 'abuser');
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    for (let i = 0; i < 40; i++) c.sendJson({ type: 'send', id: `a${i}`, room: 'general', kind: 'text', body: 'x' });
    expect((await c.closed).code).toBe(4004);
    // The server is fine and a fresh connection works.
    const d = await RawClient.connect(server.wsUrl, 'after');
    await d.request('pong', { type: 'ping', id: 'p' });
    d.close();
  });

  it('limits writes per user across connections', async () => {
    const s = await startServer({
      defaultLimits: true,
      // No refill (rate 0), so a slow machine cannot earn an extra token mid-test.
      args: ['--user-writes-per-sec', '0', '--user-writes-burst', '4', '--rate-strikes', '100'],
    });
    try {
      const a = await RawClient.connect(s.wsUrl, 'multi', 'sessionmultisessionmulti1');
      const b = await RawClient.connect(s.wsUrl, 'multi', 'sessionmultisessionmulti1');
      expect(b.welcome.user.id).toBe(a.welcome.user.id);
      for (const c of [a, b]) await c.request('joined', { type: 'join', id: 'j', room: 'general' });
      for (let i = 0; i < 3; i++) a.sendJson({ type: 'send', id: `a${i}`, room: 'general', kind: 'text', body: 'a' });
      for (let i = 0; i < 3; i++) b.sendJson({ type: 'send', id: `b${i}`, room: 'general', kind: 'text', body: 'b' });
      // Four tokens for the user, shared by both connections: four writes pass, two are refused.
      const isAnswer = (f: ServerFrame): boolean => f.type === 'ack' || f.type === 'error';
      await waitUntil(() => a.frames.filter(isAnswer).length >= 3 && b.frames.filter(isAnswer).length >= 3);
      const answers = [...a.frames, ...b.frames].filter(isAnswer);
      expect(answers.filter((f) => f.type === 'ack')).toHaveLength(4);
      const errors = answers.filter((f): f is ErrorFrame => f.type === 'error');
      expect(errors.map((e) => e.code)).toEqual(['rate_limited', 'rate_limited']);
      a.close();
      b.close();
    } finally {
      await s.dispose();
    }
  });
});

describe('connection and room caps', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      defaultLimits: true,
      args: [
        '--max-connections-per-user',
        '2',
        '--max-rooms-per-user',
        '2',
        '--max-connections-per-ip',
        '6',
        '--ip-connects-burst',
        '12',
        // No refill, so the connection count below does not depend on how long the tests take.
        '--ip-connects-per-sec',
        '0',
        '--default-rooms',
        'general,r1,r2',
      ],
    });
  });
  afterAll(() => server.dispose());

  it('caps connections per user: the third gets too_many_connections and close 4005, never a welcome', async () => {
    const session = 'capsessioncapsessioncap1';
    const a = await RawClient.connect(server.wsUrl, 'capped', session);
    const b = await RawClient.connect(server.wsUrl, 'capped', session);
    const c = await RawClient.open(server.wsUrl);
    c.sendJson({ type: 'hello', v: 1, nick: 'capped', session });
    expect(await c.next('error', (e) => e.code === 'too_many_connections')).toMatchObject({ retryable: true });
    expect((await c.closed).code).toBe(4005);
    expect(c.frames.map((f) => f.type)).toEqual(['error']);
    await a.request('pong', { type: 'ping', id: 'a' });
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
  });

  it('caps rooms joined at once per user with too_many_rooms; leaving frees a slot', async () => {
    const c = await RawClient.connect(server.wsUrl, 'roamer');
    await c.request('joined', { type: 'join', id: 'j1', room: 'general' });
    await c.request('joined', { type: 'join', id: 'j2', room: 'r1' });
    await expect(c.request('joined', { type: 'join', id: 'j3', room: 'r2' })).rejects.toThrow('too_many_rooms');
    await c.request('joined', { type: 'join', id: 'j4', room: 'r1' });
    await c.request('left', { type: 'leave', id: 'l', room: 'r1' });
    await c.request('joined', { type: 'join', id: 'j5', room: 'r2' });
    c.close();
    await c.closed;
  });

  it('caps concurrent connections per IP with 503 before the socket, then the connection rate with 429', async () => {
    const open: RawClient[] = [];
    for (let i = 0; i < 6; i++) open.push(await RawClient.open(server.wsUrl));
    expect(statusOf(await tryUpgrade(server.wsUrl))).toBe(503);
    for (const c of open) c.close();
    await Promise.all(open.map((c) => c.closed));
    // 10 connections so far in this block (4 in the tests above, 6 here; a 503 takes no token):
    // the burst of 12 never refills, so at most 12 more attempts hit the rate limit.
    let status = 0;
    for (let i = 0; i <= 12 && status !== 429; i++) status = statusOf(await tryUpgrade(server.wsUrl));
    expect(status).toBe(429);
  });
});

describe('connections per user: the slot is claimed before the welcome', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ defaultLimits: true, args: ['--max-connections-per-user', '2'] });
  });
  afterAll(() => server.dispose());

  /** Opens `n` sockets, then sends all their hellos at once; resolves when each is welcomed or closed. */
  async function racingHellos(n: number, hello: Record<string, unknown>, url = server.wsUrl) {
    const socks = await Promise.all(Array.from({ length: n }, () => RawClient.open(url)));
    for (const s of socks) s.sendJson(hello);
    const outcomes = await Promise.all(
      socks.map((s) =>
        Promise.race([s.next('welcome').then(() => 'welcome' as const), s.closed.then(({ code }) => code)]),
      ),
    );
    return { socks, outcomes };
  }

  it('lets exactly one of several simultaneous extra hellos of one guest in; the others never see a welcome', async () => {
    const session = 'racesessionracesession01';
    const hello = { type: 'hello', v: 1, nick: 'racer', session };
    const a = await RawClient.connect(server.wsUrl, 'racer', session);
    const { socks, outcomes } = await racingHellos(4, hello);
    expect(outcomes.filter((o) => o === 'welcome')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 4005)).toHaveLength(3);
    for (const s of socks.filter((_, i) => outcomes[i] === 4005)) {
      expect(s.frames.map((f) => f.type)).toEqual(['error']);
      expect(s.frames[0]).toMatchObject({ code: 'too_many_connections', retryable: true });
    }
    const inside = socks[outcomes.indexOf('welcome')] as RawClient;
    await inside.request('pong', { type: 'ping', id: 'in' });
    // Refused connections hold no slot: once one of the two leaves, a new hello gets in.
    inside.close();
    await inside.closed;
    const again = await RawClient.connect(server.wsUrl, 'racer', session);
    expect(again.welcome.user.id).toBe(a.welcome.user.id);
    a.close();
    again.close();
    await Promise.all([a.closed, again.closed]);
  });

  it('refuses an account the same way, after hello and without a welcome', async () => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'capaccount', password: 'correct horse battery' }),
    });
    expect(res.status).toBe(200);
    const { accessToken } = (await res.json()) as { accessToken: string };
    const url = `${server.wsUrl}?token=${encodeURIComponent(accessToken)}`;
    const { socks, outcomes } = await racingHellos(3, { type: 'hello', v: 1, nick: 'ignored' }, url);
    expect(outcomes.filter((o) => o === 'welcome')).toHaveLength(2);
    const refused = socks[outcomes.indexOf(4005)] as RawClient;
    expect(refused.frames.map((f) => f.type)).toEqual(['error']);
    for (const s of socks) s.close();
    await Promise.all(socks.map((s) => s.closed));
  });
});

describe('--trust-proxy', () => {
  it('ignores X-Forwarded-For by default and uses it when set', async () => {
    const base = ['--max-connections-per-ip', '1'];
    const plain = await startServer({ defaultLimits: true, args: base });
    const proxied = await startServer({ defaultLimits: true, args: [...base, '--trust-proxy', '1'] });
    try {
      const a = await tryUpgrade(plain.wsUrl, { 'X-Forwarded-For': '203.0.113.1' });
      expect(statusOf(await tryUpgrade(plain.wsUrl, { 'X-Forwarded-For': '203.0.113.2' }))).toBe(503);
      const b = await tryUpgrade(proxied.wsUrl, { 'X-Forwarded-For': '203.0.113.1' });
      expect(statusOf(await tryUpgrade(proxied.wsUrl, { 'X-Forwarded-For': '203.0.113.2' }))).toBe(101);
      expect(statusOf(await tryUpgrade(proxied.wsUrl, { 'X-Forwarded-For': '203.0.113.1' }))).toBe(503);
      statusOf(a);
      statusOf(b);
    } finally {
      await Promise.all([plain.dispose(), proxied.dispose()]);
    }
  });

  it('counts IPv6 clients per /64, so new addresses from one prefix do not escape the per-IP caps', async () => {
    const s = await startServer({
      defaultLimits: true,
      args: [
        '--trust-proxy',
        '1',
        '--max-connections-per-ip',
        '1',
        '--ip-connects-burst',
        '2',
        '--ip-connects-per-sec',
        '0',
      ],
    });
    try {
      const held = await tryUpgrade(s.wsUrl, { 'X-Forwarded-For': '2001:db8:1:2::1' });
      expect('open' in held).toBe(true);
      // Another address in the same /64 is the same client as far as the caps are concerned.
      expect(statusOf(await tryUpgrade(s.wsUrl, { 'X-Forwarded-For': '2001:db8:1:2:ffff::9' }))).toBe(503);
      expect(statusOf(await tryUpgrade(s.wsUrl, { 'X-Forwarded-For': '2001:db8:1:3::1' }))).toBe(101);
      // Once the first socket is gone the /64 may connect again, until its burst (2, no refill) is spent.
      statusOf(held);
      const sameNet = async (): Promise<number> =>
        statusOf(await tryUpgrade(s.wsUrl, { 'X-Forwarded-For': '2001:db8:1:2::abcd' }));
      await waitUntil(async () => (await sameNet()) === 101, { what: 'the /64 to be released' });
      await waitUntil(async () => (await sameNet()) === 429, { what: 'the /64 connection rate' });
    } finally {
      await s.dispose();
    }
  });
});

describe('frames per connection (every frame, even invalid ones)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      defaultLimits: true,
      // No refill (rate 0), so a slow machine cannot earn an extra token mid-test.
      args: ['--conn-frames-burst', '5', '--conn-frames-per-sec', '0', '--rate-strikes', '100'],
    });
  });
  afterAll(() => server.dispose());

  it('answers reads and garbage past the burst with rate_limited + retryAfterMs', async () => {
    const c = await RawClient.connect(server.wsUrl, 'chatty'); // hello is the first frame of the burst
    for (let i = 0; i < 4; i++) c.sendJson({ type: 'ping', id: `p${i}` });
    for (let i = 0; i < 3; i++) c.sendJson({ type: 'ping', id: `q${i}` });
    c.sendRaw('{"type":"ping","id":"junk"'); // truncated JSON counts too
    const answers = await waitUntil(() => {
      const got = c.frames.filter((f) => f.type === 'pong' || f.type === 'error');
      return got.length >= 8 ? got : undefined;
    });
    expect(answers.filter((f) => f.type === 'pong').map((f) => f.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    const refused = answers.filter((f): f is ErrorFrame => f.type === 'error');
    expect(refused.map((e) => e.code)).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'rate_limited']);
    for (const e of refused) expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(refused.map((e) => e.id)).toEqual(['q0', 'q1', 'q2', undefined]);
    c.close();
  });
});
