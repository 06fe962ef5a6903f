/** Handshake abuse: wrong origins, bad paths, garbage upgrade requests and a connection flood. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { withDeadline } from '../support/wait.ts';
import { rawExchange, statusOf, tryUpgrade } from './upgrade.ts';

let server: TestServer;
let canary: RawClient;

beforeAll(async () => {
  // The default limits, so the flood meets the real per-IP rate (10/s, burst 100) and cap (256).
  server = await startServer({ defaultLimits: true });
  canary = await RawClient.connect(server.wsUrl, 'canary');
  await canary.request('joined', { type: 'join', id: 'j', room: 'general' });
});

afterAll(async () => {
  canary.close();
  await server.dispose();
});

const upgradeHeaders = (extra: string): string =>
  `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;

describe('garbage upgrade requests are refused before any socket', () => {
  const cases: [string, string, RegExp][] = [
    ['no Sec-WebSocket-Key', upgradeHeaders('Sec-WebSocket-Version: 13\r\n'), /^HTTP\/1\.1 400/],
    [
      'a malformed key',
      upgradeHeaders('Sec-WebSocket-Key: not-base64!!\r\nSec-WebSocket-Version: 13\r\n'),
      /^HTTP\/1\.1 400/,
    ],
    [
      'an unknown version',
      upgradeHeaders('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n'),
      /^HTTP\/1\.1 400/,
    ],
    [
      'a foreign origin',
      upgradeHeaders(
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n',
      ),
      /^HTTP\/1\.1 403/,
    ],
    ['binary garbage', '\u0000\u0001\u0002\u00ff\r\n\r\n', /^HTTP\/1\.1 400|^$/],
    ['a header too large', upgradeHeaders(`X-Big: ${'a'.repeat(20_000)}\r\n`), /^HTTP\/1\.1 431|^$/],
    [
      'a path with traversal',
      'GET /ws/../../etc/passwd HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      /^HTTP\/1\.1 (400|404)/,
    ],
  ];
  for (const [name, bytes, expected] of cases) {
    it(`refuses ${name}`, async () => {
      const reply = await rawExchange(server.port, bytes);
      expect(reply).toMatch(expected);
      expect(reply).not.toMatch(/^HTTP\/1\.1 101/);
      await canary.request('pong', { type: 'ping', id: `p-${name}` });
    });
  }

  it('answers bad paths with 404', async () => {
    for (const path of ['/', '/ws/', '/WS', '/wss', '/api/rooms', '/ws%00']) {
      const status = statusOf(await tryUpgrade(`ws://127.0.0.1:${server.port}${path}`));
      expect([400, 404], path).toContain(status);
    }
  });
});

describe('a connection flood from one IP', () => {
  it('is cut off at the upgrade with 429/503 while existing sessions keep working', async () => {
    const ATTEMPTS = 400;
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: ATTEMPTS }, () => tryUpgrade(server.wsUrl).catch(() => ({ status: -1, body: '' }))),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) {
      const key = 'open' in o ? '101' : String(o.status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const elapsedS = (Date.now() - started) / 1000;
    console.log(
      `connection flood of ${ATTEMPTS} from 127.0.0.1 in ${elapsedS.toFixed(2)} s: ${JSON.stringify(counts)}`,
    );
    // The burst (100) plus the refill (10/s) while the flood lasted gets in; the rest are refused
    // before a socket exists.
    const admitted = Math.ceil(100 + 10 * elapsedS);
    expect(counts['101'] ?? 0).toBeLessThanOrEqual(admitted);
    expect((counts['429'] ?? 0) + (counts['503'] ?? 0)).toBeGreaterThanOrEqual(ATTEMPTS - admitted);
    expect(counts['-1'] ?? 0).toBe(0);
    // The canary, connected before the flood, still round-trips; health still answers.
    await withDeadline(canary.request('pong', { type: 'ping', id: 'after-flood' }), 2_000, 'canary');
    await canary.request('ack', { type: 'send', id: 'after-flood', room: 'general', kind: 'text', body: 'still here' });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    for (const o of outcomes) statusOf(o);
  });
});
