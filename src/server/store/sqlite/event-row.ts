/** Rows of the rooms and events tables (migrations 001–010) and the values they hold. */
import type { EventKind, FileRef, RoomEvent, RoomInfo, RoomVisibility } from '../../../protocol/index.ts';

export interface RoomRow {
  name: string;
  title: string;
  epoch: string;
  head: number;
  created_at: number;
  visibility: string;
  owner_id: string | null;
  /** Migration 009. */
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
  /** JSON FileRef of image / file messages (migration 006). */
  file: string | null;
  /** The seq a message replies to (migration 010). */
  reply: number | null;
  ts: number;
}

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
