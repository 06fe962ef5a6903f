/** The message list's pure parts: rows with date separators and the divider, day names, the window cap. */
import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/client/index.ts';
import { pageAround, trimWindow } from '../../web/src/history-window.ts';
import { dayKey, dayName, formatDate, listRows } from '../../web/src/list-rows.ts';

const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime();

function ev(seq: number, ts: number): RoomEvent {
  return { room: 'r', seq, id: `e${seq}`, sender: { id: 'u', nick: 'u' }, kind: 'text', body: `m${seq}`, ts };
}

describe('listRows', () => {
  it('puts a date separator on the first entry of each day, and the divider on the first unread', () => {
    const events = [
      ev(1, at(2026, 11, 30, 23, 58)),
      ev(2, at(2026, 11, 30, 23, 59)),
      ev(3, at(2026, 12, 1, 0, 0)),
      ev(4, at(2026, 12, 1, 9)),
      ev(5, at(2026, 12, 3, 8)),
    ];
    const rows = listRows(events, 4);
    expect(rows.map((r) => r.key)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.day !== undefined)).toEqual([true, false, true, false, true]);
    expect(rows[2]!.day).toBe(dayKey(events[2]!.ts));
    expect(rows.map((r) => r.firstUnread)).toEqual([false, false, false, true, false]);
    expect(listRows([], undefined)).toEqual([]);
  });

  it('starts a loaded window with its date even in the middle of a day', () => {
    const rows = listRows([ev(7, at(2026, 12, 1, 10)), ev(8, at(2026, 12, 1, 11))], undefined);
    expect(rows[0]!.day).toBe(dayKey(at(2026, 12, 1)));
    expect(rows[1]!.day).toBeUndefined();
  });
});

describe('dayName and formatDate', () => {
  const now = at(2026, 12, 4, 9);
  it('says today, yesterday or a date, by local calendar day', () => {
    expect(dayName(at(2026, 12, 4, 0, 0), now)).toBe('today');
    expect(dayName(at(2026, 12, 4, 23, 59), now)).toBe('today');
    expect(dayName(at(2026, 12, 3, 23, 59), now)).toBe('yesterday');
    expect(dayName(at(2026, 12, 3, 0, 0), now)).toBe('yesterday');
    expect(dayName(at(2026, 12, 2, 23, 59), now)).toBe('date');
    // The day after a daylight-saving change is still one day after.
    expect(dayName(at(2026, 3, 29, 1), at(2026, 3, 30, 0, 30))).toBe('yesterday');
    expect(dayName(at(2026, 10, 25, 23), at(2026, 10, 26, 1))).toBe('yesterday');
  });

  it('formats other days in the UI language, with the year only when it is not this one', () => {
    expect(formatDate(at(2026, 12, 2), now, 'en-US')).toBe('Wednesday, December 2');
    expect(formatDate(at(2025, 12, 2), now, 'en-US')).toBe('Tuesday, December 2, 2025');
    expect(formatDate(at(2026, 12, 2), now, 'zh-CN')).toBe('12月2日星期三');
  });
});

describe('trimWindow', () => {
  const events = Array.from({ length: 10 }, (_, i) => ev(i + 1, i));
  it('keeps the window as it is under the cap', () => {
    const t = trimWindow(events, 'older', 10);
    expect(t.events).toBe(events);
    expect(t).toMatchObject({ droppedOlder: false, droppedNewer: false });
  });

  it('drops the end away from the reader', () => {
    const older = trimWindow(events, 'older', 4);
    expect(older.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(older).toMatchObject({ droppedOlder: false, droppedNewer: true });
    const newer = trimWindow(events, 'newer', 4);
    expect(newer.events.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(newer).toMatchObject({ droppedOlder: true, droppedNewer: false });
  });

  it('centres a page on a seq', () => {
    expect(pageAround(100, 50)).toBe(125);
    expect(pageAround(1, 5)).toBe(4);
  });
});
