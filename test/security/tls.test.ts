/** --tls-cert / --tls-key: https and wss on the same port, with a self-signed certificate made here. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/protocol/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { withDeadline } from '../support/wait.ts';

const OPENSSL = '/usr/bin/openssl';
const available = existsSync(OPENSSL);
if (!available) {
  const why = `${OPENSSL} not found: the TLS test needs it to make a self-signed certificate`;
  if (process.env['PARLEY_REQUIRE_SERVICES'] === '1') throw new Error(why);
  console.warn(`skipping TLS test: ${why}`);
}

describe.skipIf(!available)('native TLS', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(OPENSSL, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https with the security headers', async () => {
    const { status, csp, hsts } = await withDeadline(
      new Promise<{ status: number; csp: string | undefined; hsts: string | undefined }>((resolve, reject) => {
        const req = request(`https://127.0.0.1:${server.port}/healthz`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              csp: res.headers['content-security-policy'] as string,
              hsts: res.headers['strict-transport-security'],
            }),
          );
        });
        req.on('error', reject);
        req.end();
      }),
      5_000,
      'https request',
    );
    expect(status).toBe(200);
    expect(csp).toContain("default-src 'self'");
    // Only over native TLS (hygiene.test.ts checks plain http has none).
    expect(hsts).toBe('max-age=31536000');
  });

  it('speaks wss on the same port, and refuses plain ws', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/ws`, { rejectUnauthorized: false });
    const welcome = await withDeadline(
      new Promise<ServerFrame>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, nick: 'secure' })));
        ws.once('message', (d) => resolve(JSON.parse(String(d)) as ServerFrame));
        ws.once('error', reject);
      }),
      5_000,
      'welcome over wss',
    );
    expect(welcome.type).toBe('welcome');
    ws.close();
    const plain = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    await withDeadline(
      new Promise<void>((resolve) => {
        plain.once('error', () => resolve());
        plain.once('open', () => resolve());
      }),
      5_000,
      'plain ws attempt',
    );
    expect(plain.readyState).not.toBe(WebSocket.OPEN);
    plain.terminate();
  });
});
