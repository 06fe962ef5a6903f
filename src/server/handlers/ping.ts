import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../gateway/connection.ts';

export function ping(conn: Connection, frame: ClientFrameOf<'ping'>): void {
  conn.send(frame.id === undefined ? { type: 'pong', ts: Date.now() } : { type: 'pong', id: frame.id, ts: Date.now() });
}
