/**
 * Unread and mention counts (docs/protocol.md, _Unread and read receipts_), derived when asked:
 * the engine counts the unread messages and hands over the texts that may mention someone; the
 * mention rule is the shared one (src/protocol/mentions.ts).
 */
import { MENTION_SCAN_MAX, UNREAD_CAP, mentions, type UnreadCounts, type UserRef } from '../../../protocol/index.ts';
import type { UserLogStore } from '../../store/user-log.ts';

/** How many `texts` mention `nick`, at most `cap`. */
export function countMentions(texts: readonly string[], nick: string, cap = UNREAD_CAP): number {
  let n = 0;
  for (const text of texts) if (mentions(text, nick) && ++n >= cap) break;
  return n;
}

/** Counts for `room`, or for every room the user is a member of; empty for a non-member. */
export async function unreadCounts(
  log: Pick<UserLogStore, 'unreadMessages'>,
  user: UserRef,
  room?: string,
): Promise<UnreadCounts[]> {
  const rooms = await log.unreadMessages(user.id, room, { cap: UNREAD_CAP, scan: MENTION_SCAN_MAX });
  return rooms.map((r) => ({
    room: r.room,
    read: r.read,
    unread: r.unread,
    mentions: countMentions(r.texts, user.nick),
    at: r.head,
  }));
}
