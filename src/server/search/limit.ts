/**
 * Searches cost more than other reads (a page may examine up to `SEARCH_BUDGET` in
 * search/budget.ts: 2 000 messages, 1 000 000 characters), so each connection has its own
 * bucket for them (`connSearchesPerSec` / `connSearchesBurst`), on top of the frame limits in
 * rate-limit.ts.
 */
import { TokenBucket } from '../../protocol/index.ts';
import type { ServerOptions } from '../options.ts';

const buckets = new WeakMap<object, TokenBucket>();

/** 0 when this connection may search now, else the ms to wait. */
export function takeSearch(conn: object, options: ServerOptions): number {
  let bucket = buckets.get(conn);
  if (!bucket) {
    bucket = new TokenBucket(options.connSearchesPerSec, options.connSearchesBurst);
    buckets.set(conn, bucket);
  }
  return bucket.take();
}
