import { LIMITS, type ClientFrameOf } from '../../protocol/index.ts';
import { roomNotFound, visibleRoom } from '../core/access.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export async function history(conn: ConnectionPort, frame: ClientFrameOf<'history'>): Promise<void> {
  const { store } = conn.ctx;
  const user = conn.user;
  if (!user) return;
  const visible = await visibleRoom(conn, frame.room);
  if (!visible) {
    roomNotFound(conn, frame.id, frame.room);
    return;
  }
  if (!conn.rooms.has(frame.room) && !(await store.isMember(frame.room, user.id))) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before reading its history`);
    return;
  }
  const page = await store.history(frame.room, {
    before: frame.before,
    after: frame.after,
    limit: frame.limit ?? LIMITS.historyDefaultLimit,
  });
  const head = Math.max(visible.head, page.events.at(-1)?.seq ?? 0);
  conn.send({ type: 'history', id: frame.id, room: frame.room, events: page.events, more: page.more, head });
}
