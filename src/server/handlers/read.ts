/**
 * read: move this user's watermark in a room. Durable (Store.markRead, with its user-log entry in
 * the same transaction) before anything goes out: then the `read` user event to every connection
 * of the user, and an ephemeral receipt to the room. Not awaited by the frame chain, like a send.
 */
import type { ClientFrameOf } from '../../protocol/index.ts';
import { visibleRoom } from '../core/access.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { publishUserEvents } from '../core/user-feed.ts';

export function read(conn: ConnectionPort, frame: ClientFrameOf<'read'>): void {
  const user = conn.user;
  if (!user) return;
  const { ctx } = conn;
  const work = ctx.store
    .markRead(frame.room, user.id, frame.seq)
    .then(async (result) => {
      switch (result.status) {
        case 'moved':
          await publishUserEvents(ctx, [result.entry]);
          ctx.receipts.moved(frame.room, user, result.read);
          return;
        case 'unchanged':
          return; // monotonic: an older position changes nothing
        case 'not_member':
          // A private room you are not in answers like a missing one.
          if (await visibleRoom(conn, frame.room)) {
            conn.error('not_member', frame.id, `Join "${frame.room}" before marking it read`);
            return;
          }
          conn.error('room_not_found', frame.id, `Room "${frame.room}" does not exist`);
          return;
        case 'no_room':
          conn.error('room_not_found', frame.id, `Room "${frame.room}" does not exist`);
      }
    })
    .catch((err: unknown) => {
      ctx.log.error({ err, room: frame.room }, 'read failed');
      conn.error('internal', frame.id, 'The read position could not be stored; send it again');
    });
  conn.track(work);
}
