/**
 * How frames name a person (`UserRef`), and the server → client frames about people rather than
 * rooms' logs: room presence, status, typing, blocks and display names (docs/protocol.md).
 * frames.ts re-exports them.
 */
export interface UserRef {
  readonly id: string;
  /** An account's username (unique: its handle, shown as @nick), or a guest's nickname. */
  readonly nick: string;
  /**
   * Present (true) for a guest: a nickname held only while online, which another guest may hold
   * later. Absent for an account. Compare people by `id`, never by `nick`.
   */
  readonly guest?: true;
  /**
   * An account's display name, when it set one (never a guest's): show it, with @nick beside it
   * where there is room. Not unique and it may change (`profile` frames); room-log events carry
   * only id and nick. Absent: show the nick.
   */
  readonly name?: string;
}

/**
 * Who is in the room on some connection (docs/protocol.md, _Room presence_). A full view (after
 * your join, or when asked with a `presence` frame) has `online`; a change to it has `joined` and
 * `left` instead, coalesced per room per tick. `count` is always there: how many are online.
 * In a large room (more than the server's `largeRoomOnline` online) only `count` is sent.
 */
export interface PresenceFrame {
  readonly type: 'presence';
  readonly room: string;
  /** How many users are online in the room now. */
  readonly count: number;
  /** A full view: everyone online (replaces what you had). Absent in a change and in a large room. */
  readonly online?: UserRef[];
  /**
   * With a full view: how many online users it leaves out (people who block you, docs/protocol.md,
   * _Blocking_); `count` counts them. Absent when none.
   */
  readonly hidden?: number;
  /** A change: who came online in the room since the last presence frame. */
  readonly joined?: UserRef[];
  /** A change: who went. */
  readonly left?: UserRef[];
}

/** A user's presence over all of their connections (docs/protocol.md, _Presence_). */
export type UserState = 'online' | 'away' | 'offline';

export interface UserStatus {
  readonly user: UserRef;
  readonly state: UserState;
  /** offline: when the user's last connection closed, ms since the epoch (absent when never seen). */
  readonly lastSeen?: number;
}

/**
 * Presence of users who share a room with you: live changes (coalesced, ephemeral, no `id`),
 * or the answer to `who` (with its `id`).
 */
export interface StatusFrame {
  readonly type: 'status';
  readonly id?: string;
  readonly users: UserStatus[];
}

/** Ephemeral: someone in the room started or stopped typing. Treat `on` as expired after TYPING_TTL_MS. */
export interface TypingFrame {
  readonly type: 'typing';
  readonly room: string;
  readonly user: UserRef;
  readonly on: boolean;
}

/**
 * The people you block, by nickname: the answer to `block`, `unblock` and `blocks` (with `id`),
 * or live (without `id`) to your other connections when the list changes.
 */
export interface BlocksFrame {
  readonly type: 'blocks';
  readonly id?: string;
  readonly users: UserRef[];
}

/**
 * An account's display name changed: the answer to `profile` (with its `id`), and live (without
 * `id`) to the user's other connections and to the online people who share a room with the user.
 */
export interface ProfileFrame {
  readonly type: 'profile';
  readonly id?: string;
  /** The user as they are now: `name` absent when it was cleared. */
  readonly user: UserRef;
}
