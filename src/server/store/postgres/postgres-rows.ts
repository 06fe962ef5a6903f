/** Rows of the PostgreSQL tables (migrations/001_init.sql) and the values they hold. */
import type { EventKind, FileRef, RoomEvent, RoomInfo, RoomVisibility } from '../../../protocol/index.ts';

export interface RoomRow {
  name: string;
  title: string;
  epoch: string;
  head: number;
  created_at: number;
  visibility: string;
  owner_id: string | null;
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
  file: string | null;
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
  ...(r.reply === null ? {} : { reply: r.reply }),
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

/** The nickname of a user id: its latest session's, else its account's username, else the id. */
export const NICK_OF = (userIdExpr: string): string =>
  `coalesce((SELECT s.nick FROM sessions s WHERE s.user_id = ${userIdExpr} ORDER BY s.created_at DESC LIMIT 1),
            (SELECT a.username FROM accounts a WHERE a.id = ${userIdExpr}), ${userIdExpr})`;
