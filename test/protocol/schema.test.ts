import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  CLOSE,
  decodeClientFrame,
  ERROR_CODES,
  ERRORS,
  nickSchema,
  shouldReconnect,
} from '../../src/protocol/index.ts';

/** Code points that render blank, listed by hand so the test does not share the schema's regex. */
const BLANK_CODE_POINTS = [
  [0x00ad],
  [0x034f],
  [0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x2800],
  [0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff],
  [0xffa0],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0x16fe4],
  [0xe0000, 0xe007f],
  [0xe0100, 0xe01ef],
].flatMap(([from, to = from]) =>
  Array.from({ length: (to as number) - (from as number) + 1 }, (_, i) => (from as number) + i),
);
const BLANK = new Set(BLANK_CODE_POINTS);
const isInvisible = (cp: number): boolean =>
  BLANK.has(cp) || /\p{Default_Ignorable_Code_Point}/u.test(String.fromCodePoint(cp));

/** Fixed so CI runs the same cases; PARLEY_PROP_SEED / PARLEY_PROP_RUNS explore further. */
const SEED = Number(process.env['PARLEY_PROP_SEED'] ?? 20_240_610);
const RUNS = Number(process.env['PARLEY_PROP_RUNS'] ?? 2_000);

describe('decodeClientFrame', () => {
  it('accepts every well-formed client frame', () => {
    const frames = [
      { type: 'hello', v: 1, nick: 'Ada Lovelace' },
      { type: 'hello', v: 1, nick: '李雷', session: 'abc' },
      { type: 'create', id: '1', room: 'dev-chat', title: 'Dev chat' },
      { type: 'rooms', id: '1' },
      { type: 'join', id: '1', room: 'general', after: 10, epoch: 'e' },
      { type: 'leave', id: '1', room: 'general' },
      { type: 'send', id: 'm1', room: 'general', kind: 'text', body: 'hi' },
      { type: 'history', id: '1', room: 'general', before: 5, limit: 20 },
      { type: 'edit', id: 'e1', room: 'general', ref: 3, body: 'fixed' },
      { type: 'delete', id: 'd1', room: 'general', ref: 3 },
      { type: 'react', id: 'r1', room: 'general', ref: 3, emoji: '👍🏽', on: true },
      { type: 'create', id: '2', room: 'secret', visibility: 'private' },
      { type: 'invite', id: 'i1', room: 'secret', user: 'u1' },
      { type: 'kick', id: 'k1', room: 'secret', user: 'u1' },
      { type: 'ban', id: 'b1', room: 'secret', user: 'u1' },
      { type: 'unban', id: 'b2', room: 'secret', user: 'u1' },
      { type: 'role', id: 'o1', room: 'secret', user: 'u1', role: 'moderator' },
      { type: 'typing', room: 'general', on: true },
      { type: 'status', state: 'idle' },
      { type: 'who', id: 'w1', users: ['u1', 'u2'] },
      { type: 'ping' },
      { type: 'search', id: 's1', q: '开会 "release notes"', room: 'general', limit: 10, before: 42 },
      { type: 'read', room: 'general', seq: 12 },
      { type: 'read', id: 'rd1', room: 'general', seq: 0 },
      { type: 'sync', id: 'y1' },
      { type: 'sync', id: 'y2', after: 7 },
      { type: 'unread', id: 'u1' },
      { type: 'unread', id: 'u2', room: 'general' },
      { type: 'dm', id: 'dm1', users: ['u1', 'u2'] },
      { type: 'rename', id: 'n1', room: 'general', title: 'General chat' },
      { type: 'topic', id: 't1', room: 'general', topic: '' },
      { type: 'members', id: 'm1', room: 'general' },
      { type: 'block', id: 'b1', user: 'u2' },
      { type: 'unblock', id: 'b2', user: 'u2' },
      { type: 'blocks', id: 'b3' },
      { type: 'profile', id: 'p1', name: 'Ada Lovelace' },
      { type: 'profile', name: '' },
      { type: 'online', room: 'general' },
    ];
    const seen = new Set<string>();
    for (const f of frames) {
      const r = decodeClientFrame(JSON.stringify(f));
      expect(r, JSON.stringify(f)).toMatchObject({ ok: true, frame: { type: f.type } });
      seen.add(f.type);
    }
    expect([...seen].sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
  });

  it('names the failing field and keeps the request id', () => {
    const r = decodeClientFrame('{"type":"history","id":"q","room":"general","limit":"ten"}');
    expect(r).toMatchObject({ ok: false, code: 'bad_frame', id: 'q' });
    expect(!r.ok && r.message).toContain('limit');
  });

  it('rejects unsafe nicknames and room names', () => {
    for (const nick of ['', ' ', '<b>', 'a'.repeat(33), 'x\u202e', ' lead']) {
      const r = decodeClientFrame(JSON.stringify({ type: 'hello', v: 1, nick }));
      if (nick === 'x\u202e' || nick === ' lead') expect(r.ok).toBe(true);
      else expect(r, nick).toMatchObject({ ok: false, code: 'nick_invalid' });
    }
    for (const room of ['General', 'a b', '../x', '', '-x', 'a'.repeat(33)]) {
      expect(decodeClientFrame(JSON.stringify({ type: 'join', id: '1', room })), room).toMatchObject({
        ok: false,
        code: 'room_invalid',
      });
    }
  });

  it('refuses invisible and blank-rendering code points in nicknames, usernames and titles', () => {
    const hello = (nick: string) => decodeClientFrame(JSON.stringify({ type: 'hello', v: 1, nick }));
    for (const cp of BLANK_CODE_POINTS) {
      const c = String.fromCodePoint(cp);
      for (const nick of [c, `ada${c}`, `a${c}da`, `${c}ada`]) {
        const r = hello(nick);
        // Bidi marks and overrides are stripped by cleanText (leaving a visible name): the rest refused.
        if (r.ok) expect(r.frame.type === 'hello' && r.frame.nick, `U+${cp.toString(16)}`).toBe('ada');
        else expect(r, `U+${cp.toString(16)}`).toMatchObject({ code: 'nick_invalid' });
      }
      expect(decodeClientFrame(JSON.stringify({ type: 'join', id: '1', room: `a${c}` })).ok).toBe(false);
    }
    expect(hello('ada\u3164')).toMatchObject({ ok: false, message: expect.stringContaining('invisible') });
    expect(hello('\u3164')).toMatchObject({ ok: false, code: 'nick_invalid' });
    // Usernames are nicknames (accounts.ts validates them with nickSchema).
    expect(v.is(nickSchema, 'ada\u200b')).toBe(false);

    const rename = (title: string) => decodeClientFrame(JSON.stringify({ type: 'rename', id: 'n', room: 'r', title }));
    for (const title of [
      '\u3164',
      'Dev\u3164',
      '\u2800',
      '\u200b',
      'a\u00adb',
      '\ufe0f',
      '\u200d\u200d',
      ' \u{e0067} ',
    ]) {
      expect(rename(title), JSON.stringify(title)).toMatchObject({ ok: false, code: 'bad_frame' });
    }
    // What emoji sequences need stays in titles: ZWJ, variation selectors, tag sequences.
    for (const title of ['👩‍💻 Dev', '❤️ Fans', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland', '🏳️‍🌈']) {
      expect(rename(title), title).toMatchObject({ ok: true, frame: { title } });
    }
  });

  it(`accepts no name that renders blank or holds an invisible code point (fast-check seed ${SEED})`, () => {
    const blank = fc.constantFrom(...BLANK_CODE_POINTS).map((cp) => String.fromCodePoint(cp));
    const part = fc.oneof(
      blank,
      fc.constantFrom('a', 'Z', '9', '李', '한', 'é', ' ', '-', '_', '.', '\u00a0', '\u3000', '\u1160ㅏ'),
      fc.string({ unit: 'binary', maxLength: 3 }),
      fc.string({ unit: 'grapheme', maxLength: 2 }),
    );
    const name = fc.array(part, { maxLength: 8 }).map((parts) => parts.join(''));
    const prop = fc.property(name, (raw) => {
      const r = v.safeParse(nickSchema, raw);
      if (!r.success) return;
      const cps = [...r.output].map((c) => c.codePointAt(0) as number);
      expect(cps.filter(isInvisible), JSON.stringify(r.output)).toEqual([]);
      expect(r.output.replace(/\s/gu, ''), JSON.stringify(raw)).not.toBe('');
    });
    try {
      fc.assert(prop, { seed: SEED, numRuns: RUNS });
    } catch (err) {
      console.error(`name property failed with seed ${SEED}: rerun with PARLEY_PROP_SEED=${SEED}`);
      throw err;
    }
  });

  it('strips unknown keys instead of passing them on', () => {
    const r = decodeClientFrame('{"type":"send","id":"a","room":"r","kind":"text","body":"b","sender":"admin"}');
    expect(r.ok && 'sender' in r.frame).toBe(false);
  });

  it('rejects mutation frames without a valid target or emoji', () => {
    const bad = [
      { type: 'edit', id: 'e', room: 'general', ref: 0, body: 'x' },
      { type: 'delete', id: 'd', room: 'general' },
      { type: 'react', id: 'r', room: 'general', ref: 1, emoji: 'two words', on: true },
      { type: 'react', id: 'r', room: 'general', ref: 1, emoji: '', on: true },
      { type: 'react', id: 'r', room: 'general', ref: 1, emoji: '👍' },
    ];
    for (const f of bad) expect(decodeClientFrame(JSON.stringify(f)), JSON.stringify(f)).toMatchObject({ ok: false });
  });

  it('rejects the wrong protocol version', () => {
    expect(decodeClientFrame('{"type":"hello","v":2,"nick":"a"}')).toMatchObject({
      ok: false,
      code: 'version_unsupported',
      type: 'hello',
    });
  });
});

describe('codes', () => {
  it('every error code has a message and a retry flag', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].message.length).toBeGreaterThan(5);
      expect(typeof ERRORS[code].retryable).toBe('boolean');
    }
  });

  it('close codes say reconnect or stop by range', () => {
    expect(shouldReconnect(CLOSE.going_away)).toBe(true);
    expect(shouldReconnect(CLOSE.slow_consumer)).toBe(true);
    expect(shouldReconnect(1006)).toBe(true);
    expect(shouldReconnect(CLOSE.rejected)).toBe(false);
    expect(shouldReconnect(CLOSE.normal)).toBe(false);
  });
});
