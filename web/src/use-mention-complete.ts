/** @mention autocomplete for a textarea: arrows move, Enter or Tab picks, Esc closes. */
import type { RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { completeMention, matchNames, mentionQuery } from './mention-complete.ts';
import { popupHandlers } from './popup-keys.ts';

export interface MentionComplete {
  /** Names offered now (empty: the popup is closed). */
  readonly matches: readonly string[];
  readonly active: number;
  /** Handles the key when the popup is open; true when it did. */
  onKeyDown(e: KeyboardEvent): boolean;
  /** Call on input, click and key-up: the caret may have moved. */
  onCaret(): void;
  pick(name: string): void;
}

export function useMentionComplete(
  ref: RefObject<HTMLTextAreaElement | null>,
  text: string,
  setText: (value: string) => void,
  names: readonly string[],
  me: string | undefined,
): MentionComplete {
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** The text when Esc closed the popup: it stays closed until the text changes. */
  const [closedFor, setClosedFor] = useState<string>();
  const nextCaret = useRef<number | undefined>(undefined);

  const query = closedFor === text ? undefined : mentionQuery(text, Math.min(caret, text.length));
  const matches = query ? matchNames(names, query.q, me) : [];
  const current = Math.min(active, Math.max(0, matches.length - 1));

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && nextCaret.current !== undefined) {
      el.setSelectionRange(nextCaret.current, nextCaret.current);
      nextCaret.current = undefined;
    }
  });

  const pick = (name: string) => {
    if (!query) return;
    const done = completeMention(text, caret, query, name);
    nextCaret.current = done.caret;
    setCaret(done.caret);
    setActive(0);
    setText(done.text);
    ref.current?.focus();
  };

  return {
    matches,
    active: current,
    pick,
    ...popupHandlers({ ref, caret, setCaret, matches, current, setActive, pick, close: () => setClosedFor(text) }),
  };
}
