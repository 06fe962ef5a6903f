/** The one write path into a room log: append, and only after the commit fan out and acknowledge. */
import { isRemovalKind } from '../../protocol/index.ts';
import type { ConnectionPort } from './connection-port.ts';
import type { ServerContext } from './context.ts';
import type { AppendInput, AppendResult } from '../store/store.ts';
import { publishUserEvents } from './user-feed.ts';

/** Appends and, when the event is new, publishes it to every subscriber. */
export async function commit(ctx: ServerContext, input: AppendInput): Promise<AppendResult> {
  const started = performance.now();
  const result = await ctx.store.append(input);
  ctx.metrics.committed(started, result);
  // A quiet join / leave: no room event, only the user's own log (their other devices).
  if (result.status === 'quiet') await publishUserEvents(ctx, result.userEvents);
  if (result.status === 'appended') {
    const { event } = result;
    const evicts = isRemovalKind(event.kind) && event.target !== undefined;
    // A DM's invites committed with its message (store.ts, AppendResult `before`) go out first.
    const earlier = (result.before ?? []).map((e) =>
      ctx.broker.publish({ channel: e.room, seq: e.seq, payload: JSON.stringify({ type: 'event', ...e }) }),
    );
    // Every publish starts before any is awaited: user events leave in the order their seqs
    // were committed, even when another commit's continuation runs in between.
    const published = ctx.broker.publish({
      channel: event.room,
      seq: event.seq,
      payload: JSON.stringify({ type: 'event', ...event }),
      ...(evicts && event.target ? { evict: { user: event.target.id, reason: event.kind, by: event.sender } } : {}),
    });
    // Membership changes also go to the affected users' own logs (user-feed.ts).
    await Promise.all([...earlier, published, result.userEvents && publishUserEvents(ctx, result.userEvents)]);
  }
  return result;
}

/**
 * For client writes (send, edit, delete, react): `input.cid` is the frame id and the idempotency key.
 * Not awaited by the connection's frame chain, so one client's writes share group commits;
 * tracked so a graceful shutdown waits for the ack.
 */
export function commitAndAck(conn: ConnectionPort, input: AppendInput & { cid: string }): void {
  const { room, cid } = input;
  const work = commit(conn.ctx, input)
    .then(async (result) => {
      switch (result.status) {
        case 'conflict':
          conn.error('id_conflict', cid);
          return;
        case 'no_room':
          conn.error('room_not_found', cid, `Room "${room}" does not exist`);
          return;
        case 'forbidden':
          conn.error('forbidden', cid);
          return;
        case 'unchanged': {
          // A moderation change that was already in effect: nothing appended; the head is the seq.
          const head = (await conn.ctx.store.getRoom(room))?.head ?? 0;
          conn.send({ type: 'ack', id: cid, room, seq: head, ts: Date.now(), duplicate: true });
          return;
        }
        case 'appended':
        case 'duplicate': {
          const { seq, ts } = result.event;
          conn.send({ type: 'ack', id: cid, room, seq, ts, duplicate: result.status === 'duplicate' });
        }
      }
    })
    .catch((err: unknown) => {
      conn.ctx.log.error({ err, room }, 'append failed');
      conn.error('internal', cid, 'The message could not be stored; send it again');
    });
  conn.track(work);
}
