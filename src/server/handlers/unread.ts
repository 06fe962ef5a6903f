/** unread: this user's watermark and unread / mention counts, in one room or in all of theirs. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { unreadCounts } from '../core/room-log/unread.ts';

export async function unread(conn: ConnectionPort, frame: ClientFrameOf<'unread'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  // A room you are not a member of has no counts for you: the list is empty, not an error.
  const counts = await unreadCounts(conn.ctx.store, user, frame.room);
  conn.send({ type: 'unread', id: frame.id, counts });
}
