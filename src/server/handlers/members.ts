/** members: who is in a room, with roles. Public rooms: anyone; private rooms and DMs: their members only. */
import { MEMBERS_MAX, type ClientFrameOf } from '../../protocol/index.ts';
import { roomNotFound, visibleRoom } from '../core/access.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export async function members(conn: ConnectionPort, frame: ClientFrameOf<'members'>): Promise<void> {
  // A private room the user is not in answers exactly like a missing one.
  if (!(await visibleRoom(conn, frame.room))) {
    roomNotFound(conn, frame.id, frame.room);
    return;
  }
  const page = await conn.ctx.store.members(frame.room, MEMBERS_MAX);
  const { members: list, more, total } = page;
  conn.send({ type: 'members', id: frame.id, room: frame.room, members: list, more, total });
}
