/**
 * Many appends to one room in one round of statements, inside the group commit's transaction:
 * for the inputs the core decides from the room's row and the cids alone (messages, edits,
 * deletes, reactions: no membership, DM people or setting to read, nothing written but the event
 * and its search change). The room's row is locked once, the cids read at once, each input
 * decided in order by the same core (decide-append.ts) against the head as it moves, and the
 * events and index rows written with one statement each.
 */
import { nanoid } from 'nanoid';
import type { RoomEvent } from '../../../protocol/index.ts';
import { appendNeeds, decideAppend } from '../../core/room-log/decide-append.ts';
import type { SearchChange } from '../../core/room-log/search-doc.ts';
import type { AppendInput, AppendResult } from '../room-log.ts';
import { lockRoom } from './postgres-append.ts';
import type { Queryable } from './postgres-db.ts';
import { EVENT_COLUMNS, eventValues, toEvent, type EventRow } from './postgres-rows.ts';
import { applySearch } from './postgres-search.ts';

/** Whether the core decides this input from the room's row and its cid alone, writing only the event and its search change. */
export function batchable(input: AppendInput): boolean {
  const needs = appendNeeds(input);
  return !needs.sender && !needs.target && !needs.dmPeople && input.kind !== 'rename' && input.kind !== 'topic';
}

const key = (sender: string, cid: string): string => `${sender}\u0000${cid}`;

/** `VALUES ($1, …), ($n+1, …)` for rows of `width` values. */
const tuples = (rows: number, width: number): string =>
  Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, k) => `$${r * width + k + 1}`).join(', ')})`,
  ).join(', ');

/** Appends the (batchable) inputs to `room`, in order, inside the caller's transaction. */
export async function appendBatch(c: Queryable, room: string, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  let state = await lockRoom(c, room);
  const priors = new Map<string, RoomEvent>();
  const withCid = inputs.filter((i) => i.cid !== undefined);
  if (withCid.length > 0) {
    const { rows } = await c.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE room = $1 AND (sender_id, cid) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [room, withCid.map((i) => i.sender.id), withCid.map((i) => i.cid)],
    );
    for (const r of rows) priors.set(key(r.sender_id, r.cid!), toEvent(r));
  }
  const now = Date.now();
  const events: RoomEvent[] = [];
  const search: SearchChange[] = [];
  const results = inputs.map((input): AppendResult => {
    const cidKey = input.cid === undefined ? undefined : key(input.sender.id, input.cid);
    const prior = cidKey === undefined ? undefined : priors.get(cidKey);
    const decision = decideAppend(input, { room: state, ...(prior ? { prior } : {}) }, { id: () => nanoid(), now });
    if (decision.status !== 'append') return decision;
    for (const w of decision.writes) {
      if (w.effects.length > 0 || w.userLog.length > 0) throw new Error(`appendBatch: ${input.kind} is not batchable`);
      events.push(w.event);
      if (w.search) search.push(w.search);
    }
    const event = decision.writes[decision.writes.length - 1]!.event;
    state = { ...state!, head: event.seq };
    if (cidKey !== undefined) priors.set(cidKey, event);
    return { status: 'appended', event };
  });
  if (events.length === 0) return results;
  await c.query(
    `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${tuples(events.length, 14)}`,
    events.flatMap(eventValues),
  );
  // New messages first, then edits and deletes in log order (they may change one added here).
  const adds = search.filter((s) => s.op === 'add');
  if (adds.length > 0) {
    await c.query(
      `INSERT INTO search_docs (room, seq, body, folded) VALUES ${tuples(adds.length, 4)}`,
      adds.flatMap((s) => [s.room, s.seq, s.text, s.text.toLowerCase()]),
    );
  }
  for (const s of search) if (s.op !== 'add') await applySearch(c, s);
  await c.query('UPDATE rooms SET head = $1 WHERE name = $2', [state!.head, room]);
  return results;
}
