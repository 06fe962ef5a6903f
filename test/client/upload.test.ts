/** The SDK's file API against a real server: upload with progress, sendFile, links, cancel, limits. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBase } from '../../src/client/upload.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, roomName, waitUntil } from './helpers.ts';

const MAX_UPLOAD = 512 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ args: ['--max-upload-bytes', String(MAX_UPLOAD), '--user-uploads-burst', '1000'] });
});

afterAll(async () => {
  await server?.dispose();
});

const photo = () =>
  sharp({ create: { width: 800, height: 400, channels: 3, background: { r: 250, g: 200, b: 20 } } })
    .jpeg()
    .toBuffer();

describe('files in the SDK', () => {
  it('derives the HTTP base from the WebSocket URL', () => {
    expect(httpBase('ws://127.0.0.1:8080/ws')).toBe('http://127.0.0.1:8080');
    expect(httpBase('wss://chat.example/parley/ws')).toBe('https://chat.example/parley');
  });

  it('uploads with progress, sends an image, and the other member gets the file and its links', async () => {
    const name = roomName();
    const ada = makeClient(server.wsUrl, 'ada');
    const ben = makeClient(server.wsUrl, 'ben');
    await Promise.all([inState(ada, 'connected'), inState(ben, 'connected')]);
    await ada.createRoom(name);
    await Promise.all([ada.join(name), ben.join(name)]);

    const bytes = await photo();
    const progress: [number, number][] = [];
    const ref = await ada.upload(name, bytes, { name: 'sun.jpg', onProgress: (s, t) => progress.push([s, t]) });
    expect(ref).toMatchObject({ name: 'sun.jpg', type: 'image/jpeg', size: bytes.length, width: 800, height: 400 });
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length]);
    expect(progress.every(([s], i) => i === 0 || s >= progress[i - 1]![0])).toBe(true);

    const ack = await ada.sendFile(name, ref, 'sunny');
    const got = await waitUntil(() => ben.seen.room(name).find((e) => e.seq === ack.seq), { what: 'image event' });
    expect(got).toMatchObject({ kind: 'image', body: 'sunny', file: ref });

    const links = await ben.fileLinks(ref.id);
    expect(links.url.startsWith(server.url)).toBe(true);
    const res = await fetch(links.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(links.thumbUrl!)).headers.get('content-type')).toBe('image/webp');
    // Cached: the same links until shortly before they expire.
    expect(await ben.fileLinks(ref.id)).toBe(links);
  });

  it('sendFile uploads a Blob and sends it as a file message', async () => {
    const name = roomName();
    const cy = makeClient(server.wsUrl, 'cy');
    await inState(cy, 'connected');
    await cy.createRoom(name);
    await cy.join(name);
    const blob = new Blob(['a,b\n1,2\n'], { type: 'text/csv' });
    const ack = await cy.sendFile(name, blob, '', { name: 'table.csv' });
    const event = await waitUntil(() => cy.seen.room(name).find((e) => e.seq === ack.seq), { what: 'file event' });
    expect(event).toMatchObject({ kind: 'file', body: '', file: { name: 'table.csv', type: 'text/plain', size: 8 } });
  });

  it('rejects with the server’s codes, checks the size limit first, and cancels', async () => {
    const name = roomName();
    const dee = makeClient(server.wsUrl, 'dee');
    await inState(dee, 'connected');
    await dee.createRoom(name);
    await expect(dee.upload(name, new Uint8Array(10).fill(65))).rejects.toMatchObject({ code: 'not_member' });
    await dee.join(name);
    const html = new TextEncoder().encode('<html><script>alert(1)</script>');
    await expect(dee.upload(name, html, { name: 'x.png' })).rejects.toMatchObject({
      code: 'file_type_not_allowed',
      retryable: false,
      allowed: expect.arrayContaining(['image/png', 'application/pdf']),
    });
    // welcome.limits.maxUploadBytes: refused before a byte is sent.
    let sent = 0;
    const big = new Uint8Array(MAX_UPLOAD + 1);
    await expect(dee.upload(name, big, { onProgress: (s) => (sent = s) })).rejects.toMatchObject({
      code: 'file_too_large',
      maxBytes: MAX_UPLOAD,
    });
    expect(sent).toBe(0);
    const controller = new AbortController();
    controller.abort();
    await expect(dee.upload(name, new Uint8Array(10), { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    await expect(dee.fileLinks('nonexistent')).rejects.toMatchObject({ code: 'file_not_found' });
  });
});
