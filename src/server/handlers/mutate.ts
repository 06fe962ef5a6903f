/**
 * edit, delete, react: events that change an earlier message, appended to the same room log
 * (so resume replays them like messages). Validated against the target before the append;
 * two racing changes can both pass, which the fold on the client tolerates (a deleted message
 * ignores later edits and reactions).
 */
import { isWrittenKind, type ClientFrameOf, type MutationKind } from '../../protocol/index.ts';
import { MODERATORS } from '../core/access.ts';
import { commitAndAck } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { checkBody } from './check-body.ts';

/** Checks membership and the target; returns false after sending the error frame. */
async function checkTarget(
  conn: ConnectionPort,
  frame: { id: string; room: string; ref: number },
  /** own: only the sender; moderated: the sender, or an owner or moderator of the room; any: anyone. */
  who: 'own' | 'moderated' | 'any',
): Promise<boolean> {
  const user = conn.user;
  if (!user) return false;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before changing its messages`);
    return false;
  }
  const target = await conn.ctx.store.message(frame.room, frame.ref);
  if (!target || !isWrittenKind(target.event.kind)) {
    conn.error('target_not_found', frame.id, `There is no message ${frame.ref} in "${frame.room}"`);
    return false;
  }
  if (target.deleted) {
    conn.error('target_deleted', frame.id, `Message ${frame.ref} was deleted`);
    return false;
  }
  if (who !== 'any' && target.event.sender.id !== user.id) {
    const role = who === 'moderated' ? await conn.ctx.store.roleOf(frame.room, user.id) : undefined;
    if (role === undefined || !MODERATORS.has(role)) {
      const also = who === 'moderated' ? ' (or a moderator)' : '';
      conn.error('not_allowed', frame.id, `Only the sender${also} may change this message`);
      return false;
    }
  }
  return true;
}

function append(
  conn: ConnectionPort,
  frame: { id: string; room: string; ref: number },
  kind: MutationKind,
  body: string,
) {
  const user = conn.user;
  if (!user) return;
  // Kicked or banned while the target was looked up: the room is gone from this connection.
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before changing its messages`);
    return;
  }
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind, body, ref: frame.ref });
}

export async function edit(conn: ConnectionPort, frame: ClientFrameOf<'edit'>): Promise<void> {
  if (!checkBody(conn, frame.id, frame.body) || !(await checkTarget(conn, frame, 'own'))) return;
  append(conn, frame, 'edit', frame.body);
}

export async function remove(conn: ConnectionPort, frame: ClientFrameOf<'delete'>): Promise<void> {
  if (!(await checkTarget(conn, frame, 'moderated'))) return;
  append(conn, frame, 'delete', '');
}

export async function react(conn: ConnectionPort, frame: ClientFrameOf<'react'>): Promise<void> {
  if (!(await checkTarget(conn, frame, 'any'))) return;
  append(conn, frame, frame.on ? 'react' : 'unreact', frame.emoji);
}
