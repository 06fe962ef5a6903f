import { describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  CLOSE,
  decodeClientFrame,
  ERROR_CODES,
  ERRORS,
  shouldReconnect,
} from '../../src/protocol/index.ts';

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
