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
import type { MessageState } from '../store/room-log.ts';
import { checkBody } from './check-body.ts';

/** Checks membership and the target; returns undefined after sending the error frame. */
async function checkTarget(
  conn: ConnectionPort,
  frame: { id: string; room: string; ref: number },
  /** own: only the sender; moderated: the sender, or an owner or moderator of the room; any: anyone. */
  who: 'own' | 'moderated' | 'any',
): Promise<MessageState | undefined> {
  const user = conn.user;
  if (!user) return undefined;
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before changing its messages`);
    return undefined;
  }
  const target = await conn.ctx.store.message(frame.room, frame.ref);
  if (!target || !isWrittenKind(target.event.kind)) {
    conn.error('target_not_found', frame.id, `There is no message ${frame.ref} in "${frame.room}"`);
    return undefined;
  }
  if (target.deleted) {
    conn.error('target_deleted', frame.id, `Message ${frame.ref} was deleted`);
    return undefined;
  }
  if (who !== 'any' && target.event.sender.id !== user.id) {
    const role = who === 'moderated' ? await conn.ctx.store.roleOf(frame.room, user.id) : undefined;
    if (role === undefined || !MODERATORS.has(role)) {
      const also = who === 'moderated' ? ' (or a moderator)' : '';
      conn.error('not_allowed', frame.id, `Only the sender${also} may change this message`);
      return undefined;
    }
  }
  return target;
}

function append(
  conn: ConnectionPort,
  frame: { id: string; room: string; ref: number },
  kind: MutationKind,
  body: string,
  editedFile?: string,
) {
  const user = conn.user;
  if (!user) return;
  // Kicked or banned while the target was looked up: the room is gone from this connection.
  if (!conn.rooms.has(frame.room)) {
    conn.error('not_member', frame.id, `Join "${frame.room}" before changing its messages`);
    return;
  }
  const file = editedFile === undefined ? {} : { editedFile };
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind, body, ref: frame.ref, ...file });
}

export async function edit(conn: ConnectionPort, frame: ClientFrameOf<'edit'>): Promise<void> {
  if (!checkBody(conn, frame.id, frame.body)) return;
  const target = await checkTarget(conn, frame, 'own');
  if (target) append(conn, frame, 'edit', frame.body, target.event.file?.name);
}

export async function remove(conn: ConnectionPort, frame: ClientFrameOf<'delete'>): Promise<void> {
  if (!(await checkTarget(conn, frame, 'moderated'))) return;
  append(conn, frame, 'delete', '');
}

export async function react(conn: ConnectionPort, frame: ClientFrameOf<'react'>): Promise<void> {
  if (!(await checkTarget(conn, frame, 'any'))) return;
  append(conn, frame, frame.on ? 'react' : 'unreact', frame.emoji);
}
