import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { unreadCounts } from '../core/room-log/unread.ts';

export async function rooms(conn: ConnectionPort, frame: ClientFrameOf<'rooms'>): Promise<void> {
  // Public rooms and the private rooms this user belongs to; other private rooms are invisible.
  const user = conn.user;
  const rooms = await conn.ctx.store.listRooms(user?.id ?? '');
  // Read state of the rooms this user is a member of (which also tells which rooms those are).
  const unread = user ? await unreadCounts(conn.ctx.store, user) : [];
  conn.send({ type: 'rooms', id: frame.id, rooms, unread });
}
