/**
 * The rows of the rooms and events tables, the same columns in every engine's schema
 * (store/sqlite/migrations, store/postgres/migrations), and the values they hold.
 */
import type { EventKind, FileRef, RoomEvent, RoomInfo, RoomVisibility } from '../../protocol/index.ts';

export interface RoomRow {
  name: string;
  title: string;
  epoch: string;
  head: number;
  created_at: number;
  visibility: string;
  owner_id: string | null;
  /** SQLite migration 009. */
  topic: string;
}

export interface EventRow {
  room: string;
  seq: number;
  id: string;
  cid: string | null;
  sender_id: string;
  sender_nick: string;
  kind: string;
  body: string;
  ref: number | null;
  target_id: string | null;
  target_nick: string | null;
  /** JSON FileRef of image / file messages. */
  file: string | null;
  /** The seq a message replies to. */
  reply: number | null;
  ts: number;
}

export const EVENT_COLUMNS =
  'room, seq, id, cid, sender_id, sender_nick, kind, body, ref, target_id, target_nick, file, reply, ts';

export const toRoom = (r: RoomRow): RoomInfo => ({
  name: r.name,
  title: r.title,
  epoch: r.epoch,
  head: r.head,
  createdAt: r.created_at,
  visibility: r.visibility as RoomVisibility,
  ...(r.topic ? { topic: r.topic } : {}),
});

export const toEvent = (r: EventRow): RoomEvent => ({
  room: r.room,
  seq: r.seq,
  id: r.id,
  ...(r.cid === null ? {} : { cid: r.cid }),
  sender: { id: r.sender_id, nick: r.sender_nick },
  kind: r.kind as EventKind,
  body: r.body,
  ...(r.ref === null ? {} : { ref: r.ref }),
  ...(r.target_id === null ? {} : { target: { id: r.target_id, nick: r.target_nick ?? r.target_id } }),
  ...(r.file === null ? {} : { file: JSON.parse(r.file) as FileRef }),
  ...(r.reply === null || r.reply === undefined ? {} : { reply: r.reply }),
  ts: r.ts,
});

/** The values of an event's row, in EVENT_COLUMNS order. */
export const eventValues = (e: RoomEvent): unknown[] => [
  e.room,
  e.seq,
  e.id,
  e.cid ?? null,
  e.sender.id,
  e.sender.nick,
  e.kind,
  e.body,
  e.ref ?? null,
  e.target?.id ?? null,
  e.target?.nick ?? null,
  e.file === undefined ? null : JSON.stringify(e.file),
  e.reply ?? null,
  e.ts,
];
