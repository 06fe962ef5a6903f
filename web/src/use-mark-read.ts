import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import type { RoomEvent } from '../../src/client/index.ts';
import { readUpTo } from './read-marks.ts';

/**
 * Marks the room read as far as its messages have been on screen while the tab is visible: on
 * every change of the list, scroll, and when the tab comes back. The SDK debounces the writes.
 */
export function useMarkRead(
  list: RefObject<HTMLElement | null>,
  events: readonly RoomEvent[],
  onRead: ((seq: number) => void) | undefined,
): void {
  useEffect(() => {
    const el = list.current;
    if (!el || !onRead) return;
    const check = (): void => {
      if (document.visibilityState !== 'visible') return;
      const seq = readUpTo(el, events);
      if (seq !== undefined) onRead(seq);
    };
    check();
    el.addEventListener('scroll', check, { passive: true });
    document.addEventListener('visibilitychange', check);
    window.addEventListener('focus', check);
    return () => {
      el.removeEventListener('scroll', check);
      document.removeEventListener('visibilitychange', check);
      window.removeEventListener('focus', check);
    };
  }, [list, events, onRead]);
}
