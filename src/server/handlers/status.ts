/** status: this connection's activity (active / idle). Ephemeral: no reply, repeats change nothing. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export function status(conn: ConnectionPort, frame: ClientFrameOf<'status'>): void {
  conn.ctx.statuses.report(conn, frame.state);
}
