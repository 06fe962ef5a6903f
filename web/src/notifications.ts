/**
 * Browser notifications for mentions of you and direct messages while the tab is hidden.
 * Permission is asked only from a click in the settings menu; this file decides (pure) and
 * keeps the on/off preference.
 */
import {
  isDmName,
  mentions,
  type RoomEvent,
  type RoomInfo,
  type UnreadState,
  type UserRef,
} from '../../src/client/index.ts';
import { isMessage } from './fold.ts';
import { t } from './i18n/index.ts';
import { plainMarkdown } from './markdown.ts';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
  /** One notification per message, even when the event arrives twice. */
  readonly tag: string;
  readonly room: string;
}

const BODY_MAX = 200;
/** Events older than this when they arrive (history, replay after a reconnect) notify nobody. */
export const NOTIFY_MAX_AGE_MS = 60_000;

/**
 * A direct-message room: `dm` lists the people in it, and its name says so even before the room
 * list has it (the server names DMs `dm-…` and group DMs `gdm-…`, names nobody else may create).
 */
export function isDirectRoom(name: string, info: Pick<RoomInfo, 'dm'> | undefined): boolean {
  return Array.isArray(info?.dm) || isDmName(name);
}

/** The notification for `e`, or null: only others' new messages that mention you or are in a DM, only while hidden. */
export function notificationFor(
  e: RoomEvent,
  opts: {
    readonly me: UserRef | undefined;
    readonly hidden: boolean;
    readonly direct: boolean;
    readonly now: number;
  },
): NotificationText | null {
  const { me } = opts;
  if (!opts.hidden || !me || e.sender.id === me.id || !isMessage(e)) return null;
  if (opts.now - e.ts > NOTIFY_MAX_AGE_MS) return null;
  const mentioned = mentions(e.body, me.nick);
  if (!mentioned && !opts.direct) return null;
  const text = (e.body && plainMarkdown(e.body)) || (e.file ? t('notify.file', { name: e.file.name }) : '');
  return {
    title: opts.direct
      ? t('notify.dm', { nick: e.sender.nick })
      : t('notify.mention', { nick: e.sender.nick, room: e.room }),
    body: Array.from(text).length > BODY_MAX ? `${Array.from(text).slice(0, BODY_MAX).join('')}…` : text,
    tag: `parley:${e.room}:${e.seq}`,
    room: e.room,
  };
}

/**
 * Rooms this tab does not follow live (never opened here) only report counts: a rise in
 * mentions (or, in a DM, in unread messages) notifies without the text. The first counts after
 * loading are a baseline, not news; a room that appears later starts from zero.
 */
export function countNotifications(
  prev: Readonly<Record<string, UnreadState>>,
  next: Readonly<Record<string, UnreadState>>,
  opts: {
    readonly hidden: boolean;
    readonly live: (room: string) => boolean;
    readonly direct: (room: string) => boolean;
  },
): NotificationText[] {
  if (!opts.hidden) return [];
  const out: NotificationText[] = [];
  for (const [room, now] of Object.entries(next)) {
    // A DM that appears after the first counts is new: its messages so far are news.
    const before = prev[room] ?? (Object.keys(prev).length > 0 ? { ...now, unread: 0, mentions: 0 } : undefined);
    if (!before || before === now || opts.live(room)) continue;
    if (opts.direct(room) ? now.unread > before.unread : now.mentions > before.mentions) {
      const direct = opts.direct(room);
      out.push({
        title: direct ? t('notify.dmIn') : t('notify.mentionIn', { room }),
        body: '',
        tag: `parley:${room}:${direct ? `u${now.unread}` : `m${now.mentions}`}:${now.read}`,
        room,
      });
    }
  }
  return out;
}

const PREF_KEY = 'parley.notify';

/** The user turned notifications on in the settings (permission alone is not enough). */
export function notifyEnabled(): boolean {
  try {
    return localStorage.getItem(PREF_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setNotifyEnabled(on: boolean): void {
  try {
    if (on) localStorage.setItem(PREF_KEY, 'on');
    else localStorage.removeItem(PREF_KEY);
  } catch {
    // Best effort.
  }
}

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}
