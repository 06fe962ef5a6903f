/**
 * search: full-text search over the messages of the rooms the user is a member of now
 * (docs/protocol.md, _Search_). The store applies the membership rule inside its query; a named
 * room is checked first so a private room answers exactly as a missing one.
 */
import { LIMITS, type ClientFrameOf, type SearchResult } from '../../protocol/index.ts';
import { roomNotFound, visibleRoom } from '../core/access.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { takeSearch } from '../search/limit.ts';
import { parseQuery } from '../search/query.ts';
import { makeSnippet } from '../search/snippet.ts';
import type { SearchHit } from '../store/store.ts';

function toResult(hit: SearchHit, terms: readonly string[]): SearchResult {
  const { room, seq, sender, kind, ts, file, body } = hit.event;
  return {
    room,
    seq,
    sender,
    kind: kind as SearchResult['kind'],
    body,
    ts,
    ...(file === undefined ? {} : { file }),
    ...makeSnippet(body, terms),
  };
}

export async function search(conn: ConnectionPort, frame: ClientFrameOf<'search'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const wait = takeSearch(conn, conn.ctx.options);
  if (wait > 0) {
    conn.ctx.metrics.limited('search');
    conn.send({
      type: 'error',
      id: frame.id,
      code: 'rate_limited',
      message: `Too many searches; retry in ${wait} ms`,
      retryable: true,
      retryAfterMs: wait,
    });
    return;
  }
  const terms = parseQuery(frame.q);
  if (terms.length === 0) {
    conn.error('query_invalid', frame.id, 'The search query is empty');
    return;
  }
  if (terms.length > LIMITS.searchTermsMax) {
    conn.error('query_invalid', frame.id, `A query may have at most ${LIMITS.searchTermsMax} words or phrases`);
    return;
  }
  if (frame.room !== undefined) {
    if (!(await visibleRoom(conn, frame.room))) {
      roomNotFound(conn, frame.id, frame.room);
      return;
    }
    if (!(await conn.ctx.store.isMember(frame.room, user.id))) {
      conn.error('not_member', frame.id, `Join "${frame.room}" to search it`);
      return;
    }
  }
  const page = await conn.ctx.store.search({
    userId: user.id,
    terms,
    ...(frame.room === undefined ? {} : { room: frame.room }),
    ...(frame.before === undefined ? {} : { before: frame.before }),
    limit: frame.limit ?? LIMITS.searchDefaultLimit,
  });
  const results = page.hits.map((hit) => toResult(hit, terms));
  conn.send({ type: 'results', id: frame.id, results, ...(page.next === undefined ? {} : { next: page.next }) });
}
