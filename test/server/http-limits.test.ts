/**
 * Issue 10, finding 7: slow HTTP clients were held for minutes (headers a line every 10 s for
 * 80 s, login bodies a byte every 10 s for 320 s) and each timeout was logged as an error with a
 * stack. Deadlines here are short flags, so a client that is still held after a few seconds
 * would have been held by the old defaults; on loopback there is one client IP, so the per-IP
 * cap is shown by refusing the N+1th socket and freeing a slot on close.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const CAP = 4;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    args: [
      '--http-headers-timeout-ms',
      '500',
      '--http-body-timeout-ms',
      '500',
      '--http-keep-alive-timeout-ms',
      '60000',
      '--max-http-connections-per-ip',
      String(CAP),
      '--log-level',
      'info',
    ],
  });
});
afterAll(() => server?.dispose());

interface Held {
  socket: Socket;
  /** Everything the server sent. */
  text: () => string;
  /** Resolves when the server (or anyone) closed the socket. */
  closed: Promise<void>;
}

function open(): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, text: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Sends `write` every `everyMs` until the socket closes. */
function trickle(held: Held, write: () => string, everyMs: number): void {
  const timer = setInterval(() => held.socket.writable && held.socket.write(write()), everyMs);
  void held.closed.then(() => clearInterval(timer));
}

/** A keep-alive GET /healthz on `held`, answered 200 (so the server has counted the socket). */
async function healthy(held: Held): Promise<boolean> {
  const before = held.text().length;
  held.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await withDeadline(
    Promise.race([waitUntil(() => held.text().length > before, { what: 'an answer' }), held.closed]),
    10_000,
    'healthz answered or socket closed',
  );
  return held.text().slice(before).startsWith('HTTP/1.1 200');
}

describe('HTTP deadlines', () => {
  it('cuts a client that sends its headers a line at a time, with 408', async () => {
    const held = await open();
    held.socket.write('GET /healthz HTTP/1.1\r\n');
    trickle(held, () => 'X-Slow: 1\r\n', 100);
    // The old default (60 s, checked every 30 s) held it for up to 90 s.
    await withDeadline(held.closed, 10_000, 'the slow-header client cut');
    expect(held.text()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts a login body trickled a byte at a time, with 408', async () => {
    const held = await open();
    held.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{',
    );
    trickle(held, () => ' ', 100);
    await withDeadline(held.closed, 10_000, 'the trickled login body cut');
    expect(held.text()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('logs those timeouts at info, without a stack or an error line', async () => {
    const out = await waitUntil(() => {
      const text = server.output();
      return text.includes('http request timed out') && text.includes('auth body not received') ? text : undefined;
    });
    const lines = out.split('\n').filter((l) => /timed out|not received/.test(l));
    for (const line of lines) {
      expect(line).toContain('"level":30');
      expect(line).not.toContain('"stack"');
    }
    expect(out).not.toMatch(/"level":50/);
  });
});

describe('plain HTTP sockets per IP', () => {
  it(`refuses socket ${CAP + 1} from one address, and a closed one frees its slot`, async () => {
    const held: Held[] = [];
    for (let i = 0; i < CAP; i++) {
      const h = await open();
      expect(await healthy(h), `socket ${i + 1} served`).toBe(true);
      held.push(h);
    }
    const extra = await open();
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await withDeadline(extra.closed, 10_000, 'the extra socket refused');
    expect(extra.text()).toMatch(/^HTTP\/1.1 503 /);

    held.shift()?.socket.destroy();
    // The server hears of the close a moment later: until then a new socket is refused.
    const next = await waitUntil(
      async () => {
        const h = await open();
        if (await healthy(h)) return h;
        h.socket.destroy();
        return undefined;
      },
      { what: 'a freed slot', intervalMs: 50 },
    );
    held.push(next);
    // Full again.
    const again = await open();
    await withDeadline(again.closed, 10_000, 'the extra socket refused again');
    expect(again.text()).toMatch(/^HTTP\/1.1 503 /);
    for (const h of held) h.socket.destroy();
  });

  it('does not count WebSockets: they have their own cap', async () => {
    const sockets = [];
    // An upgrade starts as a plain request: until the server has heard the previous test's sockets
    // close (a moment after they were destroyed) it may still find the HTTP slots full (503).
    for (let i = 0; i < CAP + 2; i++) {
      const connect = (): Promise<RawClient | undefined> =>
        RawClient.connect(server.wsUrl, `ws${i}`).catch(() => undefined);
      sockets.push(await waitUntil(connect, { what: `WebSocket ${i + 1} open`, intervalMs: 50 }));
    }
    const held: Held[] = [];
    for (let i = 0; i < CAP; i++) {
      const h = await waitUntil(
        async () => {
          const s = await open();
          if (await healthy(s)) return s;
          s.socket.destroy();
          return undefined;
        },
        { what: `HTTP socket ${i + 1} served`, intervalMs: 50 },
      );
      held.push(h);
    }
    expect(held).toHaveLength(CAP);
    for (const h of held) h.socket.destroy();
    for (const s of sockets) s.close();
  });
});
