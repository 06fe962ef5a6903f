/**
 * permessage-deflate (RFC 7692) at the WebSocket upgrade, and what a socket then gets.
 *
 * Server → client: `server_no_context_takeover`, so each message is compressed on its own and
 * one compressed frame serves every subscriber (wire.ts `deflatedWire`); ws never compresses
 * (threshold ∞), so no socket holds a deflate context. Client → server: ws inflates what a client
 * compresses, with `client_no_context_takeover` (nothing is kept between messages) and
 * `maxPayload` (--max-frame-bytes) applied to the inflated size: past it the socket is closed
 * with 1009 and nothing more is inflated. An inflate context is made on a client's first
 * compressed frame and let go by the heartbeat once the socket is between messages.
 */
import type { WebSocket } from 'ws';
import type { ServerOptions } from '../options.ts';

/** What ws's WebSocketServer is given as `perMessageDeflate`. */
export function deflateNegotiation(options: Pick<ServerOptions, 'perMessageDeflate'>): false | object {
  if (!options.perMessageDeflate) return false;
  return {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    // ws compresses nothing itself: compressed frames are made once per broadcast (wire.ts).
    threshold: Infinity,
  };
}

interface DeflateExtension {
  params: Record<string, unknown>;
  _inflate: { close(): void } | null;
  /** ws's options, read only (threshold, window bits, maxPayload…). */
  _options?: object;
}

/** ws's Receiver, as far as telling "between two messages" goes (state 0: reading a header). */
interface ReceiverState {
  _state?: number;
  /** Non-zero inside a fragmented message. */
  _fragmented?: number;
}

function extension(ws: WebSocket): DeflateExtension | undefined {
  const exts = (ws as unknown as { _extensions?: Record<string, DeflateExtension> })._extensions;
  return exts?.['permessage-deflate'];
}

/**
 * Whether this socket takes our compressed frames: it negotiated permessage-deflate without
 * capping our window below the 15 bits `deflatedWire` uses.
 */
export function takesDeflate(ws: WebSocket): boolean {
  const ext = extension(ws);
  if (!ext) return false;
  const bits = ext.params['server_max_window_bits'];
  return bits === undefined || bits === true || (typeof bits === 'number' && bits >= 15);
}

/**
 * Lets go of the socket's inflate context (≈ 40 KiB with a 15-bit window) when the socket is
 * between messages: with client_no_context_takeover it holds nothing a later message needs, and
 * ws makes a new one for the next compressed frame. For the heartbeat's sweep.
 */
export function releaseInflate(ws: WebSocket): boolean {
  const ext = extension(ws);
  if (!ext?._inflate || ext.params['client_no_context_takeover'] !== true) return false;
  const receiver = (ws as unknown as { _receiver?: ReceiverState })._receiver;
  if (!receiver || receiver._state !== 0 || receiver._fragmented !== 0) return false;
  ext._inflate.close();
  ext._inflate = null;
  return true;
}

/** What the sockets of one server share of their permessage-deflate state (shareDeflate). */
export interface DeflateShared {
  options?: object;
  /** Negotiated parameters by their JSON: few variants (the offer's keys and values are checked by ws). */
  readonly params: Map<string, Record<string, unknown>>;
}

/** More variants than this are left unshared (offers can only differ in window bits and flags). */
const MAX_PARAM_VARIANTS = 64;

/**
 * ws gives each socket's permessage-deflate its own copy of the server's options, which V8 gives
 * a hidden class of its own, and its own negotiated parameters, kept as a hash table (ws deletes a
 * key from them). Both are only read once negotiated, and equal across the sockets of one server
 * (the parameters across the clients offering alike): the sockets share one object of each.
 * ≈ 0.5 KiB per socket.
 */
export function shareDeflate(ws: WebSocket, shared: DeflateShared): void {
  const ext = extension(ws);
  if (!ext) return;
  if (ext._options) {
    if (shared.options === undefined) shared.options = ext._options;
    else ext._options = shared.options;
  }
  const key = JSON.stringify(ext.params);
  let params = shared.params.get(key);
  if (!params && shared.params.size < MAX_PARAM_VARIANTS) {
    // JSON.parse makes a fast-mode object, with the hidden class every such object shares.
    shared.params.set(key, (params = JSON.parse(key) as Record<string, unknown>));
  }
  if (params) ext.params = params;
}
