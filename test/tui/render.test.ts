/** What the terminal client prints: escape codes removed, multi-line bodies indented, changes in a few words, JSON lines safe. */
import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/client/index.ts';
import { toJsonLine } from '../../src/tui/json-lines.ts';
import { clock, EventRenderer, renderState } from '../../src/tui/render.ts';
import { oneLine, stripTerminalCodes, textLines } from '../../src/tui/sanitize.ts';
import { colorsWanted, createStyle } from '../../src/tui/style.ts';

const bob = { id: 'u-bob', nick: 'bob' };
const ts = Date.UTC(2026, 0, 2, 3, 4);
const ev = (e: Partial<RoomEvent> & Pick<RoomEvent, 'seq' | 'kind'>): RoomEvent => ({
  room: 'general',
  id: `e${e.seq}`,
  sender: bob,
  body: '',
  ts,
  ...e,
});

describe('stripTerminalCodes', () => {
  it.each([
    ['CSI: colours, cursor moves, clear screen', 'a\u001b[31mb\u001b[0m\u001b[2J\u001b[10;5Hc', 'abc'],
    ['OSC ended by BEL (window title)', 'a\u001b]0;title\u0007b', 'ab'],
    ['OSC 8 hyperlink ended by ST', '\u001b]8;;https://evil\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['DCS / APC strings', 'a\u001bPq#0;1\u001b\\b\u001b_x\u001b\\c', 'abc'],
    ['8-bit CSI and OSC', 'a\u009b2Jb\u009d0;t\u009cc', 'abc'],
    ['two-byte escapes (reset, save cursor)', 'a\u001bcb\u001b7c', 'abc'],
    ['an unterminated OSC swallows the rest', 'ok\u001b]0;never ends', 'ok'],
    [
      'C0 controls but tab and newline; DEL; bidi overrides',
      'a\u0000\u0007\b\r\u007fb\tc\nd\u202e\u2066e',
      'ab\tc\nde',
    ],
  ])('%s', (_what, input, expected) => {
    expect(stripTerminalCodes(input)).toBe(expected);
  });

  it('keeps ordinary text, emoji and CJK untouched', () => {
    const text = 'Déjà vu 👍🏽 你好 [31m is just text';
    expect(stripTerminalCodes(text)).toBe(text);
  });

  it('oneLine folds newlines and tabs; textLines splits and expands tabs', () => {
    expect(oneLine('a\nb\tc')).toBe('a b c');
    expect(textLines('a\n\tb')).toEqual(['a', '  b']);
  });
});

describe('EventRenderer', () => {
  const render = new EventRenderer(createStyle(false));
  const t = clock(ts);

  it('prints time, sender and body; later lines indented under the body', () => {
    expect(render.render(ev({ seq: 1, kind: 'text', body: 'hi\nthere' }))).toBe(
      `${t} <bob> hi\n${' '.repeat(12)}there`,
    );
  });

  it('names the room when the event is not in the current one', () => {
    expect(render.render(ev({ seq: 2, kind: 'text', room: 'ops', body: 'x' }), true)).toBe(`${t} [#ops] <bob> x`);
  });

  it('strips codes from nicknames and bodies', () => {
    const evil = { id: 'u-evil', nick: 'ev\u001b[2Jil' };
    expect(render.render(ev({ seq: 3, kind: 'text', sender: evil, body: '\u001b]0;x\u0007ok' }))).toBe(
      `${t} <evil> ok`,
    );
  });

  it('shows edits, deletes and reactions as short lines quoting the message', () => {
    render.render(ev({ seq: 10, kind: 'text', body: 'the deploy is at noon' }));
    expect(render.render(ev({ seq: 11, kind: 'edit', ref: 10, body: 'the deploy is at one' }))).toBe(
      `${t} * bob edited “the deploy is at noon”: the deploy is at one`,
    );
    expect(render.render(ev({ seq: 12, kind: 'react', ref: 10, body: '👍' }))).toBe(
      `${t} * bob reacted 👍 to “the deploy is at one”`,
    );
    expect(render.render(ev({ seq: 13, kind: 'delete', ref: 999 }))).toBe(`${t} * bob deleted message 999`);
  });

  it('shows joins, leaves and moderation', () => {
    expect(render.render(ev({ seq: 20, kind: 'join' }))).toBe(`${t} → bob joined #general`);
    expect(render.render(ev({ seq: 21, kind: 'leave' }))).toBe(`${t} ← bob left #general`);
    expect(render.render(ev({ seq: 22, kind: 'kick', target: { id: 'c', nick: 'carol' } }))).toBe(
      `${t} * bob kicked carol`,
    );
    expect(render.render(ev({ seq: 23, kind: 'role', body: 'moderator', target: { id: 'c', nick: 'carol' } }))).toBe(
      `${t} * bob made carol a moderator`,
    );
  });
});

describe('connection lines', () => {
  it('says when and why it reconnects, and when it is back', () => {
    const lost = { state: 'reconnecting', prev: 'connected', attempt: 1, delayMs: 3000, code: 1006 } as const;
    expect(renderState(lost, { firstConnect: false })).toBe('connection lost (code 1006); reconnecting in 3 s…');
    expect(renderState(lost, { firstConnect: true, socketError: 'connect ECONNREFUSED' })).toBe(
      'could not connect (connect ECONNREFUSED); reconnecting in 3 s…',
    );
    const back = { state: 'connected', prev: 'connecting', attempt: 0 } as const;
    expect(renderState(back, { firstConnect: false })).toBe('connected');
  });
});

describe('colours', () => {
  it('only on a TTY, and never with NO_COLOR set', () => {
    expect(colorsWanted({ isTTY: true }, {})).toBe(true);
    expect(colorsWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorsWanted({ isTTY: false }, {})).toBe(false);
    expect(createStyle(false).nick('u', 'ada')).toBe('ada');
    // eslint-disable-next-line no-control-regex
    expect(createStyle(true).nick('u', 'ada')).toMatch(/^\u001b\[[\d;]+mada\u001b\[0m$/);
  });
});

describe('--tail JSON lines', () => {
  it('are one line each, parse back to the event, and carry no raw C1 control or line separator', () => {
    const e = ev({ seq: 5, kind: 'text', body: 'two\nlines \u009b2J \u2028 \u001b[31m' });
    const line = toJsonLine(e);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\n\u007f-\u009f\u2028\u2029\u001b]/);
    expect(JSON.parse(line)).toEqual(e);
  });
});
