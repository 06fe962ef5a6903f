/**
 * Wire types. Every frame is one JSON object in one WebSocket text frame, with a `type`.
 * Client → server frames are inferred from the runtime schemas in schema.ts;
 * server → client frames are declared here.
 */
import type { ErrorCode } from './codes.ts';
import type { ClientFrame } from './schema.ts';

export type { ClientFrame } from './schema.ts';
export type ClientFrameType = ClientFrame['type'];
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;

/** Entries that are messages: they can be edited, deleted and reacted to. */
export type MessageKind = 'text' | 'image' | 'file' | 'system';

/**
 * Entries that change something earlier in the log; `ref` is the seq of the message they change.
 * edit: `body` is the new text. delete: a tombstone, `body` is empty.
 * react / unreact: `body` is the emoji; a user's reactions are a set (adding twice is one).
 */
export type MutationKind = 'edit' | 'delete' | 'react' | 'unreact';

/** Membership changes: `sender` became a member of the room, or stopped being one. */
export type MembershipKind = 'join' | 'leave';

/**
 * Moderation by an owner or moderator (`sender`) on another user (`target`): invite adds a
 * membership, kick removes it, ban removes it and forbids rejoining, unban lifts the ban,
 * role sets the target's role (`body` is the new role).
 */
export type ModerationKind = 'invite' | 'kick' | 'ban' | 'unban' | 'role';

export type EventKind = MessageKind | MutationKind | MembershipKind | ModerationKind;

export const MODERATION_KINDS: readonly ModerationKind[] = ['invite', 'kick', 'ban', 'unban', 'role'];

/** Room roles. The owner is the room's creator; moderators are named by the owner. */
export type RoomRole = 'owner' | 'moderator' | 'member';

/** public: anyone may join. private: only invited members; invisible to everyone else. */
export type RoomVisibility = 'public' | 'private';

export const MUTATION_KINDS: readonly MutationKind[] = ['edit', 'delete', 'react', 'unreact'];

export interface UserRef {
  readonly id: string;
  readonly nick: string;
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
}

export interface ServerLimits {
  readonly maxBodyChars: number;
  readonly maxFrameBytes: number;
  readonly historyMaxLimit: number;
  /** Writes (send, edit, delete, react, …) this user may make per second; the SDK paces its outbox to it. */
  readonly writesPerSec?: number;
  /** Writes allowed at once before the rate applies. */
  readonly writesBurst?: number;
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
}

export interface PresenceFrame {
  readonly type: 'presence';
  readonly room: string;
  /** Everyone in the room with at least one open connection. */
  readonly online: UserRef[];
}

/** Ephemeral: someone in the room started or stopped typing. Treat `on` as expired after TYPING_TTL_MS. */
export interface TypingFrame {
  readonly type: 'typing';
  readonly room: string;
  readonly user: UserRef;
  readonly on: boolean;
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
  readonly reason: 'kick' | 'ban';
  /** Who did it. */
  readonly by: UserRef;
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
  | ErrorFrame
  | RemovedFrame
  | PongFrame;

export type ServerFrameType = ServerFrame['type'];
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
