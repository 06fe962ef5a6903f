/**
 * Read marks in the message list, as pure functions: where the "New messages" divider goes,
 * who has "seen" the latest message, and how far the reader has scrolled.
 */
import type { RoomEvent, UnreadState, UserRef } from '../../src/client/index.ts';
import { isMessage } from './fold.ts';
import { t } from './i18n/index.ts';

/** The divider goes after the watermark when something was unread on opening; null: none. */
export function dividerOf(u: UnreadState | undefined): number | null | undefined {
  if (!u) return undefined;
  return u.unread > 0 ? u.read : null;
}

/** The seq the divider goes before: the first message after the watermark that is not yours. */
export function dividerSeq(
  events: readonly RoomEvent[],
  divider: number | null | undefined,
  me: string | undefined,
): number | undefined {
  if (divider === null || divider === undefined) return undefined;
  return events.find((e) => e.seq > divider && isMessage(e) && e.sender.id !== me)?.seq;
}

/** Who (not you, not its author) has read the newest message. */
export function seenBy(
  events: readonly RoomEvent[],
  receipts: readonly { user: UserRef; seq: number }[],
  me: string | undefined,
): UserRef[] {
  let last: RoomEvent | undefined;
  for (let i = events.length - 1; i >= 0 && !last; i--) if (isMessage(events[i]!)) last = events[i];
  if (!last) return [];
  const author = last.sender.id;
  return receipts.filter((r) => r.seq >= last.seq && r.user.id !== me && r.user.id !== author).map((r) => r.user);
}

/** "Seen by Alice", "Seen by Alice and Bob", "Seen by Alice, Bob and 3 others". */
export function seenByText(users: readonly UserRef[]): string {
  const names = users.map((u) => u.name ?? u.nick);
  if (names.length === 0) return '';
  const [a = '', b = '', c = ''] = names;
  if (names.length === 1) return t('read.seenOne', { a });
  if (names.length === 2) return t('read.seenTwo', { a, b });
  if (names.length === 3) return t('read.seenThree', { a, b, c });
  return t('read.seenMany', { a, b, count: names.length - 2 });
}

/** How close to the bottom (px) counts as having read everything. */
const BOTTOM_PX = 48;

/**
 * The seq up to which the reader has seen the room: the last row (an element with data-seq)
 * showing in `list`, or, scrolled to the bottom, the newest event (edits and reactions included).
 */
export function readUpTo(list: HTMLElement, events: readonly RoomEvent[]): number | undefined {
  const newest = events[events.length - 1]?.seq;
  if (newest === undefined) return undefined;
  if (list.scrollHeight - list.scrollTop - list.clientHeight < BOTTOM_PX) return newest;
  const bottom = list.getBoundingClientRect().bottom;
  const rows = list.querySelectorAll<HTMLElement>('[data-seq]');
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.getBoundingClientRect().bottom <= bottom + 1) {
      const seq = Number(row.dataset['seq']);
      return Number.isSafeInteger(seq) ? seq : undefined;
    }
  }
  return undefined;
}
