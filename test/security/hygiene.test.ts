/** Input hygiene: text cleaning, restricted names, forged ids and fields, and the HTTP security headers. */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
type Connected = Awaited<ReturnType<typeof RawClient.connect>>;
let alice: Connected;
let bob: Connected;

beforeAll(async () => {
  server = await startServer({ web: true });
  alice = await RawClient.connect(server.wsUrl, 'alice');
  bob = await RawClient.connect(server.wsUrl, 'bob');
  for (const c of [alice, bob]) await c.request('joined', { type: 'join', id: 'j', room: 'general' });
});

afterAll(async () => {
  alice.close();
  bob.close();
  await server.dispose();
});

async function stored(body: string, id: string): Promise<string | undefined> {
  const ack = await alice.request('ack', { type: 'send', id, room: 'general', kind: 'text', body });
  const page = await alice.request('history', { type: 'history', id: `h-${id}`, room: 'general', after: ack.seq - 1 });
  return page.events[0]?.body;
}

describe('text is cleaned before it is stored', () => {
  it('replaces lone surrogates with U+FFFD and keeps surrogate pairs', async () => {
    expect(await stored('a\ud800b\udfffc \ud83d\ude00', 'lone')).toBe('a\ufffdb\ufffdc \ud83d\ude00');
  });

  it('strips bidi overrides and C0/C1 controls but keeps ZWJ emoji and combining marks (NFC)', async () => {
    const family = '\ud83d\udc69\u200d\ud83d\udc67';
    expect(await stored(`\u202eevil\u202c ${family} e\u0301 \u001b[31m\u0085x`, 'bidi')).toBe(
      `evil ${family} \u00e9 [31mx`,
    );
  });

  it('cleans and bounds room titles', async () => {
    const room = await alice.request('room', {
      type: 'create',
      id: 'c1',
      room: 'hygiene',
      title: `  a\u0000\nb\u202e \t  c  `,
    });
    expect(room.room.title).toBe('a b c');
    await expect(
      alice.request('room', { type: 'create', id: 'c2', room: 'hygiene2', title: 'x'.repeat(81) }),
    ).rejects.toThrow('bad_frame');
  });
});

describe('names are restricted to a safe set', () => {
  const badNicks = ['ad\u200bmin', '<b>x</b>', '\u0000', '   ', 'x'.repeat(33), 'a"b', 'e\u0301\u0301\u0301'];
  for (const nick of badNicks) {
    it(`refuses the nickname ${JSON.stringify(nick)} with nick_invalid and close 4400`, async () => {
      const c = await RawClient.open(server.wsUrl);
      c.sendJson({ type: 'hello', v: 1, nick });
      expect((await c.next('error')).code).toBe('nick_invalid');
      expect((await c.closed).code).toBe(4400);
    });
  }

  for (const room of ['General', 'a b', '../x', '-x', 'x'.repeat(33), '__proto__', 'caf\u00e9']) {
    it(`refuses the room name ${JSON.stringify(room)} with room_invalid`, async () => {
      await expect(alice.request('joined', { type: 'join', id: `r-${room}`, room })).rejects.toThrow('room_invalid');
    });
  }
});

describe('forged ids and fields', () => {
  it("someone else's client id makes a new message of your own, never touches theirs", async () => {
    const a = await alice.request('ack', { type: 'send', id: 'shared-cid', room: 'general', kind: 'text', body: 'A' });
    const b = await bob.request('ack', {
      type: 'send',
      id: 'shared-cid',
      room: 'general',
      kind: 'text',
      body: 'B',
      sender: { id: alice.welcome.user.id, nick: 'alice' },
    });
    expect(b.duplicate).toBe(false);
    expect(b.seq).not.toBe(a.seq);
    const page = await bob.request('history', { type: 'history', id: 'hf', room: 'general', after: a.seq - 1 });
    const [first, second] = page.events;
    expect(first).toMatchObject({
      seq: a.seq,
      body: 'A',
      sender: { id: alice.welcome.user.id, nick: alice.welcome.user.nick },
    });
    expect(second).toMatchObject({
      seq: b.seq,
      body: 'B',
      sender: { id: bob.welcome.user.id, nick: bob.welcome.user.nick },
    });
  });

  it("refuses edits and deletes of someone else's message", async () => {
    const a = await alice.request('ack', { type: 'send', id: 'mine', room: 'general', kind: 'text', body: 'keep' });
    await expect(
      bob.request('ack', { type: 'edit', id: 'e', room: 'general', ref: a.seq, body: 'hijacked' }),
    ).rejects.toThrow('not_allowed');
    await expect(bob.request('ack', { type: 'delete', id: 'd', room: 'general', ref: a.seq })).rejects.toThrow(
      'not_allowed',
    );
  });

  it('closes with 1007 on a text frame that is not UTF-8, and others are unaffected', async () => {
    const c = await RawClient.connect(server.wsUrl, 'badutf8');
    c.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
    expect((await c.closed).code).toBe(1007);
    await alice.request('pong', { type: 'ping', id: 'utf8-after' });
  });
});

describe('security headers on every HTTP response', () => {
  const asset = readdirSync(new URL('../../dist/web/assets/', import.meta.url)).find((f) => f.endsWith('.js'));
  const paths = ['/', '/index.html', `/assets/${asset}`, '/favicon.svg', '/some/spa/route', '/healthz'];
  const more = ['/api/rooms', '/api/nope', '/api/rooms/general/history', '/api/rooms/%E0%A4%A/history'];
  for (const path of [...paths, ...more]) {
    it(`sets CSP and friends on GET ${path}`, async () => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBeLessThan(500);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      // HSTS only with native TLS (tls.test.ts): over plain http it would mean nothing.
      expect(res.headers.get('strict-transport-security')).toBeNull();
      await res.arrayBuffer();
    });
  }

  it('sets them on a refused method too', async () => {
    const res = await fetch(`${server.url}/api/rooms`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('the built index.html has no inline script or style that the CSP would block', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
