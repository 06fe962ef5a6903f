/**
 * dm: opens a direct message, a private room between 2 to DM_MAX_USERS people (docs/protocol.md,
 * _Direct messages_). The store creates it, records who it is between and makes the opener a
 * member (a join) in one transaction. The others become members with its first message (invites
 * committed with the message, see store.ts `openDm`) and learn of it then from their user log.
 * Answered with `room`.
 */
import { DM_MAX_USERS, LIMITS, type ClientFrameOf, type UserRef } from '../../protocol/index.ts';
import type { ConnectionPort } from '../core/connection-port.ts';
import { publishUserEvents } from '../core/user-feed.ts';
import { directName, groupName } from './dm-names.ts';
import { findTarget } from './moderate.ts';

export async function dm(conn: ConnectionPort, frame: ClientFrameOf<'dm'>): Promise<void> {
  const user = conn.user;
  if (!user) return;
  const ids = [...new Set(frame.users)].filter((id) => id !== user.id);
  if (ids.length === 0 || ids.length > DM_MAX_USERS - 1) {
    conn.error('dm_invalid', frame.id, `A direct message is between you and 1 to ${DM_MAX_USERS - 1} other people`);
    return;
  }
  const others: UserRef[] = [];
  for (const id of ids) {
    const other = await findTarget(conn, id);
    if (!other) {
      conn.error('user_unknown', frame.id, `No user with id "${id}"`);
      return;
    }
    others.push(other);
  }
  // Blocking: nobody opens a DM with someone who blocks them (docs/protocol.md, _Blocking_).
  if ((await conn.ctx.store.blockers(user.id, ids)).length > 0) {
    conn.error('blocked', frame.id, 'Someone in this direct message does not accept messages from you');
    return;
  }
  const [only] = ids;
  const name = ids.length === 1 && only !== undefined ? directName(user.id, only) : groupName(user.id, frame.id);
  const title = [user, ...others]
    .map((u) => u.nick)
    .join(', ')
    .slice(0, LIMITS.titleMax);
  const { ctx } = conn;
  const result = await ctx.store.openDm({ name, title, opener: user, others });
  if (result.taken) {
    conn.error('room_exists', frame.id, 'A room that is not this direct message has its name');
    return;
  }
  // As in commit.ts: every publish starts before any is awaited, so user events keep their order.
  const published = result.events.map((event) =>
    ctx.broker.publish({ channel: event.room, seq: event.seq, payload: JSON.stringify({ type: 'event', ...event }) }),
  );
  await Promise.all([...published, publishUserEvents(ctx, result.userEvents)]);
  if (result.created) ctx.log.info({ room: name, by: user.id, people: ids.length + 1 }, 'dm opened');
  conn.send({ type: 'room', id: frame.id, room: result.room });
}
