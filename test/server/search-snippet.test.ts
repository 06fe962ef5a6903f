/** Query parsing and snippets: terms are literal text, marks are offsets into plain text. */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/server/search/query.ts';
import { makeSnippet, SNIPPET_MAX } from '../../src/server/search/snippet.ts';

const marked = (s: { snippet: string; marks: [number, number][] }) => s.marks.map(([a, b]) => s.snippet.slice(a, b));

describe('parseQuery', () => {
  it('splits words, keeps "quoted phrases" whole, and drops repeats and empties', () => {
    expect(parseQuery('deploy  Friday')).toEqual(['deploy', 'Friday']);
    expect(parseQuery('"release  notes" v2 friday FRIDAY')).toEqual(['release notes', 'v2', 'friday']);
    expect(parseQuery('"unclosed phrase')).toEqual(['unclosed phrase']);
    expect(parseQuery('a"b NEAR(x) col:y *')).toEqual(['a"b', 'NEAR(x)', 'col:y', '*']);
    expect(parseQuery('"" "  " ')).toEqual([]);
    expect(parseQuery('开会 讨论')).toEqual(['开会', '讨论']);
  });
});

describe('makeSnippet', () => {
  it('keeps a short body whole and marks every match, case-insensitively, merged where they overlap', () => {
    const s = makeSnippet('Deploy the deployment, deploy!', ['DEPLOY', 'ployment']);
    expect(s.snippet).toBe('Deploy the deployment, deploy!');
    expect(marked(s)).toEqual(['Deploy', 'deployment', 'deploy']);
    expect(makeSnippet('明天开会讨论', ['开会']).marks).toEqual([[2, 4]]);
    expect(makeSnippet('no match here', ['zzz'])).toEqual({ snippet: 'no match here', marks: [] });
  });

  it('cuts a long body around the first match with ellipses, offsets relative to the snippet', () => {
    const body = `${'a'.repeat(500)} needle ${'b'.repeat(500)} needle`;
    const s = makeSnippet(body, ['needle']);
    expect(s.snippet.length).toBeLessThanOrEqual(SNIPPET_MAX + 2);
    expect(s.snippet.startsWith('…')).toBe(true);
    expect(s.snippet.endsWith('…')).toBe(true);
    expect(marked(s)).toEqual(['needle']);
    // A match at the very end: the window slides back to keep it.
    const tail = makeSnippet(`${'x '.repeat(300)}end`, ['end']);
    expect(tail.snippet.endsWith('end')).toBe(true);
    expect(marked(tail)).toEqual(['end']);
  });

  it('never splits a surrogate pair at a cut', () => {
    const body = `${'😀'.repeat(200)}target${'😀'.repeat(200)}`;
    const s = makeSnippet(body, ['target']);
    expect(s.snippet).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u);
    expect(marked(s)).toEqual(['target']);
  });

  it('marks only inside the snippet: a long body of one letter against ten nested terms', () => {
    const terms = Array.from({ length: 10 }, (_, i) => 'A'.repeat(i + 1));
    const s = makeSnippet('a'.repeat(4000), terms);
    expect(s.snippet).toBe(`${'a'.repeat(SNIPPET_MAX)}…`);
    expect(s.marks).toEqual([[0, SNIPPET_MAX]]);
    // Matches that straddle the cut are clipped to it.
    const cut = makeSnippet(`${'x'.repeat(300)}needle${'y'.repeat(300)}`, ['needle', 'xneedley']);
    expect(marked(cut)).toEqual(['xneedley']);
  });
});
