/** Pings every connection on a schedule; a peer that did not answer the previous ping is cut. */
import type { Connection } from './connection.ts';

export function startHeartbeat(connections: ReadonlySet<Connection>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.ctx.log.info({ conn: conn.id }, 'heartbeat missed; terminating');
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
