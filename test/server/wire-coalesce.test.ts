/**
 * Coalesced writes (wire.ts, issue 13): everything written to one socket in a turn of the event
 * loop leaves in one write, in order — prepared frames, ws's own sends, pings and the close frame —
 * and the bytes held meanwhile count in `bufferedAmount` (the slow-consumer limit reads it).
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { heldSockets, prepareFrame, queuedBytes, writePrepared } from '../../src/server/gateway/wire.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

interface Writes {
  /** One entry per `_write`/`_writev` call on the server's socket: the chunks it carried. */
  readonly calls: number[];
}

/** Counts the calls that hand bytes to the kernel (`_write`, `_writev`) on a server-side socket. */
function spy(socket: Socket): Writes {
  const writes: Writes = { calls: [] };
  const raw = socket as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], cb: unknown) => void;
  };
  const write = raw._write.bind(socket);
  const writev = raw._writev.bind(socket);
  raw._write = (...args: unknown[]) => {
    writes.calls.push(1);
    write(...args);
  };
  raw._writev = (chunks: unknown[], cb: unknown) => {
    writes.calls.push(chunks.length);
    writev(chunks, cb);
  };
  return writes;
}

let wss: WebSocketServer | undefined;
afterEach(async () => {
  const server = wss;
  wss = undefined;
  if (!server) return;
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

/** A ws server on 127.0.0.1 and one client; `burst` runs on the server when the client says "go". */
async function pair(burst: (ws: WebSocket, writes: Writes) => void): Promise<{ client: WebSocket; log: string[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss = server;
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) => {
    const writes = spy((ws as unknown as { _socket: Socket })._socket);
    ws.on('message', () => burst(ws, writes));
  });
  const { port } = server.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const log: string[] = [];
  client.on('message', (data) => log.push(`message:${String(data)}`));
  client.on('ping', () => log.push('ping'));
  client.on('close', (code) => log.push(`close:${code}`));
  await withDeadline(new Promise((resolve) => client.once('open', resolve)), 5_000, 'open');
  return { client, log };
}

describe('coalesced writes', () => {
  it('sends everything of one turn to a socket in one write, in order, close last', async () => {
    const shared = prepareFrame('"shared"');
    let during: { calls: number; buffered: number; held: number } | undefined;
    let expectedBytes = 0;
    const { client, log } = await pair((ws, writes) => {
      const before = ws.bufferedAmount;
      const frames = [prepareFrame('"a"'), shared, prepareFrame('"b"')];
      for (const f of frames) writePrepared(ws, f);
      ws.send('"via ws"');
      ws.ping();
      writePrepared(ws, shared);
      writePrepared(ws, prepareFrame('"c"'));
      ws.close(1000, 'bye');
      expectedBytes = frames.reduce((n, f) => n + f.wire.length, 0) + 2 * shared.wire.length;
      during = { calls: writes.calls.length, buffered: ws.bufferedAmount - before, held: heldSockets() };
      ws.once('close', () => log.push(`server writes:${writes.calls.join(',')}`));
    });
    client.send('go');
    await waitUntil(() => log.some((line) => line.startsWith('server writes:')), { what: 'the server side to close' });
    // Nothing left during the turn; the held bytes counted as buffered (the slow-consumer check).
    expect(during?.calls).toBe(0);
    expect(during?.held).toBeGreaterThanOrEqual(1);
    expect(during?.buffered).toBeGreaterThanOrEqual(expectedBytes);
    expect(log.filter((line) => !line.startsWith('server writes:'))).toEqual([
      'message:"a"',
      'message:"shared"',
      'message:"b"',
      'message:"via ws"',
      'ping',
      'message:"shared"',
      'message:"c"',
      'close:1000',
    ]);
    // One write to the kernel for the whole turn: five prepared frames (one chunk each), ws's
    // send and close frames (header and payload each) and the ping (a header only).
    const writes = log.find((line) => line.startsWith('server writes:'))!;
    expect(writes.slice('server writes:'.length).split(',')[0]).toBe(String(5 + 2 + 1 + 2));
    expect(heldSockets()).toBe(0);
  });

  it('leaves each turn in its own write: frames of a later turn are not held back', async () => {
    const { client, log } = await pair((ws, writes) => {
      writePrepared(ws, prepareFrame('"one"'));
      writePrepared(ws, prepareFrame('"two"'));
      setImmediate(() => {
        const first = [...writes.calls];
        writePrepared(ws, prepareFrame('"three"'));
        setImmediate(() => {
          writePrepared(ws, prepareFrame(JSON.stringify(`writes:${first.join(',')}|${writes.calls.join(',')}`)));
        });
      });
    });
    client.send('go');
    await waitUntil(() => log.length === 4, { what: 'four messages' });
    expect(log.slice(0, 3)).toEqual(['message:"one"', 'message:"two"', 'message:"three"']);
    // The first turn: one writev of two frames; the second: one write of one.
    expect(log[3]).toBe('message:"writes:2|2,1"');
  });

  it('a burst of one turn past a limit is handed to the kernel before the limit judges it', async () => {
    const big = prepareFrame(JSON.stringify('x'.repeat(20_000)));
    let seen: { held: number; small: number; flushed: number; heldAfter: number } | undefined;
    const { client, log } = await pair((ws, writes) => {
      for (let i = 0; i < 4; i++) writePrepared(ws, big);
      const held = ws.bufferedAmount;
      // Under the limit: nothing is written yet.
      const small = queuedBytes(ws, held + 1);
      const before = writes.calls.length;
      // Over it: the held 80 KB go to the kernel (which takes them), and what it did not take counts.
      const flushed = queuedBytes(ws, 1_000);
      seen = { held, small: small === held ? before : -1, flushed, heldAfter: heldSockets() };
      // Frames after the early flush are held again, and still arrive after the earlier ones.
      writePrepared(ws, prepareFrame('"after"'));
    });
    client.send('go');
    await waitUntil(() => log.length === 5, { what: 'five messages' });
    expect(seen?.held).toBeGreaterThanOrEqual(4 * big.wire.length);
    expect(seen?.small).toBe(0);
    expect(seen?.flushed).toBeLessThan(seen!.held);
    expect(seen?.heldAfter).toBe(0);
    expect(log.at(-1)).toBe('message:"after"');
    expect(heldSockets()).toBe(0);
  });

  it('a socket whose flush throws is destroyed, and the others are still flushed', async () => {
    const fake = (fail: boolean) => {
      const state = { corks: 0, destroyed: false, frames: 0 };
      const socket = {
        cork: () => state.corks++,
        uncork: () => {
          if (fail) throw new Error('broken');
          state.corks--;
        },
        destroy: () => (state.destroyed = true),
      };
      const sender = { _state: 0, sendFrame: () => state.frames++ };
      return { ws: { _socket: socket, _sender: sender } as unknown as WebSocket, state };
    };
    const [broken, fine] = [fake(true), fake(false)];
    const frame = prepareFrame('"x"');
    writePrepared(broken.ws, frame);
    writePrepared(fine.ws, frame);
    writePrepared(fine.ws, frame);
    expect(heldSockets()).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(broken.state.destroyed).toBe(true);
    expect(fine.state).toEqual({ corks: 0, destroyed: false, frames: 2 });
    expect(heldSockets()).toBe(0);
  });

  it('a socket reset while corked is flushed harmlessly', async () => {
    let after: number | undefined;
    const { client } = await pair((ws) => {
      writePrepared(ws, prepareFrame('"lost"'));
      (ws as unknown as { _socket: Socket })._socket.resetAndDestroy();
      setImmediate(() => (after = heldSockets()));
    });
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.send('go');
    await withDeadline(closed, 5_000, 'the client to see the reset');
    await waitUntil(() => after !== undefined, { what: 'the flush' });
    expect(after).toBe(0);
  });
});
