/**
 * One WebSocket connection: JSON frames in and out, and exactly one `closed` callback.
 * Works with the browser's WebSocket and with the `ws` package (passed in by the caller).
 */
import type { ClientFrame, ServerFrame } from '../protocol/index.ts';

export interface MessageEventLike {
  readonly data: unknown;
}

export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
}

/**
 * The part of a WebSocket the SDK uses. Handler parameters are typed `never` on purpose:
 * it makes both the DOM's and ws's socket types assignable here, while any handler we
 * install (taking the narrower *Like shapes above) is still assignable to the property.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => unknown) | null;
  onmessage: ((event: never) => unknown) | null;
  onclose: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

export interface TransportHandlers {
  open(): void;
  frame(frame: ServerFrame): void;
  /** A text frame that is not a protocol frame. */
  garbage(text: string): void;
  /** Called once, unless close() was called first. */
  closed(code: number, reason: string): void;
}

/** WebSocket readyState OPEN (the same in browsers and ws). */
const OPEN = 1;

/** Abnormal closure: what browsers report when the connection failed or was cut. */
export const ABNORMAL_CLOSE = 1006;

export class Transport {
  readonly #socket: WebSocketLike;
  readonly #handlers: TransportHandlers;
  /** False once closed or detached: late socket events are ignored. */
  #live = true;

  /** Throws whatever the WebSocket constructor throws (e.g. a malformed url). */
  constructor(Ctor: WebSocketConstructor, url: string, handlers: TransportHandlers, protocols?: string[]) {
    this.#handlers = handlers;
    const socket = protocols ? new Ctor(url, protocols) : new Ctor(url);
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#live) handlers.open();
    };
    socket.onmessage = (event: MessageEventLike) => {
      if (this.#live) this.#onMessage(event.data);
    };
    socket.onclose = (event: CloseEventLike) => {
      if (!this.#live) return;
      this.#live = false;
      handlers.closed(event.code, event.reason);
    };
    // Never removed: `ws` throws on an 'error' event nobody listens to. 'close' always follows.
    socket.onerror = () => undefined;
  }

  get open(): boolean {
    return this.#live && this.#socket.readyState === OPEN;
  }

  /** Write one frame; false when the socket cannot take it (the close callback will follow). */
  send(frame: ClientFrame): boolean {
    if (!this.open) return false;
    try {
      this.#socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Close from our side. No callback follows: the caller handles the consequences itself.
   * `abrupt` also cuts the TCP connection where the socket allows it (ws), for a peer that
   * stopped answering and would never finish the close handshake.
   */
  close(code: number, reason: string, abrupt = false): void {
    if (!this.#live) return;
    this.#live = false;
    const socket = this.#socket as WebSocketLike & { terminate?: () => void };
    try {
      if (abrupt && typeof socket.terminate === 'function') socket.terminate();
      else socket.close(code, reason);
    } catch {
      // Already closing, or a code the implementation refuses: the socket is gone either way.
    }
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') {
      this.#handlers.garbage(String(data));
      return;
    }
    const frame = parseServerFrame(data);
    if (frame) this.#handlers.frame(frame);
    else this.#handlers.garbage(data);
  }
}

/** Parse a text frame; only the envelope is checked, the server is trusted for the rest. */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  if (typeof (raw as { type?: unknown }).type !== 'string') return undefined;
  return raw as ServerFrame;
}
