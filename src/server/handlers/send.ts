/** send: a new message in a joined room (text here; image and file in send-file.ts). */
import type { ClientFrameOf } from '../../protocol/index.ts';
import { commitAndAck } from '../commit.ts';
import type { Connection } from '../connection.ts';
import { checkBody } from './check-body.ts';
import { sendFile } from './send-file.ts';

export function send(conn: Connection, frame: ClientFrameOf<'send'>): Promise<void> | void {
  const user = conn.user;
  if (!user) return;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before sending to it`);
    return;
  }
  if (frame.kind !== 'text' || frame.file !== undefined) return sendFile(conn, frame, user);
  if (!checkBody(conn, frame.id, frame.body)) return;
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind: frame.kind, body: frame.body });
}
