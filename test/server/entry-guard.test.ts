/**
 * The entry-point guard (src/server/guard.ts) on a real in-process HTTP server: whatever a
 * handler throws or rejects, that request gets 500 `internal` (or is cut once its answer began),
 * the failure is logged with its context, and the next request is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { guarded, guardRequest, guardUpgrade } from '../../src/server/guard.ts';
import { rawExchange } from '../security/upgrade.ts';

const lines: string[] = [];
const log = pino(
  { level: 'error' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  }),
);
let server: Server | undefined;
afterEach(async () => {
  lines.length = 0;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof guardRequest>[1]): Promise<string> {
  server = createServer(guardRequest(log, handler));
  server.on(
    'upgrade',
    guardUpgrade(log, () => {
      throw new Error('upgrade handler failed');
    }),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('guardRequest', () => {
  it('answers 500 internal for a synchronous throw and keeps serving', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      if (n++ === 0) throw new Error('sync failure');
      res.end('fine');
    });
    const first = await fetch(`${url}/x`);
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ error: 'internal', message: 'Internal server error' });
    expect(await (await fetch(`${url}/y`)).text()).toBe('fine');
    expect(lines.join('')).toContain('sync failure');
    expect(lines.join('')).toContain('"url":"/x"');
  });

  it('answers 500 internal for a rejection', async () => {
    const url = await serve(async () => {
      await Promise.resolve();
      throw new Error('async failure');
    });
    expect((await fetch(url)).status).toBe(500);
    expect(lines.join('')).toContain('async failure');
  });

  it('cuts a response that had already begun instead of writing a second head', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      throw new Error('mid-answer failure');
    });
    await expect(fetch(url).then((r) => r.text())).rejects.toThrow();
    expect(lines.join('')).toContain('mid-answer failure');
  });
});

describe('guardUpgrade', () => {
  it('destroys only the failing socket', async () => {
    const url = await serve((_req, res) => res.end('still here'));
    const port = Number(new URL(url).port);
    const answer = await rawExchange(
      port,
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect(answer).toBe('');
    expect(lines.join('')).toContain('upgrade handler failed');
    expect(await (await fetch(url)).text()).toBe('still here');
  });
});

describe('guarded', () => {
  it('contains a failing recovery too', () => {
    guarded(
      log,
      { timer: 'test' },
      () => {
        throw new Error('work failed');
      },
      () => {
        throw new Error('recovery failed');
      },
    );
    expect(lines.join('')).toContain('work failed');
    expect(lines.join('')).toContain('recovery failed');
  });
});
