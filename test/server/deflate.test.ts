/**
 * permessage-deflate (issue 13 point 6): negotiated with server_no_context_takeover for clients
 * that offer it, large frames compressed once and the same bytes sent to every such client, plain
 * frames to the others; a client's compressed frames are inflated no further than
 * --max-frame-bytes (a zip bomb gets 1009 and a close), and no inflate context stays behind.
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  deflateNegotiation,
  releaseInflate,
  shareDeflate,
  takesDeflate,
  type DeflateShared,
} from '../../src/server/gateway/deflate.ts';
import { deflatedWire, prepareFrame } from '../../src/server/gateway/wire.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { withDeadline } from '../support/wait.ts';

let server: TestServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.dispose();
  server = undefined;
});

/** The permessage-deflate parameters the client accepted from the server's answer. */
const negotiated = (c: RawClient): Record<string, unknown> | undefined =>
  (c.ws as unknown as { _extensions: Record<string, { params: Record<string, unknown> }> })._extensions[
    'permessage-deflate'
  ]?.params;
const bytesRead = (c: RawClient): number => (c.ws as unknown as { _socket: Socket })._socket.bytesRead;
/** A body of about 3 KiB that compresses the way chat text does (repeats, not one byte). */
const BODY = Array.from({ length: 120 }, (_, i) => `line ${i % 17} of the deploy log: ok`)
  .join('\n')
  .slice(0, 3000);

async function client(nick: string, deflate: boolean): Promise<Awaited<ReturnType<typeof RawClient.connect>>> {
  const c = await RawClient.connect(server!.wsUrl, nick, undefined, { perMessageDeflate: deflate });
  clients.push(c);
  await c.request('joined', { type: 'join', id: 'j', room: 'general' });
  return c;
}

describe('permessage-deflate', () => {
  it('compresses a large event once for the clients that negotiated it; the others get it plain', async () => {
    server = await startServer();
    const [zipped1, zipped2, plain, sender] = [
      await client('z1', true),
      await client('z2', true),
      await client('p', false),
      await client('s', false),
    ];
    expect(negotiated(zipped1)).toMatchObject({ server_no_context_takeover: true, client_no_context_takeover: true });
    expect(negotiated(plain)).toBeUndefined();
    // Join, presence and status frames may still be on their way (signals flush on the server's
    // ticks): wait until each client has the sender's join, sees it online in the room and has its
    // own status (told to its own connections since its hello), so only the event is counted below.
    await Promise.all(
      [zipped1, zipped2, plain].map(async (c) => {
        await c.next('event', (e) => e.sender.nick === 's');
        await c.onlineWhen('general', (n) => n.includes('s'));
        await c.next('status', (f) => f.users.some((u) => u.user.id === c.welcome.user.id));
      }),
    );
    const before = [zipped1, zipped2, plain].map(bytesRead);
    await sender.request('ack', { type: 'send', id: 'm1', room: 'general', kind: 'text', body: BODY });
    const got = await Promise.all([zipped1, zipped2, plain].map((c) => c.next('event', (e) => e.body === BODY)));
    expect(got.map((e) => e.seq)).toEqual([got[0]!.seq, got[0]!.seq, got[0]!.seq]);
    const used = [zipped1, zipped2, plain].map((c, i) => bytesRead(c) - before[i]!);
    // The same compressed frame to both; far fewer bytes than the plain one.
    expect(used[0]).toBe(used[1]);
    expect(used[0]! * 3).toBeLessThan(used[2]!);
  });

  it('closes with 1009 a client whose compressed frame inflates past --max-frame-bytes, and serves others', async () => {
    server = await startServer();
    const bomb = await client('bomb', true);
    // 8 MiB of one letter is a few KiB compressed: ws on the client compresses it.
    bomb.sendJson({ type: 'send', id: 'b', room: 'general', kind: 'text', body: 'a'.repeat(8 * 1024 * 1024) });
    const closed = await withDeadline(bomb.closed, 5_000, 'close of the zip bomb');
    expect(closed.code).toBe(1009);
    const other = await client('ok', true);
    const ack = await other.request('ack', { type: 'send', id: 'm', room: 'general', kind: 'text', body: BODY });
    expect(ack.seq).toBeGreaterThan(0);
  });

  it('is off with --per-message-deflate off', async () => {
    server = await startServer({ args: ['--per-message-deflate', 'off'] });
    const c = await client('z', true);
    expect(negotiated(c)).toBeUndefined();
  });
});

describe('deflatedWire', () => {
  it('deflates a frame once, to a frame with RSV1 whose payload inflates to the JSON', () => {
    const json = JSON.stringify({ type: 'event', body: BODY });
    const prepared = prepareFrame(json);
    const wire = deflatedWire(prepared);
    expect(wire).not.toBeNull();
    expect(deflatedWire(prepared)).toBe(wire);
    const header = wire!.readUInt8(0);
    expect(header & 0x40).toBe(0x40); // RSV1: compressed
    expect(header & 0x0f).toBe(1); // text
    const length = wire!.readUInt8(1) === 126 ? wire!.readUInt16BE(2) : wire!.readUInt8(1);
    const payload = wire!.subarray(wire!.length - length);
    const inflated = inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(inflated.toString('utf8')).toBe(json);
  });

  it('keeps a frame that would not shrink uncompressed', () => {
    const prepared = prepareFrame(
      JSON.stringify({ r: Buffer.from(Array.from({ length: 64 }, (_, i) => i * 37)).toString('base64') }),
    );
    expect(deflatedWire(prepared)).toBeNull();
  });
});

/** A bare ws server on an ephemeral port, negotiating permessage-deflate as Parley does. */
async function deflateServer(): Promise<WebSocketServer> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: deflateNegotiation({ perMessageDeflate: true }),
    clientTracking: false,
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

describe('inflate contexts', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    const s = wss;
    wss = undefined;
    await new Promise((resolve) => s?.close(resolve));
  });

  it('are let go between messages and made again for the next compressed frame', async () => {
    wss = await deflateServer();
    const accepted = new Promise<WebSocket>((resolve) => wss!.once('connection', resolve));
    const peer = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const ws = await withDeadline(accepted, 5_000, 'connection');
    await withDeadline(
      new Promise((resolve) => (peer.readyState === WebSocket.OPEN ? resolve(0) : peer.once('open', resolve))),
      5_000,
      'open',
    );
    try {
      await exchange(ws, peer);
    } finally {
      peer.terminate();
      ws.terminate();
    }
  });
});

describe('deflate state', () => {
  let wss: WebSocketServer | undefined;
  const peers: WebSocket[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.terminate();
    const s = wss;
    wss = undefined;
    await new Promise((resolve) => s?.close(resolve));
  });

  it('is shared by the sockets of a server that negotiated alike, and each still inflates', async () => {
    wss = await deflateServer();
    const shared: DeflateShared = { params: new Map() };
    const connect = async (offer: object): Promise<WebSocket> => {
      const accepted = new Promise<WebSocket>((resolve) => wss!.once('connection', resolve));
      const peer = new WebSocket(`ws://127.0.0.1:${(wss!.address() as AddressInfo).port}`, {
        perMessageDeflate: offer,
      });
      peers.push(peer);
      const ws = await withDeadline(accepted, 5_000, 'connection');
      await withDeadline(
        new Promise((resolve) => (peer.readyState === WebSocket.OPEN ? resolve(0) : peer.once('open', resolve))),
        5_000,
        'open',
      );
      shareDeflate(ws, shared);
      return ws;
    };
    const ext = (ws: WebSocket): { params: Record<string, unknown>; _options: object } =>
      (ws as unknown as { _extensions: Record<string, { params: Record<string, unknown>; _options: object }> })
        ._extensions['permessage-deflate']!;
    const a = await connect({});
    // A window below the 15 bits our shared compressed frames use: negotiated apart, sent plain.
    const narrow = await connect({ serverMaxWindowBits: 10 });
    const b = await connect({});
    expect(ext(b).params).toBe(ext(a).params);
    expect(ext(b)._options).toBe(ext(a)._options);
    expect(ext(narrow)._options).toBe(ext(a)._options);
    expect(ext(narrow).params).not.toBe(ext(a).params);
    expect(ext(narrow).params['server_max_window_bits']).toBe(10);
    expect(ext(a).params).toEqual({ server_no_context_takeover: true, client_no_context_takeover: true });
    expect(takesDeflate(a)).toBe(true);
    expect(takesDeflate(narrow)).toBe(false);
    await exchange(b, peers[2]!);
  });
});

async function exchange(ws: WebSocket, peer: WebSocket): Promise<void> {
  {
    const received: string[] = [];
    const next = (): Promise<void> =>
      new Promise((resolve) => ws.once('message', (d) => (received.push(String(d)), resolve())));
    expect(takesDeflate(ws)).toBe(true);
    const inflater = (): unknown =>
      (ws as unknown as { _extensions: Record<string, { _inflate: unknown }> })._extensions['permessage-deflate']!
        ._inflate;

    let got = next();
    peer.send(BODY);
    await withDeadline(got, 5_000, 'first message');
    expect(inflater()).not.toBeNull();
    expect(releaseInflate(ws)).toBe(true);
    expect(inflater()).toBeNull();
    got = next();
    peer.send(`${BODY}!`);
    await withDeadline(got, 5_000, 'second message');
    expect(received).toEqual([BODY, `${BODY}!`]);
  }
}
