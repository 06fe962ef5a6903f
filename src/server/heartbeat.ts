/** Pings every connection on a schedule; a peer that did not answer the previous ping is cut. */
import type { Connection } from './connection.ts';
import { guarded } from './guard.ts';

export function startHeartbeat(connections: ReadonlySet<Connection>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const conn of connections)
      guarded(
        conn.ctx.log,
        { conn: conn.id },
        () => beat(conn),
        () => conn.ws.terminate(),
      );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function beat(conn: Connection): void {
  if (!conn.alive) {
    conn.ctx.log.info({ conn: conn.id }, 'heartbeat missed; terminating');
    conn.ws.terminate();
    return;
  }
  conn.alive = false;
  conn.ws.ping();
}
