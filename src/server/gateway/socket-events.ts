/**
 * The WebSocket listeners of every Connection: one set of module-level functions that find their
 * connection on the socket, instead of closures (and a context object) made for each socket.
 * At 10,000 idle sockets the closures alone were ≈ 0.4 KiB each. Every entry point is guarded
 * (guard.ts): a failure costs at most its own connection.
 */
import type { WebSocket } from 'ws';
import { guarded } from '../guard.ts';
import type { Logger } from '../log.ts';

/** What the listeners call on the connection behind a socket. */
export interface SocketOwner {
  readonly id: string;
  readonly ctx: { readonly log: Logger };
  alive: boolean;
  received(data: Buffer, isBinary: boolean): unknown;
  failed(): void;
  closed(): Promise<void>;
}

const OWNER = Symbol('parley.connection');
type Owned = WebSocket & { [OWNER]?: SocketOwner };

function onMessage(this: Owned, data: Buffer, isBinary: boolean): void {
  const conn = this[OWNER];
  if (!conn) return;
  guarded(
    conn.ctx.log,
    { conn: conn.id },
    () => conn.received(data, isBinary),
    () => conn.failed(),
  );
}

function onPong(this: Owned): void {
  const conn = this[OWNER];
  if (conn) conn.alive = true;
}

function onClose(this: Owned): void {
  const conn = this[OWNER];
  if (conn) guarded(conn.ctx.log, { conn: conn.id }, () => conn.closed());
}

function onError(this: Owned, err: Error): void {
  const conn = this[OWNER];
  conn?.ctx.log.debug({ conn: conn.id, err: err.message }, 'socket error');
}

/** Routes the socket's events to `conn` (`ws` calls listeners with the socket as `this`). */
export function listen(ws: WebSocket, conn: SocketOwner): void {
  (ws as Owned)[OWNER] = conn;
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  ws.on('close', onClose);
  ws.on('error', onError);
  compactListeners(ws);
}

/**
 * EventEmitter starts its listener table as `{ __proto__: null }`, which V8 keeps as a hash table
 * (≈ 0.25 KiB); the same keys in a prototype-less literal take a few words. Same semantics.
 */
function compactListeners(ws: WebSocket): void {
  const emitter = ws as unknown as { _events?: object };
  const events = emitter._events;
  if (events !== undefined && Object.getPrototypeOf(events) === null) {
    emitter._events = Object.setPrototypeOf({ ...events }, null) as object;
  }
}
