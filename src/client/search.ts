/**
 * Search in the SDK: the request frame and the page the client resolves with. The client sends it
 * through its request path (client.ts), resending it after a reconnect: searching is read-only.
 */
import type { ClientFrameOf, ResultsFrame, SearchResult } from '../protocol/index.ts';
import { LIMITS } from '../protocol/limits.ts';
import { newId } from './ids.ts';

/** Longest query the server accepts, in characters (for an input's maxLength). */
export const SEARCH_QUERY_MAX = LIMITS.searchQueryMax;

export interface SearchOptions {
  /** Only this room (you must be a member). */
  room?: string;
  /** Results per page, 1–50 (default 20). */
  limit?: number;
  /** The `next` of the previous page: continue with older results. */
  before?: number;
}

export interface SearchPage {
  /** Newest first. Render `snippet` as text, emphasising `marks` ([start, end) UTF-16 offsets). */
  results: SearchResult[];
  /**
   * Present when older results may exist: pass it as `before`. A page can be short (even empty)
   * and still have `next`: the server bounds the work of one page.
   */
  next?: number;
}

export function searchFrame(q: string, opts: SearchOptions): ClientFrameOf<'search'> {
  const frame: ClientFrameOf<'search'> = { type: 'search', id: newId(), q };
  if (opts.room !== undefined) frame.room = opts.room;
  if (opts.limit !== undefined) frame.limit = opts.limit;
  if (opts.before !== undefined) frame.before = opts.before;
  return frame;
}

export function toPage(frame: ResultsFrame): SearchPage {
  return frame.next === undefined ? { results: frame.results } : { results: frame.results, next: frame.next };
}
