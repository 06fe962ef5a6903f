/** What the app offers to whom; the server decides (docs/protocol.md, _Authorization_). Pure. */
import { isModeratorRole, type Member, type RoomInfo, type UserRef } from '../../src/client/index.ts';

/** Owners and moderators may edit a room's title and topic; in a DM, every member. */
export function canEditRoom(info: RoomInfo | undefined, members: readonly Member[], me: UserRef | undefined): boolean {
  if (!info || !me) return false;
  const role = members.find((m) => m.user.id === me.id)?.role;
  if (role === undefined) return false;
  return info.dm !== undefined || isModeratorRole(role);
}

/** Owners and moderators may invite, kick and ban (not in a DM: its people are fixed). */
export function canModerate(info: RoomInfo | undefined, members: readonly Member[], me: UserRef | undefined): boolean {
  if (!info || !me || info.dm !== undefined) return false;
  const role = members.find((m) => m.user.id === me.id)?.role;
  return isModeratorRole(role);
}
