import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';

export async function rooms(conn: Connection, frame: ClientFrameOf<'rooms'>): Promise<void> {
  // Public rooms and the private rooms this user belongs to; other private rooms are invisible.
  conn.send({ type: 'rooms', id: frame.id, rooms: await conn.ctx.store.listRooms(conn.user?.id ?? '') });
}
