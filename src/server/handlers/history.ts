import { LIMITS, type ClientFrameOf } from '../../protocol/index.ts';
import { roomNotFound, visibleRoom } from '../core/access.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

/**
 * A page of a room's log. Members read any room they are in; anyone else may read a public room
 * (a preview before joining, as GET /api/rooms/:room/history already allows) unless banned from
 * it. Reading joins nothing: no membership, no event, no presence, no subscription.
 */
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
    if (visible.visibility !== 'public') {
      // A private room's owner who left it: rejoin to read it.
      conn.error('not_member', frame.id, `Join "${frame.room}" before reading its history`);
      return;
    }
    if (await store.isBanned(frame.room, user.id)) {
      conn.error('banned', frame.id, `You are banned from "${frame.room}"`);
      return;
    }
  }
  const page = await store.history(frame.room, {
    before: frame.before,
    after: frame.after,
    limit: frame.limit ?? LIMITS.historyDefaultLimit,
  });
  const head = Math.max(visible.head, page.events.at(-1)?.seq ?? 0);
  conn.send({ type: 'history', id: frame.id, room: frame.room, events: page.events, more: page.more, head });
}
