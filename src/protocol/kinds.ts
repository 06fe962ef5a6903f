/**
 * The protocol's shared vocabularies, defined once: the kinds of room-log events and the groups
 * they fall in, user-log entry kinds, room roles and visibility. The server, the SDK (and through
 * it the web app) and the terminal client import them from here; only the SQL CHECK constraints
 * in the store's migrations repeat them.
 */

/**
 * Messages someone wrote: what `send` carries, and what can be edited, deleted, reacted and
 * replied to, counts as unread and reaches the members of a direct message.
 */
export const WRITTEN_KINDS = ['text', 'image', 'file'] as const;
export type WrittenKind = (typeof WRITTEN_KINDS)[number];

/** Entries that are messages: those written, and `system` (reserved for server notices). */
export const MESSAGE_KINDS = [...WRITTEN_KINDS, 'system'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Entries that change something earlier in the log; `ref` is the seq of the message they change.
 * edit: `body` is the new text. delete: a tombstone, `body` is empty.
 * react / unreact: `body` is the emoji; a user's reactions are a set (adding twice is one).
 */
export const MUTATION_KINDS = ['edit', 'delete', 'react', 'unreact'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Membership changes: `sender` became a member of the room, or stopped being one. */
export const MEMBERSHIP_KINDS = ['join', 'leave'] as const;
export type MembershipKind = (typeof MEMBERSHIP_KINDS)[number];

/**
 * Moderation by an owner or moderator (`sender`) on another user (`target`): invite adds a
 * membership, kick removes it, ban removes it and forbids rejoining, unban lifts the ban,
 * role sets the target's role (`body` is the new role). Each is also the type of its request frame.
 */
export const MODERATION_KINDS = ['invite', 'kick', 'ban', 'unban', 'role'] as const;
export type ModerationKind = (typeof MODERATION_KINDS)[number];

/** The moderation kinds that take a user out of the room (the `removed` frame's reason). */
export const REMOVAL_KINDS = ['kick', 'ban'] as const;
export type RemovalKind = (typeof REMOVAL_KINDS)[number];

/**
 * Room settings changed by an owner or moderator (any member in a DM): `body` is the new value.
 * rename: the room's title (its name never changes). topic: the topic ('' clears it).
 * Each is also the type of its request frame.
 */
export const ROOM_META_KINDS = ['rename', 'topic'] as const;
export type RoomMetaKind = (typeof ROOM_META_KINDS)[number];

/** Every kind of room-log event. */
export const EVENT_KINDS = [
  ...MESSAGE_KINDS,
  ...MUTATION_KINDS,
  ...MEMBERSHIP_KINDS,
  ...MODERATION_KINDS,
  ...ROOM_META_KINDS,
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Per-user log entries (docs/protocol.md, _The user log_).
 * member: you became a member of a room (joined on some device, were invited, a DM was opened).
 * unmember: you stopped being one (left, kicked, banned). read: your watermark moved.
 */
export const USER_EVENT_KINDS = ['member', 'unmember', 'read'] as const;
export type UserEventKind = (typeof USER_EVENT_KINDS)[number];

/** Room roles. The owner is the room's creator; moderators are named by the owner. */
export const ROOM_ROLES = ['owner', 'moderator', 'member'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** The roles a `role` request may give (ownership is never handed over). */
export const ASSIGNABLE_ROLES = ['moderator', 'member'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** The roles that may moderate a room (kick, ban, delete others' messages, change settings). */
export const MODERATOR_ROLES = ['owner', 'moderator'] as const;

/** public: anyone may join. private: only invited members; invisible to everyone else. */
export const ROOM_VISIBILITIES = ['public', 'private'] as const;
export type RoomVisibility = (typeof ROOM_VISIBILITIES)[number];

/** A type guard over one of the lists above. */
const guard = <T extends string>(list: readonly T[]): ((value: string | undefined) => value is T) => {
  const set: ReadonlySet<string> = new Set(list);
  return (value): value is T => value !== undefined && set.has(value);
};

export const isEventKind = guard(EVENT_KINDS);
export const isWrittenKind = guard(WRITTEN_KINDS);
export const isMessageKind = guard(MESSAGE_KINDS);
export const isMutationKind = guard(MUTATION_KINDS);
export const isMembershipKind = guard(MEMBERSHIP_KINDS);
export const isModerationKind = guard(MODERATION_KINDS);
export const isRemovalKind = guard(REMOVAL_KINDS);
export const isRoomMetaKind = guard(ROOM_META_KINDS);
export const isModeratorRole = guard(MODERATOR_ROLES);
