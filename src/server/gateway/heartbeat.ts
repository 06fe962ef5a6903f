/**
 * Pings every connection on a schedule; a peer that did not answer the previous ping with a pong
 * is cut. Other frames do not count: a peer that sends but never reads must not stay forever.
 */
import type { Connection } from './connection.ts';
import { guarded } from '../guard.ts';
import { releaseInflate } from './deflate.ts';

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
  return () => clearInterval(timer);
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
