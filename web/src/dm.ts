/** Direct messages in the app: which rooms are DMs and how they are named. Pure. */
import { dmPeers, isDmName, type RoomInfo, type UserRef } from '../../src/client/index.ts';

export { isDmName };

/**
 * The other people's names, for the DM list and the room header (never the room name): each
 * `nameOf` (the display name where the caller knows it), else the handle.
 */
export function dmLabel(
  room: Pick<RoomInfo, 'name' | 'dm'> | undefined,
  me: UserRef | undefined,
  nameOf: (u: UserRef) => string = (u) => u.nick,
): string {
  if (!room?.dm) return room?.name ?? '';
  return dmPeers(room as RoomInfo, me?.id)
    .map(nameOf)
    .join(', ');
}

/** How the app names a room in running text: "#name", or "@alice, bob" for a DM. */
export function roomLabel(room: Pick<RoomInfo, 'name' | 'dm'>, me: UserRef | undefined): string {
  return room.dm ? `@${dmLabel(room, me)}` : `#${room.name}`;
}

/** Membership lines a DM does without: its people are there from the first message. */
export function hiddenInDm(kind: string): boolean {
  return kind === 'join' || kind === 'invite';
}

/** A rename or topic event applied to what the app knows of the room. */
export function applyMeta(info: RoomInfo, kind: string, body: string): RoomInfo {
  if (kind === 'rename') return { ...info, title: body };
  if (kind === 'topic') return { ...info, topic: body };
  return info;
}
