/** Bad input gets a documented error; the connection and everyone else's data survive. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let client: RawClient;

beforeAll(async () => {
  server = await startServer({ args: ['--hello-timeout-ms', '500'] });
  client = await RawClient.connect(server.wsUrl, 'tester');
  await client.request('joined', { type: 'join', id: 'j', room: 'general' });
});

afterAll(async () => {
  client.close();
  await server.dispose();
});

/** After each bad frame the same connection still answers a ping and can still send. */
async function stillWorks(): Promise<void> {
  await client.request('pong', { type: 'ping', id: `p${Math.random()}` });
}

describe('bad frames on an open connection', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['invalid JSON', '{"type": "send",', 'bad_json', undefined],
    ['a JSON array', '[1,2,3]', 'bad_frame', undefined],
    ['a JSON string', '"hello"', 'bad_frame', undefined],
    ['null', 'null', 'bad_frame', undefined],
    ['no type', '{"id":"n1"}', 'unknown_type', 'n1'],
    ['an unknown type', '{"type":"explode","id":"u1"}', 'unknown_type', 'u1'],
    ['a prototype key as type', '{"type":"__proto__","id":"u2"}', 'unknown_type', 'u2'],
    ['a wrong field type', '{"type":"send","id":"w1","room":"general","kind":"text","body":42}', 'bad_frame', 'w1'],
    ['a server-only kind', '{"type":"send","id":"w2","room":"general","kind":"system","body":"x"}', 'bad_frame', 'w2'],
    ['a bad room name', '{"type":"join","id":"w3","room":"../etc"}', 'room_invalid', 'w3'],
    ['a negative seq', '{"type":"history","id":"w4","room":"general","after":-1}', 'bad_frame', 'w4'],
    ['a huge limit', '{"type":"history","id":"w5","room":"general","limit":100000}', 'bad_frame', 'w5'],
    ['a second hello', '{"type":"hello","v":1,"nick":"again"}', 'already_hello', undefined],
  ];
  for (const [name, raw, code, id] of cases) {
    it(`answers ${name} with ${code} and keeps the connection`, async () => {
      client.sendRaw(raw);
      const err = await client.next('error', (e) => e.code === code);
      expect(err.message.length).toBeGreaterThan(0);
      expect(typeof err.retryable).toBe('boolean');
      if (id !== undefined) expect(err.id).toBe(id);
      await stillWorks();
    });
  }

  it('answers a binary frame with binary_unsupported', async () => {
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    await client.next('error', (e) => e.code === 'binary_unsupported');
    await stillWorks();
  });

  it('drops prototype-pollution keys and still stores the message once', async () => {
    client.sendRaw(
      '{"type":"send","id":"pp","room":"general","kind":"text","body":"ok","__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}',
    );
    const ack = await client.next('ack', (a) => a.id === 'pp');
    expect(ack.duplicate).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('normalises text and strips control characters', async () => {
    const ack = await client.request('ack', {
      type: 'send',
      id: 'nfc',
      room: 'general',
      kind: 'text',
      body: 'Cafe\u0301\u0000\u0007 \u202eok\nline',
    });
    const page = await client.request('history', { type: 'history', id: 'h', room: 'general', after: ack.seq - 1 });
    expect(page.events[0]?.body).toBe('Caf\u00e9 ok\nline');
  });
});

describe('frames before hello and connection-level limits', () => {
  it('answers requests before hello with not_ready', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.sendJson({ type: 'join', id: 'early', room: 'general' });
    expect(await c.next('error')).toMatchObject({ code: 'not_ready', id: 'early', retryable: true });
    c.close();
  });

  it('closes a connection that never says hello', async () => {
    const c = await RawClient.open(server.wsUrl);
    expect((await c.closed).code).toBe(4003);
  });

  it('closes with 1009 on a frame over the size limit, and others are unaffected', async () => {
    const c = await RawClient.connect(server.wsUrl, 'big');
    c.sendRaw('x'.repeat(70 * 1024));
    expect((await c.closed).code).toBe(1009);
    await stillWorks();
  });

  it('answers HTTP on unknown paths with JSON 404 and the security headers', async () => {
    const res = await fetch(`${server.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });
});
