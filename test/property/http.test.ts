/**
 * Property: every HTTP route of a real server (a child process) survives any request. Requests
 * are written byte for byte on raw sockets (nothing normalises them): any method, any path (the
 * routes, `//`, `///`, `//[`, `//a:99999`, `%` garbage, very long, non-ASCII), any headers
 * (JSON or not, forged and real credentials, ranges, chunked), and bodies of every size around
 * the stream chunk boundaries (0, 1, 4 KiB, 16 KiB and 64 KiB, each ±1); the same paths also as
 * WebSocket upgrades. The invariants: the process stays up, every request gets a well-formed
 * HTTP answer with a status below 500 (or 503), and /healthz keeps answering.
 *
 * Seeded (test/property/config.ts). A failure prints the seed and path; rerun with
 *   PARLEY_PROPERTY_SEED=<seed> npx vitest run test/property/http.test.ts
 * and run longer with PARLEY_PROPERTY_SEED=<any> PARLEY_PROPERTY_RUNS=<n>.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { withDeadline } from '../support/wait.ts';
import { LONG_RUN, propertyParams } from './config.ts';

/** Sizes around the chunk boundaries of Node streams (16 KiB high-water mark, 64 KiB file reads). */
const BODY_SIZES = [0, 1, 4095, 4096, 4097, 16383, 16384, 16385, 65535, 65536, 65537] as const;

const ROUTES = [
  '/',
  '/healthz',
  '/index.html',
  '/api/config',
  '/api/auth/register',
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/logout',
  '/api/rooms',
  '/api/rooms/general/history',
  '/api/rooms/general/files',
  '/api/rooms/nowhere/files',
  '/api/files/abc',
  '/api/files/abc/content',
  '/api/files/abc/thumb',
  '/metrics',
  '/ws',
];

/** Request targets that have crashed servers (issue 10 finding 1) or confuse URL parsers. */
const HOSTILE_PATHS = [
  '//',
  '///',
  '//[',
  '//a:99999',
  '//evil.example/x',
  '//@',
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%00',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/../../etc/passwd',
  '/api/rooms/%/history',
  '/api/rooms/%ff/history',
  '/api/rooms/%C0%AF/history',
  '/api/files/%/content',
  '/api/files/../../x/content',
  '/\\\\evil',
  '/é',
  '/😀',
  '/\u0000',
  '*',
  'http://127.0.0.1/',
  'http://[::1]:99999/',
  '',
  '?',
  '/?',
  '/#',
  '/api/rooms/general/history?before=-1&after=1e999&limit=%',
  '/api/rooms/general/history?limit=0',
  '/api/rooms/general/history?limit=9007199254740993',
  '/api/files/abc/content?e=NaN&s=%&u=',
];

const OTHER_METHODS = ['HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get', 'FOO', 'M-SEARCH', 'PROPFIND'];
/** Mostly the methods the routes serve, so most requests reach the server's own code. */
const method = fc.oneof(
  { weight: 3, arbitrary: fc.constant('GET') },
  { weight: 3, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_METHODS) },
);

/** Any request target: a route or hostile path, maybe with garbage appended, maybe very long. */
const target = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ROUTES, ...HOSTILE_PATHS) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ROUTES, ...HOSTILE_PATHS),
        fc.oneof(
          { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
          {
            weight: 2,
            arbitrary: fc.constantFrom('/', '//', '%', '%%', '?%', '#', ';', '..', '/.', '?a=1&a=2', '?name=%00.png'),
          },
        ),
      )
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 4_000, 8_000, 20_000).map((n) => `/${'a'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.constantFrom(2_000, 8_000).map((n) => `/api/rooms/${'%'.repeat(n)}/history`) },
);

/** The bytes of a request target: UTF-8, so non-ASCII and control characters reach the parser raw. */
const targetBytes = (t: string): Buffer => Buffer.from(t, 'utf8');

type Header = readonly [string, string];

/** Headers: content types, credentials (forged and real), ranges, forwarding, and any name and value. */
function headersArb(session: () => string): fc.Arbitrary<Header[]> {
  const header = fc.oneof(
    fc.constantFrom<Header>(
      ['Content-Type', 'application/json'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Type', 'text/plain'],
      ['Content-Type', 'multipart/form-data; boundary=x'],
      ['Content-Type', 'image/png'],
      ['Content-Type', ''],
      ['Authorization', 'Bearer x'],
      ['Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
      ['Authorization', 'Session nope'],
      ['Authorization', 'Basic Zm9vOmJhcg=='],
      ['Authorization', 'Bearer'],
      ['Range', 'bytes=0-1'],
      ['Range', 'bytes=-1'],
      ['Range', 'bytes=99999999999999999999-'],
      ['Range', 'bytes=5-1,0-0'],
      ['If-None-Match', '*'],
      ['If-Modified-Since', 'yesterday'],
      ['Accept-Encoding', 'gzip, br, *'],
      ['Origin', 'https://evil.example'],
      ['Origin', 'null'],
      ['X-Forwarded-For', '::1, 203.0.113.9, garbage'],
      ['Expect', '100-continue'],
      ['Cookie', '__proto__=1; constructor=2'],
    ),
    fc.constant(null).map((): Header => ['Authorization', `Session ${session()}`]),
    fc.constantFrom(100, 4_000, 9_000).map((n): Header => ['Authorization', `Bearer ${'a'.repeat(n)}`]),
    fc.tuple(
      fc.constantFrom('X-A', '__proto__', 'constructor', 'toString', 'Content-Type', 'Host', 'Authorization'),
      fc.string({ maxLength: 40 }),
    ),
  );
  return fc.array(header, { maxLength: 5 });
}

/** A body: JSON-ish, a PNG signature and padding, or bytes of one value, of a size around a chunk boundary. */
const body = fc
  .tuple(
    fc.oneof(fc.constantFrom(...BODY_SIZES), fc.nat({ max: 70_000 })),
    fc.constantFrom('json', 'png', 'x', 'zero', 'utf8'),
  )
  .map(([size, kind]) => {
    const fill = (head: Buffer, byte: number): Buffer =>
      Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), byte)]).subarray(0, size);
    if (kind === 'json') return fill(Buffer.from('{"username":"prop","password":"'), 0x61);
    if (kind === 'png') return fill(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 0);
    if (kind === 'zero') return Buffer.alloc(size);
    if (kind === 'utf8') return fill(Buffer.from('é😀\ud800'), 0x80);
    return Buffer.alloc(size, 0x78);
  });

interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly Header[];
  readonly body: Buffer;
  readonly chunked: boolean;
}

/** The request's bytes: a Host, the headers as given, then Content-Length (or chunks), Connection: close. */
function encode(r: RawRequest): Buffer {
  const lines = [`Host: 127.0.0.1`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  lines.push(r.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${r.body.length}`, 'Connection: close');
  const head = Buffer.concat([
    Buffer.from(`${r.method} `),
    targetBytes(r.target),
    Buffer.from(` HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`),
  ]);
  if (!r.chunked) return Buffer.concat([head, r.body]);
  const chunks: Buffer[] = [head];
  for (let i = 0; i < r.body.length; i += 4096) {
    const part = r.body.subarray(i, i + 4096);
    chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(chunks);
}

interface Answer {
  readonly status: number;
  readonly head: string;
}

/**
 * Writes the bytes on a fresh socket and reads the answer's head. The socket is left open for
 * writing (a half-close could read as an early end of the body); it is destroyed once the head
 * has come (for a 101, or a large body the server refused without reading it).
 */
function exchange(port: number, bytes: Buffer): Promise<Answer> {
  return withDeadline(
    new Promise<Answer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = Buffer.alloc(0);
      const finish = (): void => {
        const text = received.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        const m = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n/.exec(text);
        socket.destroy();
        if (end < 0 || !m) reject(new Error(`no well-formed HTTP answer: ${JSON.stringify(text.slice(0, 300))}`));
        else resolve({ status: Number(m[1]), head: text.slice(0, end) });
      };
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        // An interim 100 Continue (after Expect: 100-continue) is not the answer: read on.
        const interim = /^HTTP\/1\.[01] 100 [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/.exec(received.toString('latin1'));
        if (interim) received = received.subarray(Buffer.byteLength(interim[0], 'latin1'));
        if (received.includes('\r\n\r\n')) finish();
      });
      socket.on('error', () => finish());
      socket.on('close', () => finish());
      socket.on('connect', () => socket.write(bytes));
    }),
    15_000,
    'an HTTP answer',
  );
}

let server: TestServer;
let guestSession = '';

beforeAll(async () => {
  server = await startServer({
    // A real process: serverAlive() checks that no input crashed it.
    process: true,
    args: [
      '--default-rooms',
      'general',
      '--user-uploads-per-min',
      '100000',
      '--user-uploads-burst',
      '100000',
      // /metrics is served (behind a token), so hostile requests reach its route too.
      '--metrics-token',
      'property-test-metrics-token',
    ],
  });
  // A real guest session, so uploads get past authentication and read their bodies.
  const guest = await RawClient.connect(server.wsUrl, 'uploader');
  await guest.request('joined', { type: 'join', id: 'j', room: 'general' });
  guestSession = guest.welcome.session;
  guest.close();
});

afterAll(async () => {
  await server?.dispose();
});

function serverAlive(): void {
  expect(() => process.kill(server.pid(), 0), 'the server process is alive').not.toThrow();
}

async function healthy(): Promise<void> {
  const res = await withDeadline(fetch(`${server.url}/healthz`), 5_000, '/healthz');
  expect(res.status).toBe(200);
  await res.body?.cancel();
}

/** How often each status was answered, per test (printed after each, to show what was covered). */
const statuses = new Map<string, number>();
const tally = (status: number): void => void statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);

/** A status the server may answer with: anything below 500, or 503 (closing or over a cap). */
const acceptable = (status: number): boolean => status < 500 || status === 503;

/** Runs a live property; on failure prints the server's output tail (fast-check prints the seed). */
async function check<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, runs: number): Promise<void> {
  try {
    await fc.assert(property, propertyParams<Ts>(runs, { live: true }));
  } catch (err) {
    console.error(`server output (tail):\n${server.output().slice(-3_000)}`);
    throw err;
  }
  serverAlive();
  await healthy();
  console.log(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  statuses.clear();
}

const budget = LONG_RUN ? 600_000 : 60_000;

describe('every HTTP route, any request', () => {
  it(
    'any method, path, headers and body: a well-formed answer below 500, and health keeps answering',
    async () => {
      const request = fc.record({
        method,
        target,
        headers: headersArb(() => guestSession),
        body,
        chunked: fc.boolean(),
      });
      await check(
        fc.asyncProperty(request, async (r) => {
          const answer = await exchange(server.port, encode(r));
          tally(answer.status);
          const what = `${r.method} ${JSON.stringify(r.target.slice(0, 100))} (${r.body.length} bytes): ${answer.head.split('\r\n')[0]}`;
          expect(acceptable(answer.status), what).toBe(true);
          serverAlive();
        }),
        150,
      );
    },
    budget,
  );

  it(
    'every body size around a chunk boundary, on every route that reads a body',
    async () => {
      const reading = ['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout'];
      const request = fc.record({
        path: fc.constantFrom(...reading, '/api/rooms/general/files', '/api/rooms/general/files?name=a.png'),
        size: fc.constantFrom(...BODY_SIZES),
        kind: fc.constantFrom('png', 'json'),
        chunked: fc.boolean(),
      });
      await check(
        fc.asyncProperty(request, async ({ path, size, kind, chunked }) => {
          const headers: Header[] = path.includes('/files')
            ? [
                ['Authorization', `Session ${guestSession}`],
                ['Content-Type', kind === 'png' ? 'image/png' : 'text/plain'],
              ]
            : [['Content-Type', 'application/json']];
          const bytes =
            kind === 'png'
              ? Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(size)]).subarray(0, size)
              : Buffer.alloc(size, 0x61);
          const answer = await exchange(
            server.port,
            encode({ method: 'POST', target: path, headers, body: bytes, chunked }),
          );
          tally(answer.status);
          expect(acceptable(answer.status), `POST ${path} with ${size} bytes: ${answer.head.split('\r\n')[0]}`).toBe(
            true,
          );
        }),
        LONG_RUN ? 200 : 44,
      );
    },
    budget,
  );

  it(
    'WebSocket upgrades on any path: 101 on /ws, else a refusal below 500',
    async () => {
      const upgrade = fc.record({
        target: fc.oneof(fc.constant('/ws'), fc.constant('/ws?token=x'), target),
        headers: headersArb(() => guestSession),
        version: fc.constantFrom('13', '13', '8', 'x'),
      });
      await check(
        fc.asyncProperty(upgrade, async (u) => {
          const head = Buffer.concat([
            Buffer.from('GET '),
            targetBytes(u.target),
            Buffer.from(
              ' HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: ${u.version}\r\n` +
                u.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
                '\r\n',
            ),
          ]);
          const answer = await exchange(server.port, head);
          tally(answer.status);
          const what = `upgrade ${JSON.stringify(u.target.slice(0, 100))}: ${answer.head.split('\r\n')[0]}`;
          expect(answer.status === 101 || acceptable(answer.status), what).toBe(true);
          serverAlive();
        }),
        60,
      );
    },
    budget,
  );
});

describe('regressions found by the properties', () => {
  it.each(['//', '///', '//[', '//a:99999'])('%s as a request and as an upgrade (issue 10 finding 1)', async (path) => {
    const plain = await exchange(
      server.port,
      encode({ method: 'GET', target: path, headers: [], body: Buffer.alloc(0), chunked: false }),
    );
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
    const upgrade = await exchange(
      server.port,
      Buffer.from(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    expect(upgrade.status).toBeGreaterThanOrEqual(400);
    expect(upgrade.status).toBeLessThan(500);
    serverAlive();
    await healthy();
  });
});
