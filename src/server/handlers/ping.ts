import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export function ping(conn: ConnectionPort, frame: ClientFrameOf<'ping'>): void {
  conn.send(frame.id === undefined ? { type: 'pong', ts: Date.now() } : { type: 'pong', id: frame.id, ts: Date.now() });
}
