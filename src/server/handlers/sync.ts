/** sync: follow this user's log (user-feed.ts). Sent again with the last seq held to fill a gap. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { followUserLog } from '../core/user-feed.ts';

export function sync(conn: ConnectionPort, frame: ClientFrameOf<'sync'>): Promise<void> {
  return followUserLog(conn, frame.id, frame.after);
}
