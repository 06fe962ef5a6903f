/** System lines and DM names in the web app (pure functions, no browser). */
import { describe, expect, it, vi } from 'vitest';
import type { RoomEvent, RoomInfo } from '../../src/client/index.ts';
import { applyMeta, dmLabel, hiddenInDm, isDmName, roomLabel } from '../../web/src/dm.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { isSystemLine, systemText } from '../../web/src/system-lines.ts';

const ann = { id: 'u1', nick: 'ann' };
const ben = { id: 'u2', nick: 'ben' };
const ev = (kind: RoomEvent['kind'], body = '', target?: typeof ben): RoomEvent => ({
  room: 'r',
  seq: 1,
  id: 'e',
  sender: ann,
  kind,
  body,
  ...(target ? { target } : {}),
  ts: 0,
});

describe('system lines', () => {
  it('describes membership, moderation and settings events in plain text', () => {
    expect(
      [
        ev('join'),
        ev('leave'),
        ev('invite', '', ben),
        ev('kick', '', ben),
        ev('ban', '', ben),
        ev('unban', '', ben),
        ev('role', 'moderator', ben),
        ev('rename', 'New <b>name</b>'),
        ev('topic', 'Ship it'),
        ev('topic', ''),
      ].map((e) => systemText(e)),
    ).toEqual([
      'ann joined',
      'ann left',
      'ann added ben',
      'ann removed ben',
      'ann banned ben',
      'ann lifted the ban on ben',
      'ann made ben a moderator',
      'ann renamed the room to “New <b>name</b>”',
      'ann changed the topic to “Ship it”',
      'ann cleared the topic',
    ]);
    // Names as the app shows them (display names from its people directory), not the handles.
    const shown = (u: { nick: string }) => (u.nick === 'ann' ? 'Ann Lee' : u.nick);
    expect(systemText(ev('kick', '', ben), shown)).toBe('Ann Lee removed ben');
    expect(isSystemLine(ev('text', 'hi'))).toBe(false);
    expect(isSystemLine(ev('rename', 'x'))).toBe(true);
  });

  it('speaks Chinese when the UI does', () => {
    // setLocale sets <html lang>: a stand-in document is enough here.
    vi.stubGlobal('document', { documentElement: {} });
    setLocale('zh');
    try {
      expect(systemText(ev('rename', '计划'))).toBe('ann 将聊天室重命名为“计划”');
    } finally {
      setLocale('en');
      vi.unstubAllGlobals();
    }
  });
});

describe('DM names', () => {
  const room: RoomInfo = { name: 'dm-abc', title: 'ann, ben', epoch: 'e', head: 0, createdAt: 0, dm: [ann, ben] };
  it('names a DM by the other people, and knows DM room names', () => {
    expect(dmLabel(room, ann)).toBe('ben');
    expect(dmLabel(room, ben)).toBe('ann');
    expect(dmLabel(room, ben, (u) => `${u.nick}!`)).toBe('ann!');
    expect(dmLabel({ ...room, dm: [ann, ben, { id: 'u3', nick: 'cal' }] }, ann)).toBe('ben, cal');
    expect(isDmName('dm-abc')).toBe(true);
    expect(isDmName('gdm-abc')).toBe(true);
    expect(isDmName('general')).toBe(false);
  });

  it('names rooms in running text with # and DMs with @, and hides arrivals in DMs', () => {
    expect(roomLabel(room, ann)).toBe('@ben');
    expect(roomLabel({ name: 'general' }, ann)).toBe('#general');
    expect(hiddenInDm('join')).toBe(true);
    expect(hiddenInDm('invite')).toBe(true);
    expect(hiddenInDm('leave')).toBe(false);
    expect(hiddenInDm('rename')).toBe(false);
  });

  it('applies rename and topic events to what the app knows of a room', () => {
    expect(applyMeta(room, 'rename', 'Us')).toMatchObject({ title: 'Us' });
    expect(applyMeta(room, 'topic', 'Plans')).toMatchObject({ topic: 'Plans', title: 'ann, ben' });
    expect(applyMeta(room, 'text', 'x')).toBe(room);
  });
});
