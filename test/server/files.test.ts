/**
 * Uploads end to end against the real server: upload over HTTP, send an image message, another
 * member receives it live and in history and downloads it through a signed link; every rule of
 * docs/security.md "Uploads" attacked: identity, membership, kick and ban, size, sniffed type,
 * disguised markup, response headers, thumbnails, rate.
 */
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, EventFrame, FileRef, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

type Client = RawClient & { welcome: WelcomeFrame };

/** Small enough that "too large" bodies are cheap to send. */
const MAX_UPLOAD = 256 * 1024;

let server: TestServer;
let ann: Client; // uploads
let bob: Client; // member who receives
let eve: Client; // never joins
let n = 0;
const rid = (p: string) => `${p}-${++n}`;

interface UploadAnswer {
  status: number;
  headers: Headers;
  json: {
    file?: FileRef;
    url?: string;
    thumbUrl?: string;
    expiresAt?: number;
    error?: string;
    message?: string;
    retryAfterMs?: number;
  };
}

const guestAuth = (c: Client): string => `Session ${c.welcome.session}`;

async function upload(
  auth: string | undefined,
  room: string,
  body: Uint8Array,
  name = 'file.bin',
  base = server.url,
): Promise<UploadAnswer> {
  const res = await fetch(`${base}/api/rooms/${room}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'image/png' },
    body: body as Uint8Array<ArrayBuffer>,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as UploadAnswer['json'] };
}

async function links(auth: string, id: string): Promise<UploadAnswer> {
  const res = await fetch(`${server.url}/api/files/${id}`, { headers: { Authorization: auth } });
  return { status: res.status, headers: res.headers, json: (await res.json()) as UploadAnswer['json'] };
}

async function get(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file under the data directory's files/ (the tmp folder included). */
function storedFiles(dir = server.dataDir): string[] {
  const root = join(dir, 'files');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  return walk(root);
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .png()
    .toBuffer();

const join_ = (c: RawClient, room: string) => c.request('joined', { type: 'join', id: rid('j'), room });

const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  try {
    await c.request('ack', { id: rid('x'), ...frame });
  } catch (err) {
    return (err as { frame: ErrorFrame }).frame;
  }
  throw new Error('not refused');
};

beforeAll(async () => {
  server = await startServer({ args: ['--max-upload-bytes', String(MAX_UPLOAD), '--user-uploads-burst', '1000'] });
  ann = await RawClient.connect(server.wsUrl, 'ann');
  bob = await RawClient.connect(server.wsUrl, 'bob');
  eve = await RawClient.connect(server.wsUrl, 'eve');
  await join_(ann, 'general');
  await join_(bob, 'general');
});

afterAll(async () => {
  for (const c of [ann, bob, eve]) c?.close();
  await server?.dispose();
});

describe('uploads', () => {
  it('uploads an image, sends it, and another member receives it and downloads it', async () => {
    const image = await png(640, 480);
    const up = await upload(guestAuth(ann), 'general', image, 'holiday photo.png');
    expect(up.status).toBe(201);
    const file = up.json.file!;
    expect(file).toMatchObject({ name: 'holiday photo.png', size: image.length, type: 'image/png' });
    expect(file).toMatchObject({ width: 640, height: 480, thumb: true });

    const cid = rid('m');
    const ack = await ann.request('ack', {
      type: 'send',
      id: cid,
      room: 'general',
      kind: 'image',
      file: file.id,
      body: 'look',
    });
    const live = (await bob.next('event', (e) => e.seq === ack.seq)) as EventFrame;
    expect(live).toMatchObject({ kind: 'image', body: 'look', file, sender: { nick: 'ann' } });
    // History carries the same metadata.
    const page = await bob.request('history', { type: 'history', id: rid('h'), room: 'general', after: ack.seq - 1 });
    expect(page.events[0]).toMatchObject({ seq: ack.seq, kind: 'image', file });

    // Bob asks for his own links, then fetches the bytes and the thumbnail without any header.
    const mine = await links(guestAuth(bob), file.id);
    expect(mine.status).toBe(200);
    expect(mine.json.expiresAt).toBeGreaterThan(Date.now());
    const content = await get(mine.json.url!);
    expect(content.status).toBe(200);
    expect(content.bytes.equals(image)).toBe(true);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(content.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(content.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");

    const thumb = await get(mine.json.thumbUrl!);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(320);
    expect(thumb.bytes.length).toBeLessThan(image.length);
  });

  it('resends a file message idempotently and refuses someone else’s or another room’s file', async () => {
    const up = await upload(guestAuth(ann), 'general', await png(20, 20), 'a.png');
    const frame = { type: 'send', id: rid('m'), room: 'general', kind: 'image', file: up.json.file!.id };
    const first = await ann.request('ack', frame);
    const again = await ann.request('ack', frame);
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });

    // Bob may not post Ann's upload, even in its own room.
    expect((await errorOf(bob, { ...frame, id: rid('m') })).code).toBe('file_not_found');
    // Nor may Ann post it to another room.
    await ann.request('room', { type: 'create', id: rid('c'), room: 'elsewhere' });
    await join_(ann, 'elsewhere');
    expect((await errorOf(ann, { ...frame, id: rid('m'), room: 'elsewhere' })).code).toBe('file_not_found');
    expect((await errorOf(ann, { ...frame, id: rid('m'), file: 'nope' })).code).toBe('file_not_found');
    // A text message carries no file; an image message needs one.
    expect((await errorOf(ann, { ...frame, id: rid('m'), kind: 'text', body: 'x' })).code).toBe('bad_frame');
    expect((await errorOf(ann, { type: 'send', room: 'general', kind: 'image', body: 'x' })).code).toBe('bad_frame');
  });

  it('sends other files as kind "file", served as attachments, and refuses them as images', async () => {
    const text = Buffer.from('line one\nline two <b>not markup</b>\n');
    const up = await upload(guestAuth(ann), 'general', text, 'notes.txt');
    expect(up.status).toBe(201);
    expect(up.json.file).toEqual({ id: up.json.file!.id, name: 'notes.txt', size: text.length, type: 'text/plain' });
    expect(up.json.thumbUrl).toBeUndefined();
    const id = up.json.file!.id;
    const asImage = await errorOf(ann, { type: 'send', room: 'general', kind: 'image', file: id });
    expect(asImage.code).toBe('file_type_not_allowed');
    const ack = await ann.request('ack', { id: rid('m'), type: 'send', room: 'general', kind: 'file', file: id });
    expect(ack.seq).toBeGreaterThan(0);

    const got = await get(up.json.url!);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.bytes.equals(text)).toBe(true);
  });

  it('sniffs the content: markup posing as an image is refused, whatever its name or Content-Type', async () => {
    const before = storedFiles().length;
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>');
    const xmlSvg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    for (const [body, type] of [
      [html, 'text/html'],
      [svg, 'image/svg+xml'],
      [xmlSvg, 'application/xml'],
    ] as const) {
      const res = await upload(guestAuth(ann), 'general', body, 'cute-cat.png');
      expect(res.status, type).toBe(415);
      expect(res.json).toMatchObject({ error: 'file_type_not_allowed' });
      expect(res.json.message).toContain(type);
      // Names what may be uploaded, so a client can say it in words.
      expect((res.json as { allowed?: unknown }).allowed).toContain('image/png');
    }
    // PNG magic bytes in front of markup: sniffed as PNG, but it does not decode, so it is refused too.
    const real = await png(8, 8);
    const polyglot = Buffer.concat([real.subarray(0, 33), Buffer.from('<html><script>alert(1)</script>')]);
    const res = await upload(guestAuth(ann), 'general', polyglot, 'x.png');
    expect(res.status).toBe(415);
    expect(res.json.message).toContain('not a readable image');
    // Executables and unknown binaries are not on the default allow-list.
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64, 1)]);
    expect((await upload(guestAuth(ann), 'general', elf, 'tool')).status).toBe(415);
    expect((await upload(guestAuth(ann), 'general', Buffer.from([]), 'empty')).status).toBe(400);
    expect(storedFiles().length).toBe(before);
  });

  it('answers 413 past the size limit and leaves nothing on disk', async () => {
    const before = storedFiles();
    // Declared too large: refused before the body is read.
    const declared = await upload(guestAuth(ann), 'general', Buffer.alloc(MAX_UPLOAD + 1, 0x61), 'big.txt');
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe('file_too_large');
    expect((declared.json as { maxBytes?: unknown }).maxBytes).toBe(MAX_UPLOAD);
    // Streamed without a length: stored until it passes the limit, then aborted and removed.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/rooms/general/files?name=stream.txt`,
        { method: 'POST', headers: { Authorization: guestAuth(ann), 'Transfer-Encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 0x62);
      let sent = 0;
      const pump = (): void => {
        while (sent < MAX_UPLOAD * 3) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: 'file_too_large', maxBytes: MAX_UPLOAD });
    expect(storedFiles()).toEqual(before);
    // Exactly at the limit is fine.
    expect((await upload(guestAuth(ann), 'general', Buffer.alloc(MAX_UPLOAD, 0x63), 'max.txt')).status).toBe(201);
  });

  it('streams an upload to disk as it arrives, and a client that gives up leaves nothing behind', async () => {
    const before = storedFiles();
    const req = request(`${server.url}/api/rooms/general/files?name=cut.txt`, {
      method: 'POST',
      headers: { Authorization: guestAuth(ann), 'Content-Length': String(MAX_UPLOAD) },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(64 * 1024, 0x64));
    // The bytes land in a part file before the body has ended: nothing is held back in memory.
    const tmp = join(server.dataDir, 'files', 'tmp');
    await waitUntil(() => readdirSync(tmp).some((f) => f.endsWith('.part') && statSync(join(tmp, f)).size > 0), {
      what: 'a part file on disk',
    });
    req.destroy();
    await waitUntil(() => readdirSync(tmp).length === 0, { what: 'the part file removed' });
    expect(storedFiles()).toEqual(before);
  });

  it('refuses requests without a valid identity', async () => {
    const image = await png(4, 4);
    expect((await upload(undefined, 'general', image)).status).toBe(401);
    expect((await upload('Session not-a-session', 'general', image)).status).toBe(401);
    expect((await upload('Bearer a.b.c', 'general', image)).status).toBe(401);
    const up = await upload(guestAuth(ann), 'general', image);
    const res = await fetch(`${server.url}/api/files/${up.json.file!.id}`);
    expect(res.status).toBe(401);
    // A link is bound to its file, user and expiry: change any of them and it is refused.
    const url = new URL(up.json.url!, server.url);
    const tamper = (k: string, value: string) => {
      const u = new URL(url);
      u.searchParams.set(k, value);
      return `${u.pathname}${u.search}`;
    };
    expect((await get(tamper('u', bob.welcome.user.id))).status).toBe(403);
    expect((await get(tamper('e', String(Number(url.searchParams.get('e')) + 300)))).status).toBe(403);
    expect((await get(tamper('e', String(Math.floor(Date.now() / 1000) - 1)))).status).toBe(403);
    expect((await get(url.pathname)).status).toBe(403);
    const other = await upload(guestAuth(ann), 'general', image);
    expect((await get(`/api/files/${other.json.file!.id}/content${url.search}`)).status).toBe(403);
  });

  it('accepts an account’s access token, not its session token', async () => {
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: 'correct horse battery' }),
    });
    const grant = (await reg.json()) as { accessToken: string };
    const carol = await RawClient.connect(`${server.wsUrl}?token=${grant.accessToken}`, 'carol');
    try {
      await join_(carol, 'general');
      const image = await png(4, 4);
      expect((await upload(`Bearer ${grant.accessToken}`, 'general', image)).status).toBe(201);
      expect((await upload(guestAuth(carol), 'general', image)).status).toBe(401);
    } finally {
      carol.close();
    }
  });
});

describe('uploads follow room membership', () => {
  it('refuses uploads and downloads to non-members, and to a member once kicked or banned', async () => {
    const image = await png(16, 16);
    // Eve never joined general: she may not upload to it or ask for links to its files.
    const refused = await upload(guestAuth(eve), 'general', image);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('not_member');
    const up = await upload(guestAuth(ann), 'general', image);
    expect((await links(guestAuth(eve), up.json.file!.id)).status).toBe(404);
    // A private room is invisible: the same answer as a room that does not exist.
    await ann.request('room', { type: 'create', id: rid('c'), room: 'vault', visibility: 'private' });
    await join_(ann, 'vault');
    const hidden = await upload(guestAuth(eve), 'vault', image);
    const missing = await upload(guestAuth(eve), 'no-such-room', image);
    expect(hidden.status).toBe(404);
    expect(hidden.json.error).toBe('room_not_found');
    expect(missing.status).toBe(404);
    const secret = await upload(guestAuth(ann), 'vault', image, 'secret.png');
    expect(secret.status).toBe(201);
    const probe = await links(guestAuth(eve), secret.json.file!.id);
    const nothing = await links(guestAuth(eve), 'doesnotexist');
    expect([probe.status, probe.json]).toEqual([nothing.status, nothing.json]);

    // Bob is invited, gets links, then is kicked: his links stop working at once.
    for (const [action, who] of [
      ['kick', bob],
      ['ban', bob],
    ] as const) {
      await ann.request('ack', { type: 'invite', id: rid('i'), room: 'vault', user: who.welcome.user.id });
      await join_(who, 'vault');
      const his = await links(guestAuth(who), secret.json.file!.id);
      expect(his.status).toBe(200);
      expect((await get(his.json.url!)).status).toBe(200);
      await ann.request('ack', { type: action, id: rid('k'), room: 'vault', user: who.welcome.user.id });
      expect((await get(his.json.url!)).status, action).toBe(404);
      expect((await get(his.json.thumbUrl!)).status, action).toBe(404);
      expect((await links(guestAuth(who), secret.json.file!.id)).status, action).toBe(404);
      expect((await upload(guestAuth(who), 'vault', image)).status, action).toBe(404);
    }
  });
});

describe('upload rate', () => {
  let limited: TestServer;
  afterAll(async () => limited?.dispose());

  it('limits uploads per user with 429 and Retry-After', async () => {
    limited = await startServer({ args: ['--user-uploads-burst', '2', '--user-uploads-per-min', '1'] });
    const dan = await RawClient.connect(limited.wsUrl, 'dan');
    try {
      await join_(dan, 'general');
      const image = await png(4, 4);
      const auth = guestAuth(dan);
      expect((await upload(auth, 'general', image, 'a.png', limited.url)).status).toBe(201);
      expect((await upload(auth, 'general', image, 'b.png', limited.url)).status).toBe(201);
      const third = await upload(auth, 'general', image, 'c.png', limited.url);
      expect(third.status).toBe(429);
      expect(third.json.error).toBe('rate_limited');
      expect(third.json.retryAfterMs).toBeGreaterThan(0);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      dan.close();
    }
  });
});
