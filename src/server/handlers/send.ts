/** send: a new text message in a joined room. */
import type { ClientFrameOf } from '../../protocol/index.ts';
import { commitAndAck } from '../commit.ts';
import type { Connection } from '../connection.ts';
import { checkBody } from './check-body.ts';

export function send(conn: Connection, frame: ClientFrameOf<'send'>): void {
  const user = conn.user;
  if (!user) return;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before sending to it`);
    return;
  }
  if (!checkBody(conn, frame.id, frame.body)) return;
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind: frame.kind, body: frame.body });
}
