/**
 * Many appends, of one room or several, in a few statements inside the group commit's
 * transaction: for the inputs the core decides from the room's row and the cid alone (messages,
 * edits, deletes, reactions: no membership, DM people or setting to read, nothing written but the
 * event and its search change). The rooms' rows are locked at once (in name order), the cids read
 * at once, each input decided in order by the same core (decide-append.ts) against its room's
 * head as it moves, and the events, index rows and heads written in one statement.
 */
import { nanoid } from 'nanoid';
import type { RoomEvent } from '../../../protocol/index.ts';
import { appendNeeds, decideAppend } from '../../core/room-log/decide-append.ts';
import type { SearchChange } from '../../core/room-log/search-doc.ts';
import type { AppendInput, AppendResult } from '../room-log.ts';
import { lockRooms } from './postgres-append.ts';
import type { Queryable } from './postgres-db.ts';
import { EVENT_COLUMNS, eventValues, toEvent, type EventRow } from '../event-row.ts';
import { applySearch } from './postgres-search.ts';

/** Whether the core decides this input from the room's row and its cid alone, writing only the event and its search change. */
export function batchable(input: AppendInput): boolean {
  const needs = appendNeeds(input);
  return !needs.sender && !needs.target && !needs.dmPeople && input.kind !== 'rename' && input.kind !== 'topic';
}

const key = (room: string, sender: string, cid: string): string => `${room}\u0000${sender}\u0000${cid}`;

/** `($1, …), ($n+1, …)` for rows of `width` values, numbered after the first `offset` parameters. */
const tuples = (rows: number, width: number, offset = 0): string =>
  Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, k) => `$${offset + r * width + k + 1}`).join(', ')})`,
  ).join(', ');

/** Appends the (batchable) inputs, of any rooms, in order, inside the caller's transaction. */
export async function appendBatch(c: Queryable, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  const states = await lockRooms(
    c,
    inputs.map((i) => i.room),
  );
  const priors = new Map<string, RoomEvent>();
  const withCid = inputs.filter((i) => i.cid !== undefined);
  if (withCid.length > 0) {
    const { rows } = await c.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (room, sender_id, cid) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
      [withCid.map((i) => i.room), withCid.map((i) => i.sender.id), withCid.map((i) => i.cid)],
    );
    for (const r of rows) priors.set(key(r.room, r.sender_id, r.cid!), toEvent(r));
  }
  const now = Date.now();
  const events: RoomEvent[] = [];
  const search: SearchChange[] = [];
  const results = inputs.map((input): AppendResult => {
    const cidKey = input.cid === undefined ? undefined : key(input.room, input.sender.id, input.cid);
    const prior = cidKey === undefined ? undefined : priors.get(cidKey);
    const room = states.get(input.room);
    const decision = decideAppend(input, { room, ...(prior ? { prior } : {}) }, { id: () => nanoid(), now });
    if (decision.status === 'quiet') throw new Error('appendBatch: a quiet join is not batchable');
    if (decision.status !== 'append') return decision;
    for (const w of decision.writes) {
      if (w.effects.length > 0 || w.userLog.length > 0) throw new Error(`appendBatch: ${input.kind} is not batchable`);
      events.push(w.event);
      if (w.search) search.push(w.search);
    }
    const event = decision.writes[decision.writes.length - 1]!.event;
    states.set(input.room, { ...room!, head: event.seq });
    if (cidKey !== undefined) priors.set(cidKey, event);
    return { status: 'appended', event };
  });
  if (events.length === 0) return results;
  // One statement: the events, the new messages' index rows and the heads (different tables, so
  // the order among them does not matter). Edits and deletes of the index follow, in log order:
  // they may change a message added just now, which only a later statement sees.
  const adds = search.filter((s) => s.op === 'add');
  const values: unknown[] = [...events.flatMap(eventValues)];
  const parts = [`ev AS (INSERT INTO events (${EVENT_COLUMNS}) VALUES ${tuples(events.length, 14)})`];
  if (adds.length > 0) {
    parts.push(
      `sd AS (INSERT INTO search_docs (room, seq, body, folded) VALUES ${tuples(adds.length, 4, values.length)})`,
    );
    values.push(...adds.flatMap((s) => [s.room, s.seq, s.text, s.text.toLowerCase()]));
  }
  const heads = new Map(events.map((e) => [e.room, e.seq]));
  values.push([...heads.keys()], [...heads.values()]);
  await c.query(
    `WITH ${parts.join(', ')} UPDATE rooms r SET head = h.head
     FROM unnest($${values.length - 1}::text[], $${values.length}::bigint[]) AS h (name, head) WHERE r.name = h.name`,
    values,
  );
  for (const s of search) if (s.op !== 'add') await applySearch(c, s);
  return results;
}
