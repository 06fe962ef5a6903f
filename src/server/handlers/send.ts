/** send: a new message in a joined room (text here; image and file in send-file.ts). */
import type { ClientFrameOf, UserRef } from '../../protocol/index.ts';
import { commitAndAck } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { checkBody } from './check-body.ts';
import { checkReply } from './check-reply.ts';
import { isDirect, mayPost } from './dm-blocks.ts';
import { sendFile } from './send-file.ts';

export function send(conn: ConnectionPort, frame: ClientFrameOf<'send'>): Promise<void> | void {
  const user = conn.user;
  if (!user) return;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before sending to it`);
    return;
  }
  // In a 1:1 DM the other person may block the sender. Returned, so the frame chain keeps order.
  if (isDirect(frame.room))
    return mayPost(conn, frame.room, frame.id).then((ok) => (ok ? checked(conn, frame, user) : undefined));
  return checked(conn, frame, user);
}

function checked(conn: ConnectionPort, frame: ClientFrameOf<'send'>, user: UserRef): Promise<void> | void {
  if (frame.reply === undefined) return post(conn, frame, user);
  return checkReply(conn, frame).then((ok) => {
    if (!ok) return;
    // Kicked while the reply was looked up: the room is gone from this connection.
    if (!conn.rooms.has(frame.room)) conn.error('not_member', frame.id, `Join "${frame.room}" before sending to it`);
    else return post(conn, frame, user);
  });
}

function post(conn: ConnectionPort, frame: ClientFrameOf<'send'>, user: UserRef): Promise<void> | void {
  if (frame.kind !== 'text' || frame.file !== undefined) return sendFile(conn, frame, user);
  if (!checkBody(conn, frame.id, frame.body)) return;
  const reply = frame.reply === undefined ? {} : { reply: frame.reply };
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind: frame.kind, body: frame.body, ...reply });
}
