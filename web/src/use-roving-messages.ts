/**
 * One Tab stop for the whole message list (a roving tabindex): Tab enters the list at one message
 * (the last focused, else the newest), ↑/↓ move between messages, Home/End go to the first and
 * last shown; Tab from a message reaches its own controls (actions, links, reactions), while the
 * controls of every other message are out of the Tab order. Works on the DOM the list renders,
 * so rows added by scrolling (virtual-rows.ts) are kept in line by a MutationObserver.
 */
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

const ROW = 'article.message';
const CONTROLS = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
/** Marks a control this hook took out of the Tab order, so only those are given back. */
const MARK = 'data-roving-off';

export function useRovingMessages(ref: RefObject<HTMLElement | null>, key: string): void {
  useEffect(() => {
    const list = ref.current;
    if (!list) return;
    let active: HTMLElement | null = null;
    // Until someone picks a message, the Tab stop follows the newest one.
    let chosen = false;
    const rows = (): HTMLElement[] => Array.from(list.querySelectorAll<HTMLElement>(ROW));
    const apply = (): void => {
      const all = rows();
      if (!chosen || !active?.isConnected || !list.contains(active)) active = all[all.length - 1] ?? null;
      for (const row of all) {
        const on = row === active;
        if (row.tabIndex !== (on ? 0 : -1)) row.tabIndex = on ? 0 : -1;
        if (on) {
          for (const el of row.querySelectorAll<HTMLElement>(`[${MARK}]`)) {
            el.removeAttribute(MARK);
            el.removeAttribute('tabindex');
          }
        } else {
          for (const el of row.querySelectorAll<HTMLElement>(CONTROLS)) {
            if (el.hasAttribute('tabindex')) continue; // its own tabindex: the component's choice
            el.setAttribute('tabindex', '-1');
            el.setAttribute(MARK, '');
          }
        }
      }
    };
    const onFocus = (e: FocusEvent): void => {
      const row = (e.target as Element).closest<HTMLElement>(ROW);
      if (row && list.contains(row) && (row !== active || !chosen)) {
        active = row;
        chosen = true;
        apply();
      }
    };
    const onKey = (e: KeyboardEvent): void => {
      const row = e.target as HTMLElement;
      if (!row.matches(ROW) || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const all = rows();
      const at = all.indexOf(row);
      let next: HTMLElement | undefined;
      if (e.key === 'ArrowUp') next = all[at - 1];
      else if (e.key === 'ArrowDown') next = all[at + 1];
      else if (e.key === 'Home') next = all[0];
      else if (e.key === 'End') next = all[all.length - 1];
      else return;
      e.preventDefault();
      if (!next) return;
      active = next;
      chosen = true;
      apply();
      next.focus();
      next.scrollIntoView({ block: 'nearest' });
    };
    let queued = false;
    const observer = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        apply();
      });
    });
    observer.observe(list, { childList: true, subtree: true });
    list.addEventListener('focusin', onFocus);
    list.addEventListener('keydown', onKey);
    apply();
    return () => {
      observer.disconnect();
      list.removeEventListener('focusin', onFocus);
      list.removeEventListener('keydown', onKey);
    };
  }, [ref, key]);
}
