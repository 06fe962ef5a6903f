/**
 * Unread and mention counts (docs/protocol.md, _Unread and read receipts_), derived when asked:
 * the engine counts the unread messages and hands over the texts that may mention someone; the
 * mention rule is the shared one (src/protocol/mentions.ts). A mention by someone the user blocks
 * is not counted (docs/protocol.md, _Blocking_).
 */
import { MENTION_SCAN_MAX, UNREAD_CAP, mentions, type UnreadCounts, type UserRef } from '../../../protocol/index.ts';
import type { BlockStore } from '../../store/blocks.ts';
import type { UserLogStore } from '../../store/user-log.ts';

/** How many `texts` mention `nick`, at most `cap`; `skip(i)` leaves out the i-th text. */
export function countMentions(
  texts: readonly string[],
  nick: string,
  cap = UNREAD_CAP,
  skip: (i: number) => boolean = () => false,
): number {
  let n = 0;
  for (const [i, text] of texts.entries()) if (!skip(i) && mentions(text, nick) && ++n >= cap) break;
  return n;
}

/** Counts for `room`, or for every room the user is a member of; empty for a non-member. */
export async function unreadCounts(
  log: Pick<UserLogStore, 'unreadMessages'> & Partial<Pick<BlockStore, 'blocked'>>,
  user: UserRef,
  room?: string,
): Promise<UnreadCounts[]> {
  const rooms = await log.unreadMessages(user.id, room, { cap: UNREAD_CAP, scan: MENTION_SCAN_MAX });
  // Whom the user blocks: read only when some text may mention them (the common case reads nothing).
  const mentioned = rooms.some((r) => r.texts.some((t) => mentions(t, user.nick)));
  const blocked = mentioned && log.blocked ? new Set((await log.blocked(user.id)).map((u) => u.id)) : undefined;
  return rooms.map((r) => {
    const senders = r.senders;
    const skip = blocked?.size && senders ? (i: number) => blocked.has(senders[i] ?? '') : undefined;
    return {
      room: r.room,
      read: r.read,
      unread: r.unread,
      mentions: countMentions(r.texts, user.nick, UNREAD_CAP, skip),
      at: r.head,
    };
  });
}
