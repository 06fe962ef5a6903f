import { useEffect, useReducer, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from './chat-store.ts';

/** The store's current snapshot; re-renders whenever it changes. */
export function useChatState(store: ChatStore | null): ChatState | null {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => (store ? store.subscribe(() => bump(undefined)) : undefined), [store]);
  return store ? store.getState() : null;
}

/** Date.now(), refreshed every `everyMs` while `active`. */
export function useNow(active: boolean, everyMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return active ? now : Date.now();
}
