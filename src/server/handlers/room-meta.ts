/**
 * rename and topic: an owner or moderator (any member of a DM, which has no owner) changes the
 * room's title or topic. Each is a room log event the store applies in its own transaction, so
 * history shows it; the frame id is the idempotency key, as for send.
 */
import type { ClientFrameOf, RoomMetaKind } from '../../protocol/index.ts';
import { MODERATORS, roomNotFound, visibleRoom } from '../core/access.ts';
import { commitAndAck } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

async function setMeta(
  conn: ConnectionPort,
  id: string,
  room: string,
  kind: RoomMetaKind,
  value: string,
): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const info = await visibleRoom(conn, room);
  if (!info) {
    roomNotFound(conn, id, room);
    return;
  }
  const role = await conn.ctx.store.roleOf(room, user.id);
  if (role === undefined) {
    conn.error('not_member', id, `Join "${room}" first`);
    return;
  }
  if (!MODERATORS.has(role) && info.dm === undefined) {
    const what = kind === 'rename' ? 'rename' : 'set the topic of';
    conn.error('forbidden', id, `Only the owner or a moderator may ${what} "${room}"`);
    return;
  }
  commitAndAck(conn, { room, sender: user, cid: id, kind, body: value });
}

export const rename = (conn: ConnectionPort, frame: ClientFrameOf<'rename'>) =>
  setMeta(conn, frame.id, frame.room, 'rename', frame.title);
export const topic = (conn: ConnectionPort, frame: ClientFrameOf<'topic'>) =>
  setMeta(conn, frame.id, frame.room, 'topic', frame.topic);
