/**
 * Direct messages, room settings, member lists and history in the SDK: the request frames (the
 * client sends them through requests.ts) and small helpers apps need to show DMs.
 */
import type { ClientFrameOf, Member, RoomInfo, UserRef } from '../protocol/index.ts';
import { newId } from './ids.ts';

export interface MemberList {
  /** The owner first, then by join time. */
  readonly members: readonly Member[];
  /** The room has more members than were listed. */
  readonly more: boolean;
  /** How many members the room has now (all of them, listed or not). */
  readonly total: number;
}

/** `users`: user ids (not nicknames) of the other people; you are added by the server. */
export function dmFrame(users: readonly string[]): ClientFrameOf<'dm'> {
  return { type: 'dm', id: newId(), users: [...users] };
}

export function renameFrame(room: string, title: string): ClientFrameOf<'rename'> {
  return { type: 'rename', id: newId(), room, title };
}

export function topicFrame(room: string, topic: string): ClientFrameOf<'topic'> {
  return { type: 'topic', id: newId(), room, topic };
}

/** `q`: a HistoryQuery (types.ts). */
export function historyFrame(
  room: string,
  q: { before?: number; after?: number; limit?: number },
): ClientFrameOf<'history'> {
  const frame: ClientFrameOf<'history'> = { type: 'history', id: newId(), room };
  if (q.before !== undefined) frame.before = q.before;
  if (q.after !== undefined) frame.after = q.after;
  if (q.limit !== undefined) frame.limit = q.limit;
  return frame;
}

/** The people of a DM other than `me`, by nickname (everyone, for a DM with yourself only). */
export function dmPeers(room: RoomInfo, me: string | undefined): UserRef[] {
  const all = room.dm ?? [];
  const others = all.filter((u) => u.id !== me);
  return others.length > 0 ? others : all;
}
