/** Links in message text: found where a reader expects them, never with an unsafe scheme. */
import { describe, expect, it } from 'vitest';
import { linkSpans } from '../../web/src/link-spans.ts';

const hrefs = (text: string) => linkSpans(text).map((l) => [text.slice(l.start, l.end), l.href]);

describe('linkSpans', () => {
  it('finds http(s) URLs, bare domains and e-mail addresses, without trailing punctuation', () => {
    expect(hrefs('see https://example.com/a?b=1, then www.example.org. Mail bob@example.net!')).toEqual([
      ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
      ['www.example.org', 'http://www.example.org/'],
      ['bob@example.net', 'mailto:bob@example.net'],
    ]);
  });

  it('never links javascript:, data: or ftp: URLs', () => {
    expect(linkSpans('javascript:alert(1) data:text/html,<b>x</b> ftp://files.example.com/x')).toEqual([]);
  });

  it('keeps markup in a URL as escaped text in the href', () => {
    const [link] = linkSpans('https://example.com/"><img src=x onerror=alert(1)>');
    expect(link?.href.startsWith('https://example.com/')).toBe(true);
    expect(link?.href).not.toContain('"');
    expect(link?.href).not.toContain('<');
  });

  it('finds nothing in text without links', () => {
    expect(linkSpans('hello there, 你好')).toEqual([]);
  });
});
