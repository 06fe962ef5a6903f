/**
 * `:shortcode:` in a textarea: typing `:ta` lists matching emoji (arrows move, Enter or Tab
 * picks, Esc closes); typing a whole `:tada:` turns it into 🎉 at once. The emoji data loads the
 * first time a colon is typed.
 */
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { closedShortcode, replaceRange, shortcodeQuery } from './emoji-complete.ts';
import { loadEmoji, matchShortcodes, type Emoji, type EmojiSet } from './emoji-data.ts';
import { locale } from './i18n/index.ts';
import { popupHandlers } from './popup-keys.ts';

export interface EmojiMatch {
  readonly code: string;
  readonly emoji: Emoji;
}

export interface EmojiComplete {
  readonly matches: readonly EmojiMatch[];
  readonly active: number;
  onKeyDown(e: KeyboardEvent): boolean;
  /** The text changed by typing: a finished `:code:` is replaced; returns the text to keep. */
  onInput(value: string, caret: number): string;
  onCaret(): void;
  pick(m: EmojiMatch): void;
  /** Insert an emoji at the caret (the picker). */
  insert(emoji: string): void;
}

export function useEmojiComplete(
  ref: RefObject<HTMLTextAreaElement | null>,
  text: string,
  setText: (value: string) => void,
): EmojiComplete {
  const [set, setSet] = useState<EmojiSet>();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedFor, setClosedFor] = useState<string>();
  const nextCaret = useRef<number | undefined>(undefined);
  const wants = text.includes(':');

  useEffect(() => {
    if (!wants || set) return;
    let live = true;
    loadEmoji(locale()).then(
      (s) => live && setSet(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [wants, set]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && nextCaret.current !== undefined) {
      el.setSelectionRange(nextCaret.current, nextCaret.current);
      nextCaret.current = undefined;
    }
  });

  const query = set && closedFor !== text ? shortcodeQuery(text, Math.min(caret, text.length)) : undefined;
  const matches = set && query ? matchShortcodes(set, query.q) : [];
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const apply = (done: { text: string; caret: number }): void => {
    nextCaret.current = done.caret;
    setCaret(done.caret);
    setActive(0);
    setText(done.text);
    ref.current?.focus();
  };

  const pick = (m: EmojiMatch): void => {
    if (query) apply(replaceRange(text, query.start, caret, m.emoji.char));
  };

  return {
    matches,
    active: current,
    pick,
    insert: (emoji) => {
      const el = ref.current;
      const start = el ? el.selectionStart : text.length;
      const end = el ? el.selectionEnd : text.length;
      apply(replaceRange(text, start, end, emoji));
    },
    onInput: (value, at) => {
      setCaret(at);
      const closed = set ? closedShortcode(value, at) : undefined;
      const emoji = closed ? set?.byCode.get(closed.code) : undefined;
      if (!closed || !emoji) return value;
      const done = replaceRange(value, closed.start, at, emoji.char);
      nextCaret.current = done.caret;
      setCaret(done.caret);
      return done.text;
    },
    ...popupHandlers({ ref, caret, setCaret, matches, current, setActive, pick, close: () => setClosedFor(text) }),
  };
}
