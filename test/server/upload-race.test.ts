/**
 * Issue 10, finding 5: uploads of about 4 KB to 64 KB hung forever on a busy machine, leaving a
 * complete `.part` file. When a body is already buffered and ended as reading starts, Node emits
 * `end` on the next tick after the last chunk is read; the head reader had just detached and the
 * stream reader attached only after the type sniff, so nobody heard it. Also: every stage of an
 * upload has a deadline, the client always gets an answer, and no `.part` file survives.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadBody } from '../../src/server/files/upload-body.ts';
import { SNIFF_BYTES } from '../../src/server/files/sniff.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

/** Each upload of the stress test must be answered within this (a hung one never is). */
const ANSWER_MS = 5_000;

/** Node reads a socket 64 KiB at a time: a request up to this size arrives as one chunk. */
const READ_CHUNK = 64 * 1024;

interface Answer {
  status: number;
  body: string;
}

/** Sends `head` and `body` in one write, so the body is buffered before the server reads it. */
function rawRequest(port: number, head: string, body: Buffer, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

const uploadHead = (auth: string, size: number) =>
  `POST /api/rooms/general/files?name=s${size}.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\n` +
  `Content-Length: ${String(size).padStart(6, '0')}\r\nConnection: close\r\n\r\n`;

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return out;
}

const partFiles = (server: TestServer) => readdirSync(join(server.dataDir, 'files', 'tmp'));

describe('an upload body already buffered and ended when reading starts', () => {
  let http: Server;
  let port: number;
  beforeAll(async () => {
    // What a loaded server does: it reaches the body only after the whole request has arrived.
    http = createServer((req, res) => {
      setTimeout(() => {
        const body = new UploadBody(req, 1 << 20, 5_000);
        void body.head(SNIFF_BYTES).then(async () => {
          await Promise.resolve(); // the type sniff is asynchronous
          let got = 0;
          const rest = body.stream();
          rest.on('data', (d: Buffer) => (got += d.length));
          rest.on('end', () => res.end(String(got)));
        });
      }, 20);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => http.close(() => r())));

  it('still ends, whatever its size (the reported hang was 4,200 to 65,000 bytes)', async () => {
    const head = (size: number) =>
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${String(size).padStart(6, '0')}\r\nConnection: close\r\n\r\n`;
    const oneChunk = READ_CHUNK - head(0).length;
    const sizes = [0, 1, SNIFF_BYTES - 1, SNIFF_BYTES, SNIFF_BYTES + 1, 4_200, 30_000, 65_000, oneChunk, 66_000];
    for (const size of sizes) {
      const answer = await rawRequest(port, head(size), Buffer.alloc(size, 0x61), 5_000);
      expect(answer, `size ${size}`).toEqual({ status: 200, body: String(size) });
    }
  });
});

describe('every upload size is answered on a loaded machine', () => {
  let server: TestServer;
  let burner: Worker | undefined;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    server = await startServer({ args: ['--user-uploads-burst', '100000', '--max-upload-bytes', '200000'] });
  });
  afterAll(async () => {
    await burner?.terminate();
    for (const c of clients) c.close();
    await server?.dispose();
  });

  it('answers every size from 0 to past 64 KiB, sent in one write or streamed, in parallel, under CPU load', async () => {
    // An account's token is checked asynchronously (HMAC off the main thread), so the body has
    // arrived in full before it is read: the condition of the hang, on any machine.
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'loaded', password: 'correct horse battery' }),
    });
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const account = await RawClient.connect(`${server.wsUrl}?token=${accessToken}`, 'loaded');
    const guest = await RawClient.connect(server.wsUrl, 'guest');
    clients.push(account, guest);
    for (const c of clients) await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    const bearer = `Bearer ${accessToken}`;
    const session = `Session ${guest.welcome.session}`;

    // The largest body that arrives with its headers in one read (names of 5-digit sizes).
    const oneChunk = READ_CHUNK - uploadHead(bearer, 65_000).length;
    const sizes = new Set<number>();
    for (let s = 0; s <= 70_000; s += 997) sizes.add(s);
    for (const edge of [1, SNIFF_BYTES, 16_384, 65_536, oneChunk]) for (let d = -2; d <= 2; d++) sizes.add(edge + d);
    const all = [...sizes].filter((s) => s >= 0).sort((a, b) => a - b);

    // Load: a thread that only burns CPU while the uploads run.
    burner = new Worker('for (;;) {}', { eval: true });
    await new Promise((r) => burner?.once('online', r));
    const results = await inParallel(
      all.flatMap((size) => [
        { size, how: 'one write' as const },
        { size, how: 'streamed' as const },
      ]),
      12,
      async ({ size, how }) => {
        const body = Buffer.alloc(size, 0x61);
        try {
          if (how === 'one write') {
            const a = await rawRequest(server.port, uploadHead(bearer, size), body, ANSWER_MS);
            // The raw answer may be chunked: read the stored size straight from the text.
            const stored = /"size":(\d+)/.exec(a.body)?.[1];
            return { size, how, status: a.status, stored: stored === undefined ? undefined : Number(stored) };
          }
          const res = await withDeadline(
            fetch(`${server.url}/api/rooms/general/files?name=f${size}.txt`, {
              method: 'POST',
              headers: { Authorization: session },
              body: body as Uint8Array<ArrayBuffer>,
            }),
            ANSWER_MS,
            `upload of ${size}`,
          );
          const json = (await res.json()) as { file?: { size: number } };
          return { size, how, status: res.status, stored: json.file?.size };
        } catch (err) {
          return { size, how, status: 0, stored: undefined, err: (err as Error).message };
        }
      },
    );
    await burner.terminate();
    burner = undefined;

    const wrong = results.filter((r) => (r.size === 0 ? r.status !== 400 : r.status !== 201 || r.stored !== r.size));
    expect(wrong, 'uploads not answered 201 with their size (0: 400)').toEqual([]);
    expect(results.length).toBe(all.length * 2);
    await waitUntil(() => partFiles(server).length === 0, { what: 'no part file left' });
  }, 55_000);
});

describe('upload deadlines', () => {
  let server: TestServer;
  let session: string;
  let client: RawClient & { welcome: { session: string } };
  beforeAll(async () => {
    server = await startServer({
      // A real process: the last test kills it to leave part files as a crash would.
      process: true,
      args: ['--user-uploads-burst', '100000', '--http-body-timeout-ms', '600', '--upload-timeout-ms', '3000'],
    });
    client = await RawClient.connect(server.wsUrl, 'slow');
    await client.request('joined', { type: 'join', id: 'j', room: 'general' });
    session = `Session ${client.welcome.session}`;
  });
  afterAll(async () => {
    client?.close();
    await server?.dispose();
  });

  /** Opens an upload of `declared` bytes, sends `first` of them, then calls `more` until the socket closes. */
  function slowUpload(declared: number, first: number, more?: (send: (b: Buffer) => void) => NodeJS.Timeout) {
    return new Promise<Answer>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      let text = '';
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text });
      });
      socket.write(uploadHead(session, declared));
      socket.write(Buffer.alloc(first, 0x61));
      if (more) timer = more((b) => socket.writable && socket.write(b));
    });
  }

  it('answers 408 to a body that stops arriving, and keeps no part file', async () => {
    // Past the sniffed head, so the bytes are already streaming into a part file.
    const answer = await withDeadline(slowUpload(100_000, 20_000), 15_000, 'the stalled upload answered');
    expect(answer.status).toBe(408);
    expect(answer.body).toContain('"error":"bad_request"');
    await waitUntil(() => partFiles(server).length === 0, { what: 'the part file removed' });
  });

  it('answers 408 to a body that trickles past --upload-timeout-ms, and keeps no part file', async () => {
    // A byte every 100 ms never trips the 600 ms pause deadline; the whole-upload one cuts it.
    const answer = await withDeadline(
      slowUpload(100_000, 10_000, (send) => setInterval(() => send(Buffer.from('a')), 100)),
      20_000,
      'the trickled upload answered',
    );
    expect(answer.status).toBe(408);
    await waitUntil(() => partFiles(server).length === 0, { what: 'the part file removed' });
    // The server logged it without an error-level line.
    expect(server.output()).not.toMatch(/"level":50/);
  });

  it('sweeps part files left by a crash when it starts', async () => {
    const tmp = join(server.dataDir, 'files', 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'left-by-a-crash.abc.part'), Buffer.alloc(1000));
    expect(statSync(join(tmp, 'left-by-a-crash.abc.part')).size).toBe(1000);
    client.close();
    await server.restart({ kill: true });
    expect(partFiles(server)).toEqual([]);
  });
});
