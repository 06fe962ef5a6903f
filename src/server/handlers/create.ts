import { isDmName, type ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export async function create(conn: ConnectionPort, frame: ClientFrameOf<'create'>): Promise<void> {
  // DM names are the server's to give (dm.ts): a room squatting one would capture a future DM.
  if (isDmName(frame.room)) {
    conn.error('room_invalid', frame.id, 'Room names starting with "dm-" or "gdm-" are reserved for direct messages');
    return;
  }
  // The creator is the room's owner (a role kept even after leaving it).
  const room = await conn.ctx.store.createRoom(frame.room, frame.title || frame.room, {
    visibility: frame.visibility ?? 'public',
    ...(conn.user ? { ownerId: conn.user.id } : {}),
  });
  if (!room) {
    conn.error('room_exists', frame.id, `Room "${frame.room}" already exists`);
    return;
  }
  conn.ctx.log.info({ room: room.name, by: conn.user?.id }, 'room created');
  conn.send({ type: 'room', id: frame.id, room });
}
