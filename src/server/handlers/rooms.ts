import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { unreadCounts } from '../core/room-log/unread.ts';

export async function rooms(conn: ConnectionPort, frame: ClientFrameOf<'rooms'>): Promise<void> {
  // Public rooms and the private rooms this user belongs to; other private rooms are invisible.
  const user = conn.user;
  const { store } = conn.ctx;
  const listed = await store.listRooms(user?.id ?? '');
  // Read state of the rooms this user is a member of (which also tells which rooms those are).
  const unread = user ? await unreadCounts(store, user) : [];
  // A public room you are banned from is not offered: joining it would only be refused.
  const mine = new Set(unread.map((u) => u.room));
  const banned = user
    ? await Promise.all(
        listed.map((r) => !mine.has(r.name) && r.visibility === 'public' && store.isBanned(r.name, user.id)),
      )
    : [];
  const rooms = listed.filter((_, i) => banned[i] !== true);
  conn.send({ type: 'rooms', id: frame.id, rooms, unread });
}
