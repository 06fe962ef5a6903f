/**
 * invite, kick, ban, unban, role: an owner or moderator changes another user's place in a room.
 * Each change is a room log event with a `target`, applied by the store in the same transaction;
 * kick and ban also evict the target's live sockets on every node (hub.ts). The frame id is the
 * idempotency key, as for send.
 */
import type { ClientFrameOf, ModerationKind, UserRef } from '../../protocol/index.ts';
import { MODERATORS, roomNotFound, visibleRoom } from '../core/access.ts';
import { commitAndAck } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';

type ModerationFrame = ClientFrameOf<ModerationKind>;

/** The target's current nickname: from a live connection here, else the store; undefined when unknown. */
export async function findTarget(conn: ConnectionPort, userId: string): Promise<UserRef | undefined> {
  for (const other of conn.ctx.connections) if (other.user?.id === userId) return other.user;
  return conn.ctx.store.findUser(userId);
}

async function moderate(
  conn: ConnectionPort,
  frame: ModerationFrame,
  kind: ModerationKind,
  body: string,
): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const { store } = conn.ctx;
  if (!(await visibleRoom(conn, frame.room))) {
    roomNotFound(conn, frame.id, frame.room);
    return;
  }
  const actor = await store.roleOf(frame.room, user.id);
  const allowed = kind === 'role' ? actor === 'owner' : actor !== undefined && MODERATORS.has(actor);
  if (!allowed) {
    const who = kind === 'role' ? 'the owner' : 'the owner or a moderator';
    conn.error('forbidden', frame.id, `Only ${who} may ${kind} in "${frame.room}"`);
    return;
  }
  if (frame.user === user.id) {
    conn.error('forbidden', frame.id, `You cannot ${kind} yourself`);
    return;
  }
  const targetRole = await store.roleOf(frame.room, frame.user);
  if (targetRole === 'owner' || (targetRole === 'moderator' && actor !== 'owner')) {
    conn.error('forbidden', frame.id, `Only the owner may ${kind} a moderator, and nobody the owner`);
    return;
  }
  if (kind === 'role' && targetRole === undefined) {
    conn.error('not_member', frame.id, 'Roles are given to members; invite the user first');
    return;
  }
  if (kind === 'invite' && (await store.isBanned(frame.room, frame.user))) {
    conn.error('banned', frame.id, 'This user is banned from the room; unban first');
    return;
  }
  const target = await findTarget(conn, frame.user);
  if (!target) {
    conn.error('user_unknown', frame.id, `No user with id "${frame.user}"`);
    return;
  }
  commitAndAck(conn, { room: frame.room, sender: user, cid: frame.id, kind, body, target });
}

export const invite = (conn: ConnectionPort, frame: ClientFrameOf<'invite'>) => moderate(conn, frame, 'invite', '');
export const kick = (conn: ConnectionPort, frame: ClientFrameOf<'kick'>) => moderate(conn, frame, 'kick', '');
export const ban = (conn: ConnectionPort, frame: ClientFrameOf<'ban'>) => moderate(conn, frame, 'ban', '');
export const unban = (conn: ConnectionPort, frame: ClientFrameOf<'unban'>) => moderate(conn, frame, 'unban', '');
export const role = (conn: ConnectionPort, frame: ClientFrameOf<'role'>) => moderate(conn, frame, 'role', frame.role);
