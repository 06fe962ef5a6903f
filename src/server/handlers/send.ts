/**
 * send: append to the room log; ack and fan out only after the commit.
 * Not awaited by the connection's frame chain, so one client's sends share group commits.
 */
import type { ClientFrameOf } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';

export function send(conn: Connection, frame: ClientFrameOf<'send'>): void {
  const { store, broker, options, log } = conn.ctx;
  const user = conn.user;
  if (!user) return;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before sending to it`);
    return;
  }
  if (frame.body.trim().length === 0) {
    conn.error('body_empty', frame.id);
    return;
  }
  if ([...frame.body].length > options.maxBodyChars) {
    conn.error('body_too_long', frame.id, `Message body is longer than ${options.maxBodyChars} characters`);
    return;
  }
  const work = store
    .append({ room: frame.room, sender: user, cid: frame.id, kind: frame.kind, body: frame.body })
    .then(async (result) => {
      switch (result.status) {
        case 'conflict':
          conn.error('id_conflict', frame.id);
          return;
        case 'no_room':
          conn.error('room_not_found', frame.id, `Room "${frame.room}" does not exist`);
          return;
        case 'appended':
          await broker.publish({
            room: frame.room,
            seq: result.event.seq,
            payload: JSON.stringify({ type: 'event', ...result.event }),
          });
          break;
        case 'duplicate':
          break;
      }
      const { seq, ts } = result.event;
      conn.send({ type: 'ack', id: frame.id, room: frame.room, seq, ts, duplicate: result.status === 'duplicate' });
    })
    .catch((err: unknown) => {
      log.error({ err, room: frame.room }, 'append failed');
      conn.error('internal', frame.id, 'The message could not be stored; send it again');
    });
  conn.track(work);
}
