/**
 * The WebSocket upgrade's target (gateway/upgrade.ts): `/ws` (with or without a query) upgrades;
 * another path gets 404 and a target that does not parse 400, before any socket exists.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { withDeadline } from '../support/wait.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

/** The status line the server answers a raw upgrade request for `target` with. */
async function upgradeStatus(target: string): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  const head = new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) resolve(got.slice(0, got.indexOf('\r\n')));
    });
    socket.on('close', () => resolve(got));
  });
  socket.write(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  try {
    return await withDeadline(head, 5_000, `answer to ${target}`);
  } finally {
    socket.destroy();
  }
}

describe('upgrade target', () => {
  it('upgrades /ws and /ws with a query; 404 for another path; 400 for a target that does not parse', async () => {
    expect(await upgradeStatus('/ws')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgradeStatus('/ws?v=1')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgradeStatus('/wss')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeStatus('/ws/')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeStatus('//ws')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgradeStatus('http://127.0.0.1/ws')).toBe('HTTP/1.1 400 Bad Request');
  });
});
