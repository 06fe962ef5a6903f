/**
 * What the message list shows, as a flat list of rows for the virtualized list: one row per log
 * entry, each carrying the decorations that go before it (a date separator on the first entry of
 * a day, the "New messages" divider on the first unread). Pure.
 */
import type { RoomEvent } from '../../src/client/index.ts';
import { isMessage } from './fold.ts';

/** A message this soon after the previous one by the same person joins its group. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface ListRow {
  /** The entry's seq: a stable key across pages loaded above or below. */
  readonly key: number;
  readonly event: RoomEvent;
  /** Set on the first entry of a day: that day's key (dayKey). */
  readonly day?: string;
  /** The "New messages" divider goes before this entry. */
  readonly firstUnread: boolean;
  /**
   * Set when this message continues the previous row's: same sender, within GROUP_GAP_MS, same
   * day, no divider between, not a reply. It is shown without name and avatar.
   */
  readonly grouped?: true;
}

/** The local calendar day of a timestamp, e.g. "2026-11-4" (month from 0): equal for the same day. */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/**
 * Rows for `entries` (ascending). The first entry always gets its day: the list starts with
 * a date, whether or not older entries of that day are loaded.
 */
export function listRows(entries: readonly RoomEvent[], firstUnread: number | undefined): ListRow[] {
  const rows: ListRow[] = [];
  let lastDay = '';
  let prev: RoomEvent | undefined;
  for (const e of entries) {
    const day = dayKey(e.ts);
    const firstOfDay = day !== lastDay;
    const unread = e.seq === firstUnread;
    const grouped =
      prev !== undefined &&
      !firstOfDay &&
      !unread &&
      e.reply === undefined &&
      isMessage(e) &&
      isMessage(prev) &&
      prev.sender.id === e.sender.id &&
      e.ts - prev.ts >= 0 &&
      e.ts - prev.ts < GROUP_GAP_MS;
    rows.push({
      key: e.seq,
      event: e,
      ...(firstOfDay ? { day } : {}),
      firstUnread: unread,
      ...(grouped ? { grouped: true as const } : {}),
    });
    lastDay = day;
    prev = e;
  }
  return rows;
}

/**
 * Which of your unsent messages (shown after the log) continue the group before them: the log's
 * last message when it is yours, then each other. Same rule as listRows.
 */
export function pendingGroups(
  last: RoomEvent | undefined,
  pending: readonly { readonly createdAt: number; readonly reply?: number }[],
  me: string | undefined,
): boolean[] {
  let prevTs = last !== undefined && isMessage(last) && last.sender.id === me ? last.ts : undefined;
  return pending.map((o) => {
    const grouped =
      o.reply === undefined &&
      prevTs !== undefined &&
      dayKey(prevTs) === dayKey(o.createdAt) &&
      o.createdAt - prevTs >= 0 &&
      o.createdAt - prevTs < GROUP_GAP_MS;
    prevTs = o.createdAt;
    return grouped;
  });
}

/** The midnight starting the local day of `ts`. */
function startOfDay(ts: number): number {
  const d = new Date(ts);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export type DayName = 'today' | 'yesterday' | 'date';

/** Whether `ts` is today, yesterday or another day, as of `now` (local time, DST-safe). */
export function dayName(ts: number, now: number): DayName {
  const today = startOfDay(now);
  const day = startOfDay(ts);
  if (day === today) return 'today';
  // The day before today's midnight: an hour of slack covers a daylight-saving change.
  if (day === startOfDay(today - 3_600_000)) return 'yesterday';
  return 'date';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Thursday, 3 December" this year, "Thursday, 3 December 2025" before it, in the UI language. */
export function formatDate(ts: number, now: number, intlLocale: string): string {
  const thisYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  const key = `${intlLocale} ${thisYear}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale, {
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      ...(thisYear ? {} : { year: 'numeric' }),
    });
    formats.set(key, f);
  }
  return f.format(ts);
}
