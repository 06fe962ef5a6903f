/**
 * The search panel's state: one query at a time, pages appended (short pages followed on, as the
 * server may end a page early), and jumping to a result in its room.
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import type { SearchResult } from '../../src/client/index.ts';
import type { ChatStore } from './chat-store.ts';
import { errorText } from './format.ts';
import { t } from './i18n/index.ts';
import { intlLocale } from './i18n/intl.ts';
import { JUMP_MAX_EVENTS, showMessage } from './message-jump.ts';
import type { MessageFocus } from './use-message-focus.ts';

/** Results to gather before showing a page. */
const WANT = 20;
/** Server pages one request may follow. */
const MAX_PAGES = 5;

export interface SearchState {
  readonly q: string;
  /** Only this room, or all rooms you are a member of. */
  readonly room?: string;
  readonly status: 'idle' | 'loading' | 'done' | 'error';
  readonly results: readonly SearchResult[];
  readonly next?: number;
  readonly error?: string;
  /** The panel is shown (a jump hides it; the results stay for the next look). */
  readonly open: boolean;
  /** Why the last jump did not land. */
  readonly note?: string;
}

const IDLE: SearchState = { q: '', status: 'idle', results: [], open: false };

export function useSearch(store: ChatStore) {
  const [state, setState] = useState<SearchState>(IDLE);
  const [focus, setFocus] = useState<MessageFocus>();
  const current = useRef(state);
  current.current = state;
  /** Bumped per search (and per jump), so a slow answer to an older one is dropped. */
  const run = useRef(0);
  const jumps = useRef(0);

  const fetch = useCallback(
    async (q: string, room: string | undefined, before: number | undefined, prior: readonly SearchResult[]) => {
      const token = ++run.current;
      const scope = room ? { room } : {};
      setState({ q, ...scope, status: 'loading', results: prior, open: true });
      const results = [...prior];
      let next = before;
      try {
        for (let pages = 0; pages < MAX_PAGES; pages++) {
          const page = await store.search(q, { ...scope, ...(next ? { before: next } : {}) });
          if (token !== run.current) return;
          results.push(...page.results);
          next = page.next;
          if (next === undefined || results.length - prior.length >= WANT) break;
        }
        setState({ q, ...scope, status: 'done', results, ...(next ? { next } : {}), open: true });
      } catch (err) {
        if (token !== run.current) return;
        setState({ q, ...scope, status: 'error', results, error: errorText(err), open: true });
      }
    },
    [store],
  );

  const search = useCallback((q: string, room?: string) => void fetch(q.trim(), room, undefined, []), [fetch]);
  const more = useCallback(() => {
    const s = current.current;
    if (s.next !== undefined && s.status === 'done') void fetch(s.q, s.room, s.next, s.results);
  }, [fetch]);
  const clear = useCallback(() => {
    run.current++;
    setState(IDLE);
  }, []);
  const reopen = useCallback(() => setState((s) => (s.status === 'idle' || s.open ? s : { ...s, open: true })), []);

  /** Open the result's room at the message, then scroll to it and highlight it. */
  const jump = useCallback(
    async (r: SearchResult) => {
      const token = ++jumps.current;
      setState((s) => ({ ...s, open: false, note: undefined }));
      const result = await showMessage(store, r.room, r.seq);
      if (token !== jumps.current) return;
      if (result === 'shown') setFocus({ room: r.room, seq: r.seq, token });
      else {
        const note =
          result === 'too-far'
            ? t('search.tooFar', { count: JUMP_MAX_EVENTS.toLocaleString(intlLocale()) })
            : t('search.cannotOpen', { room: r.room });
        setState((s) => ({ ...s, open: true, note }));
      }
    },
    [store],
  );

  return { state, focus, search, more, clear, reopen, jump };
}
