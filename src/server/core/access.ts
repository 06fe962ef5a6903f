/**
 * Room access rules shared by the handlers (docs/security.md, "Authorization"). A private room
 * exists only for its owner and members: everyone else gets exactly what a missing room gets.
 */
import { MODERATOR_ROLES, type RoomInfo, type RoomRole } from '../../protocol/index.ts';
import type { ConnectionPort } from './connection-port.ts';

/** The room as this connection's user may see it; undefined when missing or private to others. */
export async function visibleRoom(conn: ConnectionPort, name: string): Promise<RoomInfo | undefined> {
  const user = conn.user;
  const room = await conn.ctx.store.getRoom(name);
  if (!room || !user) return undefined;
  if (room.visibility !== 'private') return room;
  return (await conn.ctx.store.roleOf(name, user.id)) === undefined ? undefined : room;
}

/** The one answer for "no such room" and "a private room you are not in". */
export function roomNotFound(conn: ConnectionPort, id: string, room: string): void {
  conn.error('room_not_found', id, `Room "${room}" does not exist`);
}

/** Roles that may invite, kick, ban, unban and delete others' messages. */
export const MODERATORS: ReadonlySet<RoomRole> = new Set(MODERATOR_ROLES);
