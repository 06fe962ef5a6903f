/**
 * join: the room's log through the feed (feed.ts: subscribe, read the head, replay (after, head]
 * in pages, release the live events that arrived meanwhile — no gap, no duplicate), then the
 * room's presence once; others hear of the join as a presence change.
 */
import { RECEIPTS_MAX, type ClientFrameOf, type RoomInfo, type UserRef } from '../../protocol/index.ts';
import { roomNotFound, visibleRoom } from '../core/access.ts';
import { commit } from '../core/commit.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { follow } from '../core/feed.ts';
import { unreadCounts } from '../core/room-log/unread.ts';

export async function join(conn: ConnectionPort, frame: ClientFrameOf<'join'>): Promise<void> {
  const rooms = conn.ctx.roomPresence;
  const large = rooms.arriving(frame.room);
  try {
    await joinRoom(conn, frame, await large);
  } finally {
    rooms.arrived(frame.room);
  }
}

async function joinRoom(conn: ConnectionPort, frame: ClientFrameOf<'join'>, large: boolean): Promise<void> {
  const user = conn.user;
  if (!user) return;
  // A private room the user is not in answers exactly like a missing one.
  const visible = await visibleRoom(conn, frame.room);
  if (!visible) {
    if (await welcomed(conn)) roomNotFound(conn, frame.id, frame.room);
    return;
  }
  // Becoming a member is a log event too, so every member's copy of the room agrees on it.
  // One store write does both (a re-join by a member appends nothing): a crash between a
  // membership row and its event would leave the log without the join forever.
  // The store refuses a banned user (and a non-member of a private room) in the same transaction.
  // In a large room the join is quiet: membership and the joiner's user log, no event for all.
  const joined = await commit(conn.ctx, {
    room: frame.room,
    sender: user,
    kind: 'join',
    body: '',
    ...(large ? { quiet: true } : {}),
  });
  // Sent with a hello whose session write shared this commit: answer after its welcome, or not
  // at all when that write failed (the connection is closing).
  if (!(await welcomed(conn))) return;
  if (joined.status === 'forbidden') {
    if (visible.visibility === 'private') roomNotFound(conn, frame.id, frame.room);
    else conn.error('banned', frame.id, `You are banned from "${frame.room}"`);
    return;
  }
  await followRoom(conn, frame, visible);
}

/**
 * Follows the room once the membership is written: answers `joined`, replays, then presence.
 */
async function followRoom(conn: ConnectionPort, frame: ClientFrameOf<'join'>, visible: RoomInfo): Promise<void> {
  const { store, presence } = conn.ctx;
  const user = conn.user as UserRef;
  const previous = conn.rooms.has(frame.room);
  const outcome = await follow(conn, {
    channel: frame.room,
    cursors: conn.rooms,
    // A kick or ban committed between the join's write and the subscription reached no socket of
    // ours: once subscribed (so any later one evicts us), check that the membership still stands.
    admit: () => store.isMember(frame.room, user.id),
    start: async () => {
      // Read together (one wait, not four, with a store across the network). Read state for
      // badges and "seen by" after a reload (`unread.at` says which events it covers); your role,
      // so an app can offer what it allows (e.g. deleting others' messages); the server still checks.
      const [found, [unread], receipts, role] = await Promise.all([
        store.getRoom(frame.room),
        unreadCounts(store, user, frame.room),
        store.receipts(frame.room, RECEIPTS_MAX),
        store.roleOf(frame.room, user.id),
      ]);
      const room = found as RoomInfo;
      // `after: 0` holds nothing that could be stale: the whole log, with or without an epoch.
      const resumable =
        frame.after === 0 || (frame.after !== undefined && frame.epoch === room.epoch && frame.after <= room.head);
      const from = resumable ? (frame.after as number) : room.head;
      const reset = frame.after !== undefined && !resumable;
      conn.send({
        type: 'joined',
        id: frame.id,
        room,
        from,
        reset,
        ...(unread ? { unread } : {}),
        receipts,
        ...(role ? { role } : {}),
      });
      return { from, head: room.head };
    },
    page: async (after, head, limit) => (await store.history(frame.room, { after, before: head + 1, limit })).events,
    encode: (event) => JSON.stringify({ type: 'event', ...event }),
  });
  if (outcome === 'refused') {
    if (visible.visibility === 'private') roomNotFound(conn, frame.id, frame.room);
    else conn.error((await store.isBanned(frame.room, user.id)) ? 'banned' : 'not_member', frame.id);
    return;
  }
  // Kicked or banned while replaying: the room is gone from this connection; stop here.
  if (outcome === 'stopped') return;

  // The full view once (read with the changes of its turn, so every later change applies to it);
  // everyone else hears of this join as a change (presence/room-presence.ts).
  if (!previous) await presence.enter(frame.room, user);
  conn.ctx.roomPresence.view(frame.room, conn);
}

/** Whether this connection's welcome is out (at once unless hello's session write is under way). */
function welcomed(conn: ConnectionPort): boolean | Promise<boolean> {
  return conn.welcomed ?? true;
}
