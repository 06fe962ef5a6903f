/** Keys of a completion popup over the composer (mentions, emoji): ↑/↓ choose, Enter/Tab pick, Esc closes. */

export interface PopupKeys {
  readonly count: number;
  readonly current: number;
  readonly setActive: (index: number) => void;
  readonly pickCurrent: () => void;
  readonly close: () => void;
}

/** Handles `e` for an open popup; true when the key was the popup's (and its default is prevented). */
export function popupKeyDown(e: KeyboardEvent, p: PopupKeys): boolean {
  if (p.count === 0 || e.isComposing) return false;
  switch (e.key) {
    case 'ArrowDown':
      p.setActive((p.current + 1) % p.count);
      break;
    case 'ArrowUp':
      p.setActive((p.current - 1 + p.count) % p.count);
      break;
    case 'Enter':
    case 'Tab':
      if (e.shiftKey) return false;
      p.pickCurrent();
      break;
    case 'Escape':
      p.close();
      break;
    default:
      return false;
  }
  e.preventDefault();
  return true;
}

/** What both completion hooks hand the composer: follow the caret, and the popup's keys. */
export function popupHandlers<T>(o: {
  readonly ref: { readonly current: HTMLTextAreaElement | null };
  readonly caret: number;
  readonly setCaret: (at: number) => void;
  readonly matches: readonly T[];
  readonly current: number;
  readonly setActive: (index: number) => void;
  readonly pick: (match: T) => void;
  readonly close: () => void;
}): { onCaret(): void; onKeyDown(e: KeyboardEvent): boolean } {
  return {
    onCaret: () => {
      const el = o.ref.current;
      if (el && el.selectionStart !== o.caret) o.setCaret(el.selectionStart);
    },
    onKeyDown: (e) =>
      popupKeyDown(e, {
        count: o.matches.length,
        current: o.current,
        setActive: o.setActive,
        pickCurrent: () => o.pick(o.matches[o.current]!),
        close: o.close,
      }),
  };
}
