import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';

export async function rooms(conn: Connection, frame: ClientFrameOf<'rooms'>): Promise<void> {
  conn.send({ type: 'rooms', id: frame.id, rooms: await conn.ctx.store.listRooms() });
}
