/** The pure parts behind formatted messages, emoji and upload wording (no browser). */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedShortcode, replaceRange, shortcodeQuery } from '../../web/src/emoji-complete.ts';
import { loadEmoji, matchShortcodes, normalEmoji, searchEmoji } from '../../web/src/emoji-data.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { parseMarkdown, plainMarkdown, safeHref } from '../../web/src/markdown.ts';
import { excerpt } from '../../web/src/message-text.ts';
import { allowedKinds, uploadErrorText } from '../../web/src/upload-errors.ts';
import { GROUP_GAP_MS, listRows, pendingGroups } from '../../web/src/list-rows.ts';
import type { RoomEvent } from '../../src/client/index.ts';

beforeAll(() => {
  // setLocale writes <html lang>; Node has no document.
  (globalThis as { document?: unknown }).document ??= { documentElement: {} };
});

afterEach(() => setLocale('en'));

describe('parseMarkdown', () => {
  it('leaves plain text as one text run, without the lexer', () => {
    expect(parseMarkdown('hello world, see you at 12:30')).toEqual([
      { t: 'p', children: [{ t: 'text', text: 'hello world, see you at 12:30' }] },
    ]);
  });

  it('keeps raw HTML, unsafe links and bare URLs as text', () => {
    const [p] = parseMarkdown('<b>x</b> [a](javascript:alert(1)) https://example.com ![i](data:image/png;base64,AA)');
    expect(p).toEqual({
      t: 'p',
      children: [
        { t: 'text', text: '<b>x</b> [a](javascript:alert(1)) https://example.com ![i](data:image/png;base64,AA)' },
      ],
    });
  });

  it('turns a safe image into a link with its alt text, never an image', () => {
    expect(parseMarkdown('![chart](https://example.com/c.png)')).toEqual([
      {
        t: 'p',
        children: [{ t: 'link', href: 'https://example.com/c.png', children: [{ t: 'text', text: 'chart' }] }],
      },
    ]);
  });

  it('parses nested formatting, lists with task boxes and code blocks', () => {
    expect(parseMarkdown('**a _b_**')).toEqual([
      {
        t: 'p',
        children: [
          {
            t: 'strong',
            children: [
              { t: 'text', text: 'a ' },
              { t: 'em', children: [{ t: 'text', text: 'b' }] },
            ],
          },
        ],
      },
    ]);
    const [list] = parseMarkdown('- [x] done\n- [ ] todo');
    expect(list).toMatchObject({ t: 'list', ordered: false });
    expect(JSON.stringify(list)).toContain('☑ ');
    expect(parseMarkdown('```\n<script>\n```')).toEqual([{ t: 'pre', text: '<script>', lang: '' }]);
    expect(parseMarkdown('3. third\n4. fourth')[0]).toMatchObject({ t: 'list', ordered: true, start: 3 });
  });

  it('gives the words without markup for reply quotes and notifications', () => {
    expect(plainMarkdown('**ship** it _now_: [the guide](https://example.com) `npm ci`')).toBe(
      'ship it now: the guide npm ci',
    );
    expect(excerpt('> quoted\n\n- one\n- two')).toBe('quoted one two');
    expect(excerpt('<b>raw</b> stays')).toBe('<b>raw</b> stays');
  });

  it('accepts only http, https and mailto targets', () => {
    expect(safeHref('https://example.com/a b')).toBe('https://example.com/a%20b');
    expect(safeHref('mailto:a@example.com')).toBe('mailto:a@example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '/relative',
      'ftp://x',
    ])
      expect(safeHref(bad)).toBeUndefined();
  });
});

describe('grouping rows', () => {
  const ev = (seq: number, sender: string, ts: number, extra: Partial<RoomEvent> = {}): RoomEvent => ({
    room: 'r',
    seq,
    id: `e${seq}`,
    sender: { id: sender, nick: sender },
    kind: 'text',
    body: `m${seq}`,
    ts,
    ...extra,
  });
  it('groups a sender’s messages within the gap, and starts over on another sender, a reply or a system line', () => {
    const t0 = new Date(2026, 5, 1, 12).getTime();
    const rows = listRows(
      [
        ev(1, 'a', t0),
        ev(2, 'a', t0 + 1000),
        ev(3, 'a', t0 + 1000 + GROUP_GAP_MS),
        ev(4, 'b', t0 + 1000 + GROUP_GAP_MS),
        ev(5, 'b', t0 + 2000 + GROUP_GAP_MS, { reply: 4 }),
        ev(6, 'b', t0 + 3000 + GROUP_GAP_MS, { kind: 'join' }),
        ev(7, 'b', t0 + 4000 + GROUP_GAP_MS),
        ev(8, 'b', t0 + 5000 + GROUP_GAP_MS),
      ],
      8,
    );
    expect(rows.map((r) => r.grouped === true)).toEqual([false, true, false, false, false, false, false, false]);
  });

  it('groups your unsent messages with your last one, and with each other', () => {
    const t0 = new Date(2026, 5, 1, 12).getTime();
    const mine = ev(1, 'me', t0);
    const sends = [{ createdAt: t0 + 10 }, { createdAt: t0 + 20, reply: 1 }, { createdAt: t0 + 30 }];
    expect(pendingGroups(mine, sends, 'me')).toEqual([true, false, true]);
    expect(pendingGroups(ev(1, 'other', t0), sends, 'me')).toEqual([false, false, true]);
    expect(pendingGroups(undefined, [{ createdAt: t0 }], 'me')).toEqual([false]);
  });
});

describe('emoji', () => {
  it('spells each emoji one way, so picker and quick row agree', () => {
    expect(normalEmoji('👍️')).toBe('👍');
    expect(normalEmoji('❤')).toBe('❤️');
    expect(normalEmoji('❤️')).toBe('❤️');
    expect(normalEmoji('#️⃣')).toBe('#️⃣');
  });

  it('searches names and shortcodes, best match first, in English and Chinese', async () => {
    const en = await loadEmoji('en');
    expect(en.list.length).toBeGreaterThan(1500);
    expect(searchEmoji(en, 'rocket')[0]!.char).toBe('🚀');
    expect(searchEmoji(en, 'red heart')[0]!.char).toBe('❤️');
    expect(searchEmoji(en, 'tada')[0]!.char).toBe('🎉');
    expect(matchShortcodes(en, 'thumbsu')[0]).toMatchObject({ code: 'thumbsup' });
    expect(en.byCode.get('+1')!.char).toBe('👍');
    const zh = await loadEmoji('zh');
    expect(searchEmoji(zh, '火箭').map((e) => e.char)).toContain('🚀');
  });

  it('finds a :shortcode at the caret only where a word starts', () => {
    expect(shortcodeQuery('hi :ta', 6)).toEqual({ start: 3, q: 'ta' });
    expect(shortcodeQuery(':ta', 3)).toEqual({ start: 0, q: 'ta' });
    expect(shortcodeQuery('at 12:30', 8)).toBeUndefined();
    expect(shortcodeQuery('https://x', 9)).toBeUndefined();
    expect(shortcodeQuery('hi :t', 5)).toBeUndefined();
    expect(closedShortcode('yay :tada:', 10)).toEqual({ start: 4, code: 'tada' });
    expect(closedShortcode('a:b:', 4)).toBeUndefined();
    expect(replaceRange('yay :tada: ok', 4, 10, '🎉')).toEqual({ text: 'yay 🎉 ok', caret: 6 });
  });
});

describe('upload errors', () => {
  const types = [
    'image/png',
    'image/jpeg',
    'application/pdf',
    'application/zip',
    'text/plain',
    'audio/mpeg',
    'video/mp4',
  ];
  it('names the real limit and types, in both languages', () => {
    expect(uploadErrorText(Object.assign(new Error('x'), { code: 'file_too_large', maxBytes: 25 * 1024 * 1024 }))).toBe(
      'The file is larger than 25 MB.',
    );
    expect(uploadErrorText(Object.assign(new Error('x'), { code: 'file_too_large', maxBytes: 512 * 1024 }))).toBe(
      'The file is larger than 512 KB.',
    );
    expect(allowedKinds(types)).toMatch(/^PDF, images, audio, video, zip,? and text files$/);
    expect(allowedKinds(['image/png', 'application/epub+zip'])).toBe('images and epub+zip');
    setLocale('zh');
    expect(uploadErrorText(Object.assign(new Error('x'), { code: 'file_type_not_allowed', allowed: types }))).toBe(
      '可以分享 PDF、图片、音频、视频、zip和文本文件。',
    );
    expect(uploadErrorText(Object.assign(new Error('x'), { code: 'file_too_large', maxBytes: 25 * 1024 * 1024 }))).toBe(
      '文件超过 25 MB。',
    );
  });
});
