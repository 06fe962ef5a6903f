/** sync: follow this user's log (user-feed.ts). Sent again with the last seq held to fill a gap. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../gateway/connection.ts';
import { followUserLog } from '../core/user-feed.ts';

export function sync(conn: Connection, frame: ClientFrameOf<'sync'>): Promise<void> {
  return followUserLog(conn, frame.id, frame.after);
}
