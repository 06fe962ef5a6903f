/**
 * The search port (docs/protocol.md, _Search_). What is indexed is decided above the engine
 * (core/room-log/search-doc.ts) and written by the room log's append in the event's transaction;
 * the engine only stores and matches text. Held to test/contract/search.contract.ts.
 */
import type { RoomEvent } from '../../protocol/index.ts';

export interface SearchQuery {
  /** Only messages of rooms this user is a member of at the time of the query. */
  readonly userId: string;
  /**
   * Literal text, never query syntax: a message matches when each term occurs in its current
   * text (case-insensitively; substrings, so Chinese needs no word breaks). At least one.
   */
  readonly terms: readonly string[];
  /** Only this room. */
  readonly room?: string;
  /** Only results older than this cursor (a previous hit's `cursor`). */
  readonly before?: number;
  readonly limit: number;
}

export interface SearchHit {
  /** The message (kind text, image or file) with `body` its current text, after edits. */
  readonly event: RoomEvent;
  /** Orders results (greater is newer) and pages them: pass it as `before`. */
  readonly cursor: number;
}

export interface SearchPage {
  /** Newest first; at most `limit`. */
  readonly hits: SearchHit[];
  /**
   * Where to continue (as `before`) when older results may exist. A store may bound the work of
   * one page, so a page can hold fewer than `limit` hits, even none, and still have `next`.
   */
  readonly next?: number;
}

export interface SearchIndex {
  /**
   * Messages matching every term, newest first, from the user's rooms only. The index follows the
   * log in the append's own transaction: an edit replaces a message's text, a delete removes it.
   */
  search(query: SearchQuery): Promise<SearchPage>;
}
