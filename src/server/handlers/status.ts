/** status: this connection's activity (active / idle). Ephemeral: no reply, repeats change nothing. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../gateway/connection.ts';

export function status(conn: Connection, frame: ClientFrameOf<'status'>): void {
  conn.ctx.statuses.report(conn, frame.state);
}
