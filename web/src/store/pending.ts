/**
 * What a room view's outbox rows mean next to its log: which local sends still show as pending
 * rows, and which client ids this tab sent. Pure functions of a RoomView.
 */
import { hasSeq, oldestSeq } from '../room-log.ts';
import type { OutboxItem, RoomView } from './types.ts';

/**
 * What the message list shows for a room: log entries, then local sends not yet in the log. A
 * send's cid is known before its ack: the log may already hold it (the event overtook the ack,
 * or the ack was lost before a reload).
 */
export function pendingItems(view: RoomView): readonly OutboxItem[] {
  const logged = view.outbox.some((o) => o.cid !== undefined && o.status !== 'sent') ? logCids(view) : undefined;
  // Below the loaded window (history-window.ts) a seq is in the log too, just not loaded.
  const oldest = oldestSeq(view.events) ?? 0;
  return view.outbox.filter(
    (o) =>
      !(o.seq !== undefined && (o.seq < oldest || hasSeq(view.events, o.seq))) &&
      !(o.cid !== undefined && logged?.has(o.cid)),
  );
}

function logCids(view: RoomView): ReadonlySet<string> {
  const out = new Set<string>();
  for (const e of view.events) if (e.cid !== undefined) out.add(e.cid);
  return out;
}

/** Client ids of messages this tab sent and the server acknowledged. */
export function sentCids(view: RoomView): ReadonlySet<string> {
  const out = new Set<string>();
  for (const o of view.outbox) if (o.status === 'sent' && o.cid) out.add(o.cid);
  return out;
}
