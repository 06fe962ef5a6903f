/**
 * Pings every connection on a schedule; a peer that did not answer the previous ping with a pong
 * is cut. Other frames do not count: a peer that sends but never reads must not stay forever.
 * A second, faster sweep closes the connections whose access token expired.
 */
import { CLOSE } from '../../protocol/index.ts';
import type { Connection } from './connection.ts';
import { guarded } from '../guard.ts';
import { releaseInflate } from './deflate.ts';

/**
 * How often account connections are checked for an expired access token: each is closed at most
 * this late, and none holds a timer of its own (memory per idle connection).
 */
export const EXPIRY_SWEEP_MS = 1_000;

export function startHeartbeat(connections: ReadonlySet<Connection>, intervalMs: number): () => void {
  const beatAll = (): void => {
    for (const conn of connections)
      guarded(
        conn.ctx.log,
        { conn: conn.id },
        () => beat(conn),
        () => conn.cut(),
      );
  };
  // Deferred past the poll phase: after an event-loop stall, pongs already waiting in the socket
  // buffers are read before anyone is judged, so a stall alone never cuts healthy peers.
  const timer = setInterval(() => setImmediate(beatAll), intervalMs);
  timer.unref();
  const sweep = setInterval(() => closeExpired(connections, Date.now()), EXPIRY_SWEEP_MS);
  sweep.unref();
  return () => {
    clearInterval(timer);
    clearInterval(sweep);
  };
}

/** Closes with 4410 `token_expired` every connection whose access token expired by `now`. */
export function closeExpired(connections: ReadonlySet<Pick<Connection, 'account' | 'close'>>, now: number): void {
  for (const conn of connections) {
    const expiresAt = conn.account?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= now) conn.close(CLOSE.token_expired, 'token expired');
  }
}

function beat(conn: Connection): void {
  // While the server itself was not reading (back-pressure) the pong may be sitting unread; a
  // peer stalled that way is ended by the drain deadline instead.
  const unread = conn.readPausedSinceBeat();
  if (!conn.alive && !unread) {
    conn.ctx.log.info({ conn: conn.id }, 'heartbeat missed; terminating');
    // A reset, not a FIN: a peer that stopped reading would never see a FIN queued behind the
    // data it did not read, and the kernel would keep that data for as long as the peer lives.
    conn.cut();
    return;
  }
  conn.alive = false;
  conn.ws.ping();
  // One sweep for every socket instead of a timer each: a client's compressed frames leave no
  // zlib context behind for longer than one interval.
  releaseInflate(conn.ws);
}
