/**
 * The per-user log on the wire (docs/protocol.md, _The user log_): each user's entries travel on
 * a broker channel of their own, to every connection of that user that sent `sync`, with the
 * same feed a room join uses (feed.ts: subscribe → read the head → replay → release).
 */
import type { ConnectionPort } from './connection-port.ts';
import type { ServerContext } from './context.ts';
import { follow } from './feed.ts';
import type { UserLogEntry } from '../store/store.ts';

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
 * Starts (or restarts, to fill a gap) following the user's log on this connection (feed.ts):
 * entries after `after` are replayed, then live ones follow; none twice, none missing. Without
 * `after`, or with one past the head (reset), from the head.
 */
export async function followUserLog(conn: ConnectionPort, id: string, after: number | undefined): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const store = conn.ctx.store;
  await follow(conn, {
    channel: userChannel(user.id),
    cursors: conn.feeds,
    start: async () => {
      const head = await store.userHead(user.id);
      const reset = after !== undefined && after > head;
      const from = after === undefined || reset ? head : after;
      conn.send({ type: 'synced', id, from, head, reset });
      return { from, head };
    },
    page: async (from, _head, limit) => (await store.userLog(user.id, from, limit)).events,
    encode: (event) => JSON.stringify({ type: 'user', ...event }),
  });
}
