/**
 * App-wide keys: Ctrl/Cmd+K opens the quick switcher; Alt+↑/↓ opens the previous/next room in the
 * sidebar's order (rooms, then DMs, as listed), wrapping around. docs/web.md lists them.
 */
import { useEffect, useRef } from 'preact/hooks';

/** The sidebar's rooms and DMs, in the order shown. */
export function sidebarOrder(): string[] {
  return Array.from(
    document.querySelectorAll<HTMLElement>('.sidebar .room-link[data-room]'),
    (el) => el.dataset['room'] ?? '',
  );
}

export function useKeyboardShortcuts(opts: {
  readonly current: string;
  readonly onSwitcher: () => void;
  readonly onOpen: (room: string) => void;
}): void {
  // Everything is read at key time and the listener is added once: an effect re-registering it
  // after a render would leave a gap until the next paint, and a key pressed then (Ctrl+K right
  // after Escape, Alt+↓ right after a room change) would be lost or see the previous room.
  const latest = useRef(opts);
  latest.current = opts;
  const currentRef = useRef(opts.current);
  currentRef.current = opts.current;
  useEffect(() => {
    const onSwitcher = (): void => latest.current.onSwitcher();
    const onOpen = (room: string): void => latest.current.onOpen(room);
    const onKey = (e: KeyboardEvent): void => {
      if (e.isComposing) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        e.stopPropagation();
        onSwitcher();
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        const order = sidebarOrder();
        if (order.length === 0) return;
        // Before the composer sees ↑ (which would start editing your last message).
        e.preventDefault();
        e.stopPropagation();
        const now = currentRef.current;
        const at = order.indexOf(now);
        const step = e.key === 'ArrowDown' ? 1 : -1;
        const next = order[(at < 0 ? 0 : at + step + order.length) % order.length];
        if (next && next !== now) {
          currentRef.current = next;
          onOpen(next);
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
