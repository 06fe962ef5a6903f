/**
 * The per-user log on the wire (docs/protocol.md, _The user log_): each user's entries travel on
 * a broker channel of their own, to every connection of that user that sent `sync`, with the
 * same subscribe → replay → release rule a room join uses.
 */
import { LIMITS } from '../protocol/index.ts';
import type { Connection, FeedCursor } from './connection.ts';
import type { ServerContext } from './context.ts';
import type { UserLogEntry } from './store/store.ts';
import { prepareFrame } from './wire.ts';

/** Room names never hold ':' (ROOM_PATTERN), so this never meets a room's channel. */
export const userChannel = (userId: string): string => `user:${userId}`;

/**
 * After the commit: to every node, then every connection of the user that follows the log. Call
 * it right after the store resolves, with no await before: all publishes start synchronously, so
 * a user's entries leave in seq order (a connection skips an entry older than one it has sent).
 */
export async function publishUserEvents(ctx: ServerContext, entries: readonly UserLogEntry[]): Promise<void> {
  await Promise.all(
    entries.map(({ user, event }) =>
      ctx.broker.publish({
        channel: userChannel(user),
        seq: event.seq,
        payload: JSON.stringify({ type: 'user', ...event }),
      }),
    ),
  );
}

/**
 * Starts (or restarts, to fill a gap) following the user's log on this connection: entries after
 * `after` are replayed, then live ones follow; none twice, none missing. Without `after`, from the head.
 */
export async function followUserLog(conn: Connection, id: string, after: number | undefined): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const { store, hub } = conn.ctx;
  const channel = userChannel(user.id);
  const previous = conn.feeds.get(channel);
  const cursor: FeedCursor = { lastSent: 0, pending: [] };
  conn.feeds.set(channel, cursor);
  if (!previous) await hub.subscribe(channel, conn);
  // Read the head only after subscribing: anything committed later reaches `pending`.
  const head = await store.userHead(user.id);
  const reset = after !== undefined && after > head;
  const from = after === undefined || reset ? head : after;
  cursor.lastSent = from;
  conn.send({ type: 'synced', id, from, head, reset });
  while (cursor.lastSent < head && !conn.closing && conn.feeds.get(channel) === cursor) {
    const page = await store.userLog(user.id, cursor.lastSent, LIMITS.historyMaxLimit);
    if (page.events.length === 0) break;
    for (const event of page.events) {
      if (event.seq > head) break;
      cursor.lastSent = event.seq;
      conn.sendPrepared(prepareFrame(JSON.stringify({ type: 'user', ...event })));
    }
    // Bounded memory: wait for the socket to drain before reading the next page.
    await conn.drained();
  }
  if (conn.feeds.get(channel) !== cursor) return;
  const live = cursor.pending ?? [];
  cursor.pending = null;
  for (const { seq, prepared } of live) conn.deliverEvent(channel, seq, prepared);
}
