/**
 * The full emoji set (emojibase-data: names, keywords and GitHub/Slack shortcodes) for the picker
 * and :shortcode: completion. Loaded on first use as separate chunks, so the app's bundle does not
 * carry it; each language's names are loaded once.
 */

export interface Emoji {
  /** The emoji as sent (a reaction, or text): one normal form, so equal emoji are equal strings. */
  readonly char: string;
  readonly label: string;
  /** Lower-case label, keywords and shortcodes, for search. */
  readonly words: readonly string[];
  readonly codes: readonly string[];
  /** emojibase group: 0 smileys … 9 flags (2, skin-tone components, is left out). */
  readonly group: number;
}

export interface EmojiSet {
  readonly list: readonly Emoji[];
  /** By shortcode without colons ("+1", "thumbsup", "tada"). */
  readonly byCode: ReadonlyMap<string, Emoji>;
  /** Every shortcode, sorted, for completion. */
  readonly codes: readonly string[];
}

import { unsupportedEmoji, type EmojiVersions } from './emoji-support.ts';

export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;

interface Raw {
  readonly hexcode: string;
  readonly label: string;
  readonly unicode: string;
  readonly group?: number;
  readonly order?: number;
  readonly tags?: readonly string[];
}

const PRESENTATION = /^\p{Emoji_Presentation}$/u;

/**
 * The sending form of an emoji: a single character with its variation selector only when it
 * needs one to show as emoji (❤️ keeps it, 👍 has none), so a reaction from the picker and from
 * the quick row are the same string. Sequences stay as the data spells them.
 */
export function normalEmoji(unicode: string): string {
  const bare = unicode.replace(/\uFE0F/g, '');
  if (Array.from(bare).length !== 1) return unicode;
  return PRESENTATION.test(bare) ? bare : `${bare}\uFE0F`;
}

/** Builds the set from emojibase's compact data and a shortcode table (pure; exported for tests). */
export function buildEmojiSet(
  data: readonly Raw[],
  shortcodes: Readonly<Record<string, string | readonly string[]>>,
  /** Hexcodes this browser cannot draw: left out. */
  hidden: ReadonlySet<string> = new Set(),
): EmojiSet {
  const list: Emoji[] = [];
  const byCode = new Map<string, Emoji>();
  const sorted = data
    .filter((d) => d.group !== undefined && d.group !== 2 && !hidden.has(d.hexcode))
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  for (const d of sorted) {
    const sc = shortcodes[d.hexcode];
    const codes = sc === undefined ? [] : typeof sc === 'string' ? [sc] : [...sc];
    const emoji: Emoji = {
      char: normalEmoji(d.unicode),
      label: d.label,
      words: [d.label.toLocaleLowerCase(), ...(d.tags ?? []).map((w) => w.toLocaleLowerCase()), ...codes],
      codes,
      group: d.group!,
    };
    list.push(emoji);
    for (const c of codes) if (!byCode.has(c)) byCode.set(c, emoji);
  }
  return { list, byCode, codes: [...byCode.keys()].sort() };
}

const loaded = new Map<string, Promise<EmojiSet>>();

/** The emoji set with names in `lang` (shortcodes are English in both). */
export function loadEmoji(lang: 'en' | 'zh'): Promise<EmojiSet> {
  let p = loaded.get(lang);
  if (!p) {
    const data = lang === 'zh' ? import('emojibase-data/zh/compact.json') : import('emojibase-data/en/compact.json');
    p = Promise.all([
      data,
      import('emojibase-data/en/shortcodes/github.json'),
      import('emojibase-data/versions/emoji.json'),
    ]).then(([d, s, v]) =>
      buildEmojiSet(
        d.default as readonly Raw[],
        s.default as Record<string, string | string[]>,
        unsupportedEmoji(v.default as EmojiVersions),
      ),
    );
    // A failed load (offline) is tried again next time.
    p.catch(() => loaded.delete(lang));
    loaded.set(lang, p);
  }
  return p;
}

const MATCH_MAX = 8;

/** Emoji whose shortcode starts with `q`, then those with a word starting with it. */
export function matchShortcodes(set: EmojiSet, q: string): { code: string; emoji: Emoji }[] {
  const needle = q.toLowerCase();
  const prefix: { code: string; emoji: Emoji }[] = [];
  const inner: { code: string; emoji: Emoji }[] = [];
  const seen = new Set<string>();
  for (const code of set.codes) {
    const emoji = set.byCode.get(code)!;
    if (seen.has(emoji.char)) continue;
    if (code.startsWith(needle)) prefix.push({ code, emoji });
    else if (code.split(/[_-]/).some((w) => w.startsWith(needle))) inner.push({ code, emoji });
    else continue;
    seen.add(emoji.char);
  }
  prefix.sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  return [...prefix, ...inner].slice(0, MATCH_MAX);
}

/**
 * Emoji matching every word of `query` (label, keywords, shortcodes): an exact name or shortcode
 * first, then names starting with the query, then names with a word starting with it, then the
 * rest; the data's order within each.
 */
export function searchEmoji(set: EmojiSet, query: string): Emoji[] {
  const q = query.trim().toLocaleLowerCase();
  const terms = q.split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...set.list];
  const ranked: Emoji[][] = [[], [], [], []];
  for (const e of set.list) {
    if (!terms.every((term) => e.words.some((w) => w.includes(term)))) continue;
    const label = e.words[0]!;
    const rank =
      label === q || e.codes.includes(q)
        ? 0
        : label.startsWith(q)
          ? 1
          : label.split(/[\s:-]+/).some((w) => w.startsWith(terms[0]!))
            ? 2
            : 3;
    ranked[rank]!.push(e);
  }
  return ranked.flat();
}
