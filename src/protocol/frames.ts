/**
 * Wire types. Every frame is one JSON object in one WebSocket text frame, with a `type`.
 * Client → server frames are inferred from the runtime schemas in schema.ts;
 * server → client frames are declared here (those about people in people-frames.ts).
 */
import type { ErrorCode } from './codes.ts';
import type { EventKind, MessageKind, RemovalKind, RoomRole, RoomVisibility, UserEventKind } from './kinds.ts';
import type { BlocksFrame, PresenceFrame, ProfileFrame, StatusFrame, TypingFrame, UserRef } from './people-frames.ts';
import type { ClientFrame } from './schema.ts';

export type { ClientFrame } from './schema.ts';
export type {
  BlocksFrame,
  PresenceFrame,
  ProfileFrame,
  StatusFrame,
  TypingFrame,
  UserRef,
  UserState,
  UserStatus,
} from './people-frames.ts';
export type ClientFrameType = ClientFrame['type'];
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;

/** An uploaded file as a message carries it (docs/protocol.md, _Files_). All of it comes from the server. */
export interface FileRef {
  readonly id: string;
  /** The uploader's file name, cleaned; display it as text, never use it as a path. */
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** Sniffed from the content (magic bytes), never the client's Content-Type. */
  readonly type: string;
  /** Pixels, for images (after EXIF orientation). */
  readonly width?: number;
  readonly height?: number;
  /** A thumbnail exists (images). */
  readonly thumb?: boolean;
}

/** One entry of a room's durable log. `seq` is 1, 2, 3… per room, without gaps. */
export interface RoomEvent {
  readonly room: string;
  readonly seq: number;
  /** Server-assigned, globally unique event id. */
  readonly id: string;
  /** The sender's client id (idempotency key) when a client sent it. */
  readonly cid?: string;
  /** Attached by the server from the connection's identity; never taken from the client. */
  readonly sender: UserRef;
  readonly kind: EventKind;
  readonly body: string;
  /** For mutation kinds: the seq of the message this event changes. */
  readonly ref?: number;
  /** For moderation kinds: the user the change applies to. */
  readonly target?: UserRef;
  /** For `image` and `file` messages: the attached upload; `body` is its caption (may be empty). */
  readonly file?: FileRef;
  /** For messages: the seq of the message (text, image or file, same room) this one replies to. */
  readonly reply?: number;
  /** Commit time, ms since the epoch. */
  readonly ts: number;
}

export interface RoomInfo {
  readonly name: string;
  readonly title: string;
  /** Random id fixed at creation; a different epoch means the log was reset. */
  readonly epoch: string;
  /** seq of the newest event (0 when empty). */
  readonly head: number;
  readonly createdAt: number;
  /** Absent from servers before roles: read it as public. */
  readonly visibility?: RoomVisibility;
  /** The room's topic; absent or '' when none. */
  readonly topic?: string;
  /** Number of members, in `rooms` (the directory) and `dm` answers. */
  readonly members?: number;
  /** A direct message (always private): everyone it was opened between, you included. */
  readonly dm?: UserRef[];
}

/** One member of a room, as the `members` answer lists them. */
export interface Member {
  readonly user: UserRef;
  readonly role: RoomRole;
}

export interface ServerLimits {
  readonly maxBodyChars: number;
  readonly maxFrameBytes: number;
  readonly historyMaxLimit: number;
  /** Writes (send, edit, delete, react, …) this user may make per second; the SDK paces its outbox to it. */
  readonly writesPerSec?: number;
  /** Writes allowed at once before the rate applies. */
  readonly writesBurst?: number;
  /** Largest upload, in bytes (POST /api/rooms/:room/files answers 413 past it). */
  readonly maxUploadBytes?: number;
}

export interface WelcomeFrame {
  readonly type: 'welcome';
  readonly v: number;
  /** Opaque token: send it in the next hello to stay the same user. */
  readonly session: string;
  readonly user: UserRef;
  /** The server pings at this interval; expect traffic at least this often. */
  readonly heartbeatMs: number;
  readonly limits: ServerLimits;
}

export interface EventFrame extends RoomEvent {
  readonly type: 'event';
}

export interface AckFrame {
  readonly type: 'ack';
  /** The client id of the send this answers. */
  readonly id: string;
  readonly room: string;
  readonly seq: number;
  readonly ts: number;
  /** True when this id had been stored before: the original seq is returned. */
  readonly duplicate: boolean;
}

export interface RoomFrame {
  readonly type: 'room';
  readonly id: string;
  readonly room: RoomInfo;
}

export interface RoomsFrame {
  readonly type: 'rooms';
  readonly id: string;
  readonly rooms: RoomInfo[];
  /** Your read state in every room you are a member of (the member rooms, so also "which are mine"). */
  readonly unread?: UnreadCounts[];
}

export interface JoinedFrame {
  readonly type: 'joined';
  readonly id: string;
  readonly room: RoomInfo;
  /**
   * The seq after which the server replays events, followed by live ones. With `reset` true
   * (the client's epoch or seq did not match) it is the head: drop local state and reload history.
   */
  readonly from: number;
  readonly reset: boolean;
  /** Your read watermark and unread counts in the room (docs/protocol.md, _Read receipts_). */
  readonly unread?: UnreadCounts;
  /** The members' read watermarks, highest first (at most RECEIPTS_MAX), for "seen by". */
  readonly receipts?: Receipt[];
  /** Your role in the room now (later changes arrive as `role` events naming you as `target`). */
  readonly role?: RoomRole;
}

/**
 * Per-user log entries (docs/protocol.md, _The user log_): `seq` is 1, 2, 3… per user.
 * member: you became a member of `room` (joined on some device, were invited, a DM was opened).
 * unmember: you stopped being one (left, kicked, banned). read: your watermark moved to `read`.
 */
export interface UserEvent {
  readonly seq: number;
  readonly kind: UserEventKind;
  readonly room: string;
  /** read: the new watermark (a seq of the room's log). */
  readonly read?: number;
  /** member / unmember: the room event kind that caused it (join, invite, leave, kick, ban…). */
  readonly cause?: EventKind;
  /** member / unmember: that room event's seq. */
  readonly ref?: number;
  /** Who did it, when someone else did (invite, kick, ban). */
  readonly by?: UserRef;
  /** Commit time, ms since the epoch. */
  readonly ts: number;
}

export interface UserEventFrame extends UserEvent {
  readonly type: 'user';
}

/** The answer to `sync`: user events after `from` follow (replayed, then live). */
export interface SyncedFrame {
  readonly type: 'synced';
  readonly id: string;
  readonly from: number;
  /** The user log's head when the replay started. */
  readonly head: number;
  /** Your `after` was beyond the head (the log is not the one you knew): refetch rooms and counts. */
  readonly reset: boolean;
}

/** One member's read watermark in a room. */
export interface Receipt {
  readonly user: UserRef;
  readonly seq: number;
}

/**
 * Unread state of one room for you. `unread`: messages (text, image, file) after `read` that
 * are not yours and not deleted; `mentions`: those of them that @mention you. Both stop at
 * UNREAD_CAP. They cover the log up to `at` (the head when counted): count later events yourself.
 */
export interface UnreadCounts {
  readonly room: string;
  readonly read: number;
  readonly unread: number;
  readonly mentions: number;
  readonly at: number;
}

/** Ephemeral, coalesced and droppable: members' watermarks in the room moved. */
export interface ReceiptsFrame {
  readonly type: 'receipts';
  readonly room: string;
  readonly receipts: Receipt[];
}

/** The answer to an `unread` request. */
export interface UnreadFrame {
  readonly type: 'unread';
  readonly id: string;
  readonly counts: UnreadCounts[];
}

/** The answer to `members`: the room's members with their roles, owner first, then by join time. */
export interface MembersFrame {
  readonly type: 'members';
  readonly id: string;
  readonly room: string;
  readonly members: Member[];
  /** True when the room has more members than MEMBERS_MAX and the list stops there. */
  readonly more: boolean;
  /** How many members the room has now (all of them, listed or not). */
  readonly total: number;
}

export interface LeftFrame {
  readonly type: 'left';
  readonly id: string;
  readonly room: string;
}

export interface HistoryFrame {
  readonly type: 'history';
  readonly id: string;
  readonly room: string;
  /** Ascending by seq. */
  readonly events: RoomEvent[];
  /** True when more events exist beyond this page in the requested direction. */
  readonly more: boolean;
  /** The room's last seq when the page was read (at least the page's last seq). */
  readonly head: number;
}

export interface ErrorFrame {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
  /** The `id` of the frame this answers, when it had one. */
  readonly id?: string;
  readonly retryable: boolean;
  /** With `rate_limited`: wait at least this many ms before sending again. */
  readonly retryAfterMs?: number;
}

/** You lost this room: kicked or banned. The server has already unsubscribed this connection. */
export interface RemovedFrame {
  readonly type: 'removed';
  readonly room: string;
  readonly reason: RemovalKind;
  /** Who did it. */
  readonly by: UserRef;
}

/** One message found by `search`: where it is, who sent it, its current text, and where the query matched. */
export interface SearchResult {
  readonly room: string;
  readonly seq: number;
  readonly sender: UserRef;
  readonly kind: MessageKind;
  /** The message's current text (after edits); a caption for images and files. */
  readonly body: string;
  /** When the message was sent, ms since the epoch. */
  readonly ts: number;
  readonly file?: FileRef;
  /** The part of `body` around the first match (the whole body when short), "…" marking cuts. Plain text. */
  readonly snippet: string;
  /** Matches in `snippet` as [start, end) offsets in UTF-16 code units, ascending, not overlapping. */
  readonly marks: readonly (readonly [number, number])[];
}

export interface ResultsFrame {
  readonly type: 'results';
  readonly id: string;
  /** Newest first. */
  readonly results: SearchResult[];
  /** Present when older results exist: send it as `before` for the next page. */
  readonly next?: number;
}

export interface PongFrame {
  readonly type: 'pong';
  readonly id?: string;
  readonly ts: number;
}

export type ServerFrame =
  | WelcomeFrame
  | EventFrame
  | AckFrame
  | RoomFrame
  | RoomsFrame
  | JoinedFrame
  | LeftFrame
  | HistoryFrame
  | PresenceFrame
  | TypingFrame
  | StatusFrame
  | ErrorFrame
  | RemovedFrame
  | UserEventFrame
  | SyncedFrame
  | ReceiptsFrame
  | UnreadFrame
  | ResultsFrame
  | MembersFrame
  | BlocksFrame
  | ProfileFrame
  | PongFrame;

export type ServerFrameType = ServerFrame['type'];
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
