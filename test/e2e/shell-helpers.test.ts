/** The web shell's pure helpers: banner state, theme choice, notification rules, and strings per language. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent, UnreadState } from '../../src/client/index.ts';
import { bannerKind } from '../../web/src/banner-state.ts';
import { typingText } from '../../web/src/components/TypingLine.tsx';
import { formatTime } from '../../web/src/format.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { countNotifications, isDirectRoom, notificationFor } from '../../web/src/notifications.ts';
import { seenByText } from '../../web/src/read-marks.ts';
import { parseTheme } from '../../web/src/theme.ts';

const ALICE = { id: 'ua', nick: 'alice' };
const BOB = { id: 'ub', nick: 'bob' };
const CAROL = { id: 'uc', nick: 'carol' };
const NOW = 1_700_000_000_000;

function msg(body: string, sender = BOB, extra: Partial<RoomEvent> = {}): RoomEvent {
  return { room: 'general', seq: 7, id: 'e7', sender, kind: 'text', body, ts: NOW - 1_000, ...extra };
}

beforeAll(() => {
  // setLocale writes <html lang>; Node has no document.
  (globalThis as { document?: unknown }).document ??= { documentElement: {} };
});

afterEach(() => setLocale('en'));

describe('bannerKind', () => {
  const base = { online: true, wasConnected: true, justRecovered: false } as const;
  it('says nothing before the first connection or while connected', () => {
    expect(bannerKind({ ...base, state: 'connecting', wasConnected: false })).toBe('none');
    expect(bannerKind({ ...base, state: 'connected' })).toBe('none');
  });
  it('shows a lost connection until it is back, then "recovered" for a moment', () => {
    expect(bannerKind({ ...base, state: 'reconnecting' })).toBe('lost');
    expect(bannerKind({ ...base, state: 'connecting' })).toBe('lost');
    expect(bannerKind({ ...base, state: 'connected', justRecovered: true })).toBe('recovered');
    expect(bannerKind({ ...base, state: 'closed' })).toBe('closed');
  });
  it('says offline when the browser is', () => {
    expect(bannerKind({ ...base, state: 'reconnecting', online: false })).toBe('offline');
  });
});

describe('parseTheme', () => {
  it('keeps light and dark, anything else follows the system', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('light')).toBe('light');
    expect(parseTheme(null)).toBe('system');
    expect(parseTheme('sepia')).toBe('system');
  });
});

describe('notificationFor', () => {
  const opts = { me: ALICE, hidden: true, direct: false, now: NOW };
  it('notifies a mention of you while hidden, with the text', () => {
    expect(notificationFor(msg('hi @alice'), opts)).toEqual({
      title: 'bob mentioned you in #general',
      body: 'hi @alice',
      tag: 'parley:general:7',
      room: 'general',
    });
  });
  it('stays quiet while visible, for your own messages, without a mention, and for old events', () => {
    expect(notificationFor(msg('hi @alice'), { ...opts, hidden: false })).toBeNull();
    expect(notificationFor(msg('hi @alice', ALICE), opts)).toBeNull();
    expect(notificationFor(msg('hi everyone'), opts)).toBeNull();
    expect(notificationFor(msg('hi @alice-bot'), opts)).toBeNull();
    expect(notificationFor(msg('hi @alice', BOB, { ts: NOW - 120_000 }), opts)).toBeNull();
    expect(notificationFor(msg('hi @alice', BOB, { kind: 'join' }), opts)).toBeNull();
    expect(notificationFor(msg('hi @alice'), { ...opts, me: undefined })).toBeNull();
  });
  it('notifies every message in a direct conversation', () => {
    expect(notificationFor(msg('lunch?'), { ...opts, direct: true })?.title).toBe('bob sent you a message');
  });
  it('names a file sent without text and shortens long text', () => {
    const file = { id: 'f', name: 'plan.pdf', size: 1, type: 'application/pdf' };
    const withFile = msg('', BOB, { kind: 'file', file } as Partial<RoomEvent>);
    expect(notificationFor(withFile, { ...opts, direct: true })?.body).toBe('Sent a file: plan.pdf');
    expect(Array.from(notificationFor(msg(`@alice ${'长'.repeat(500)}`), opts)?.body ?? '').length).toBe(201);
  });
  it('speaks the UI language', () => {
    setLocale('zh');
    expect(notificationFor(msg('hi @alice'), opts)?.title).toBe('bob 在 #general 中提到了你');
  });
});

describe('isDirectRoom', () => {
  it('is a room opened between people', () => {
    expect(isDirectRoom('x', { dm: [ALICE, BOB] })).toBe(true);
    expect(isDirectRoom('dm-0123abcd', undefined)).toBe(true);
    expect(isDirectRoom('gdm-0123abcd', undefined)).toBe(true);
    expect(isDirectRoom('general', {})).toBe(false);
    expect(isDirectRoom('admin-dm-notes', undefined)).toBe(false);
  });
});

describe('countNotifications', () => {
  const u = (room: string, unread: number, mentions: number): UnreadState => ({ room, read: 1, unread, mentions });
  const opts = { hidden: true, live: () => false, direct: () => false };
  it('notifies a rise in mentions in a room not followed live', () => {
    const out = countNotifications({ ops: u('ops', 1, 0) }, { ops: u('ops', 2, 1) }, opts);
    expect(out.map((n) => n.title)).toEqual(['You were mentioned in #ops']);
  });
  it('takes first counts as a baseline and skips live rooms, plain messages and a visible tab', () => {
    expect(countNotifications({}, { ops: u('ops', 3, 2) }, opts)).toEqual([]);
    expect(countNotifications({ ops: u('ops', 3, 2) }, { ops: u('ops', 3, 2), dev: u('dev', 0, 0) }, opts)).toEqual([]);
    expect(countNotifications({ ops: u('ops', 1, 0) }, { ops: u('ops', 2, 1) }, { ...opts, live: () => true })).toEqual(
      [],
    );
    expect(countNotifications({ ops: u('ops', 1, 0) }, { ops: u('ops', 5, 0) }, opts)).toEqual([]);
    expect(countNotifications({ ops: u('ops', 1, 0) }, { ops: u('ops', 2, 1) }, { ...opts, hidden: false })).toEqual(
      [],
    );
  });
  it('notifies any new message in a direct conversation', () => {
    const out = countNotifications({ d: u('d', 0, 0) }, { d: u('d', 1, 0) }, { ...opts, direct: () => true });
    expect(out.map((n) => n.title)).toEqual(['New direct message']);
    // A DM opened after the page loaded: its first message is news.
    const opened = countNotifications(
      { ops: u('ops', 0, 0) },
      { ops: u('ops', 0, 0), d: u('d', 1, 0) },
      {
        ...opts,
        direct: (room) => room === 'd',
      },
    );
    expect(opened.map((n) => n.title)).toEqual(['New direct message']);
  });
});

describe('strings in both languages', () => {
  it('typing line', () => {
    expect(typingText([BOB])).toBe('bob is typing…');
    expect(typingText([BOB, CAROL])).toBe('bob and carol are typing…');
    expect(typingText([BOB, CAROL, ALICE])).toBe('Several people are typing…');
    setLocale('zh');
    expect(typingText([BOB])).toBe('bob 正在输入…');
    expect(typingText([BOB, CAROL])).toBe('bob 和 carol 正在输入…');
    expect(typingText([BOB, CAROL, ALICE])).toBe('好几个人正在输入…');
  });
  it('seen by', () => {
    expect(seenByText([BOB, CAROL])).toBe('Seen by bob and carol');
    setLocale('zh');
    expect(seenByText([BOB])).toBe('bob 已读');
    expect(seenByText([BOB, CAROL, ALICE, { id: 'ud', nick: 'dan' }])).toBe('bob、carol 和另外 2 人已读');
  });
  it('times through Intl in the UI language', () => {
    const ts = Date.UTC(2026, 0, 2, 15, 4);
    const en = formatTime(ts);
    setLocale('zh');
    const zh = formatTime(ts);
    expect(zh).toBe(new Intl.DateTimeFormat('zh-CN', { hour: 'numeric', minute: '2-digit' }).format(ts));
    expect(en).not.toBe(zh);
    // No leading zero on the hour, in either language.
    const early = new Date(2026, 0, 2, 9, 5).getTime();
    expect(formatTime(early)).toBe('9:05');
    setLocale('en');
    expect(formatTime(early)).toMatch(/^9:05/);
  });
});
