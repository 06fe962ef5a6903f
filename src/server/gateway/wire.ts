/**
 * Pre-framed, coalesced WebSocket writes.
 *
 * Encode once: an event is serialized and framed once per broadcast and the same bytes are
 * written to every subscriber (as engine.io does with wsPreEncodedFrame).
 *
 * Coalesce: the first write to a socket in a turn corks it, and one flush scheduled per turn
 * (process.nextTick: once the callback that wrote and the promise continuations it started are
 * done) uncorks every socket corked since, so everything written to one socket in the turn —
 * events of one group commit, acks, presence, and ws's own ping, pong and close frames — leaves
 * in one `writev`. Not setImmediate: a group commit (its fsync) queued with setImmediate in the
 * same turn would run first, and hold the previous commit's events and acks behind it. The
 * corked bytes are in the socket's writable state, so `ws.bufferedAmount` (and with it the
 * slow-consumer limit and `drained()`) counts them, and ws's own writes queue behind them in
 * order. A socket ended or reset meanwhile is uncorked harmlessly (Writable `end()` uncorks fully).
 *
 * Compress once: with permessage-deflate negotiated with `server_no_context_takeover`, each
 * message is compressed on its own, so a frame large enough to be worth it is deflated once, on
 * its first recipient that takes it, and the same compressed bytes go to every such recipient
 * (no zlib context per socket; ws itself never compresses, see deflate.ts).
 */
import { constants, deflateRawSync } from 'node:zlib';
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';

/** The parts of ws's Sender that @types/ws does not declare. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}
interface SenderInstance {
  _state?: number;
  sendFrame(list: Buffer[], cb?: (err?: Error) => void): void;
}
/** The parts of the socket under a WebSocket that the flush uses. */
interface Corkable {
  cork(): void;
  uncork(): void;
  destroy(err?: Error): void;
}

const Sender = (wsModule as unknown as { Sender: SenderStatic }).Sender;
const TEXT_OPCODE = 1;
/** ws's Sender state when nothing is queued (no compression or blob in flight). */
const SENDER_IDLE = 0;

/** One text frame, ready to be written to any number of sockets. */
export interface PreparedFrame {
  /** The payload (a view into `wire`), for ws's own send when its Sender has something queued. */
  readonly data: Buffer;
  /** The header and the payload, each a view into `wire`. */
  readonly frame: Buffer[];
  /** The complete frame, header and payload in one buffer: one write per recipient. */
  readonly wire: Buffer;
  readonly bytes: number;
  /** The frame deflated (RSV1 set), made on first use; null once known not to shrink. */
  deflated: Buffer | null | undefined;
}

export function prepareFrame(json: string): PreparedFrame {
  const payload = Buffer.from(json, 'utf8');
  const parts = Sender.frame(payload, { fin: true, rsv1: false, opcode: TEXT_OPCODE, mask: false, readOnly: true });
  const wire = Buffer.concat(parts);
  const header = parts[0]?.length ?? 0;
  const data = wire.subarray(header);
  return { data, frame: [wire.subarray(0, header), data], wire, bytes: data.length, deflated: undefined };
}

/** The trailer RFC 7692 has the sender strip from a message flushed with Z_SYNC_FLUSH. */
const TRAILER_BYTES = 4;
/** Level 6 (zlib's default): at 2 KiB of JSON it costs about what one more recipient's write does. */
const DEFLATE = { windowBits: 15, level: 6, finishFlush: constants.Z_SYNC_FLUSH } as const;

/** The frame compressed for permessage-deflate, once per frame; null when it would not be smaller. */
export function deflatedWire(prepared: PreparedFrame): Buffer | null {
  if (prepared.deflated !== undefined) return prepared.deflated;
  const raw = deflateRawSync(prepared.data, DEFLATE);
  const payload = raw.subarray(0, raw.length - TRAILER_BYTES);
  let wire: Buffer | null = null;
  if (payload.length < prepared.bytes) {
    wire = Buffer.concat(
      Sender.frame(payload, { fin: true, rsv1: true, opcode: TEXT_OPCODE, mask: false, readOnly: true }),
    );
  }
  prepared.deflated = wire;
  return wire;
}

/** Sockets corked in this turn, uncorked together by one flush. */
let corked: Corkable[] = [];
const isCorked = new WeakSet<Corkable>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const sockets = corked;
  corked = [];
  // A socket flushed early (queuedBytes) and corked again may be listed twice: uncork it once.
  for (const socket of sockets) {
    if (!isCorked.delete(socket)) continue;
    try {
      socket.uncork();
    } catch (err) {
      // Never leave the other sockets corked: this one ends (its client resumes), they go on.
      socket.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** Corks `socket` until the end of this turn of the event loop (once per socket per turn). */
function hold(socket: Corkable): void {
  if (isCorked.has(socket)) return;
  socket.cork();
  isCorked.add(socket);
  corked.push(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    process.nextTick(flush);
  }
}

/** Sockets corked and not yet flushed (for tests). */
export function heldSockets(): number {
  return corked.filter((socket) => isCorked.has(socket)).length;
}

/**
 * `ws.bufferedAmount`, held bytes included; past `limit`, the held bytes are handed to the kernel
 * first and the amount read again. Limits (slow consumer, ephemeral dropping, drained) so judge
 * what the kernel did not take, as they did when every frame was written at once: a burst of one
 * turn larger than a limit is not mistaken for a peer that does not read.
 */
export function queuedBytes(ws: WebSocket, limit: number): number {
  const queued = ws.bufferedAmount;
  if (queued <= limit) return queued;
  const socket = (ws as unknown as { _socket?: Corkable })._socket;
  if (!socket || !isCorked.delete(socket)) return queued;
  socket.uncork();
  return ws.bufferedAmount;
}

/** Writes the frame; `deflate`: this socket negotiated permessage-deflate and the frame is large enough. */
export function writePrepared(ws: WebSocket, prepared: PreparedFrame, deflate = false): void {
  const internals = ws as unknown as { _sender?: SenderInstance; _socket?: Corkable };
  const sender = internals._sender;
  const socket = internals._socket;
  if (sender && socket && sender._state === SENDER_IDLE) {
    hold(socket);
    sender.sendFrame([(deflate && deflatedWire(prepared)) || prepared.wire]);
  }
  // Something is queued inside ws: let it keep its order (uncompressed: ws must not start a zlib context).
  else ws.send(prepared.data, { binary: false, compress: false });
}
