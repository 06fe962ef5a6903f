/**
 * online: the room's full `presence` again, for a client whose view went out of step (a change it
 * could not apply, a count that does not match). Only for a room this connection has joined;
 * otherwise ignored, like typing. Requests of one tick share one read (presence/room-presence.ts).
 */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

export function online(conn: ConnectionPort, frame: ClientFrameOf<'online'>): void {
  if (conn.rooms.has(frame.room)) conn.ctx.roomPresence.view(frame.room, conn);
}
