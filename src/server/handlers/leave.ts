import type { ClientFrameOf } from '../../protocol/index.ts';
import { commit } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export async function leave(conn: ConnectionPort, frame: ClientFrameOf<'leave'>): Promise<void> {
  const { hub, presence } = conn.ctx;
  const user = conn.user;
  if (!user) return;
  if (conn.rooms.delete(frame.room)) {
    await hub.unsubscribe(frame.room, conn);
    if (await presence.exit(frame.room, user)) conn.ctx.presenceChanged(frame.room);
  }
  // Membership and its leave event are one store write (nothing is appended for a non-member);
  // in a large room no event, like a join (handlers/join.ts).
  const quiet = await conn.ctx.roomPresence.large(frame.room);
  await commit(conn.ctx, { room: frame.room, sender: user, kind: 'leave', body: '', ...(quiet ? { quiet } : {}) });
  conn.send({ type: 'left', id: frame.id, room: frame.room });
}
