/**
 * Issue 10 findings 1 and 2: one HTTP request or one frame used to kill the process. Each repro
 * is sent to a real server, which must answer it and keep serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { rawExchange } from './upgrade.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const TARGETS = ['//', '///', '//[', '//a:99999', '//evil.example/ws', '/\\\\a', '*', 'http://x/ws', '/%', '/%%/ws'];
const statusLine = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

async function healthy(): Promise<void> {
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
}

describe('a request target that URL parsing refuses', () => {
  it.each(TARGETS)('as a GET %s is answered 4xx and the server lives', async (target) => {
    const answer = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(statusLine(answer)).toBeGreaterThanOrEqual(400);
    expect(statusLine(answer)).toBeLessThan(500);
    await healthy();
  });

  it.each(TARGETS)('as a WebSocket upgrade %s is answered 4xx and the server lives', async (target) => {
    const answer = await rawExchange(
      server.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(statusLine(answer)).toBeGreaterThanOrEqual(400);
    expect(statusLine(answer)).toBeLessThan(500);
    await healthy();
  });
});

describe('a frame whose type is not a string', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  const FRAMES = [
    '{"type":{"toString":1}}',
    '{"type":{"toString":{},"valueOf":{}}}',
    `{"type":${deep(5000)}}`,
    `{"type":{"a":${deep(5000)}}}`,
    '{"type":123e400}',
    '{"type":null,"id":{"toString":1}}',
  ];

  it.each(FRAMES.map((f) => [f.slice(0, 40), f]))('before hello, %s answers unknown_type', async (_, frame) => {
    const client = await RawClient.open(server.wsUrl);
    client.sendRaw(frame);
    const error = await client.next('error');
    expect(error.code).toBe('unknown_type');
    expect(error.message.length).toBeLessThan(200);
    // The connection stays usable.
    client.sendJson({ type: 'hello', v: 1, nick: 'after' });
    await client.next('welcome');
    client.close();
    await healthy();
  });
});
