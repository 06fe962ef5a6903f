/** Runtime schemas for client → server frames, and the one decoder the server uses. */
import * as v from 'valibot';
import { ERRORS, type ErrorCode } from './codes.ts';
import { ASSIGNABLE_ROLES, ROOM_VISIBILITIES, WRITTEN_KINDS } from './kinds.ts';
import { DM_MAX_USERS, LIMITS, PROTOCOL_VERSION } from './limits.ts';
import { bodySchema, cleanText, displayNameSchema, nickSchema, roomNameSchema, titleSchema } from './text-schemas.ts';

export { bodySchema, cleanText, displayNameSchema, hasInvisible, nickSchema, roomNameSchema } from './text-schemas.ts';

const requestId = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.clientIdMax));
const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

export const helloSchema = v.object({
  type: v.literal('hello'),
  v: v.literal(PROTOCOL_VERSION),
  nick: nickSchema,
  session: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
});

export const createSchema = v.object({
  type: v.literal('create'),
  id: requestId,
  room: roomNameSchema,
  title: v.optional(titleSchema),
  visibility: v.optional(v.picklist(ROOM_VISIBILITIES)),
});

export const roomsSchema = v.object({ type: v.literal('rooms'), id: requestId });

export const joinSchema = v.object({
  type: v.literal('join'),
  id: requestId,
  room: roomNameSchema,
  /** The last seq the client has; the server replays everything after it. */
  after: v.optional(seq),
  /** The epoch the client's `after` belongs to. */
  epoch: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

export const leaveSchema = v.object({ type: v.literal('leave'), id: requestId, room: roomNameSchema });

/** The id of an upload (from POST /api/rooms/:room/files). */
export const fileIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/));

export const sendSchema = v.object({
  type: v.literal('send'),
  /** Client-generated; the idempotency key of this message. */
  id: requestId,
  room: roomNameSchema,
  kind: v.picklist(WRITTEN_KINDS),
  /** With `image` and `file`: an optional caption (may be empty or left out). */
  body: v.optional(bodySchema, ''),
  /** With `image` and `file`: the uploaded file's id; refused with `text`. */
  file: v.optional(fileIdSchema),
  /** The seq of a message (text, image or file) in the same room that this one replies to. */
  reply: v.optional(v.pipe(seq, v.minValue(1))),
});

export const historySchema = v.object({
  type: v.literal('history'),
  id: requestId,
  room: roomNameSchema,
  before: v.optional(seq),
  after: v.optional(seq),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.historyMaxLimit))),
});

const refSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

export const editSchema = v.object({
  type: v.literal('edit'),
  /** Client-generated idempotency key, as for send. */
  id: requestId,
  room: roomNameSchema,
  /** The seq of the message to change. */
  ref: refSchema,
  body: bodySchema,
});

export const deleteSchema = v.object({
  type: v.literal('delete'),
  id: requestId,
  room: roomNameSchema,
  ref: refSchema,
});

export const reactSchema = v.object({
  type: v.literal('react'),
  id: requestId,
  room: roomNameSchema,
  ref: refSchema,
  emoji: v.pipe(
    v.string(),
    v.transform(cleanText),
    v.minLength(1, 'emoji is empty'),
    v.maxLength(LIMITS.reactionMax, `emoji is longer than ${LIMITS.reactionMax} characters`),
    v.regex(/^\S+$/u, 'emoji may not contain spaces'),
  ),
  /** true adds the reaction, false removes it. */
  on: v.boolean(),
});

/** A user id (as in `welcome.user.id` and `event.sender.id`). */
const userIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

const moderation = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), id: requestId, room: roomNameSchema, user: userIdSchema });

export const inviteSchema = moderation('invite');
export const kickSchema = moderation('kick');
export const banSchema = moderation('ban');
export const unbanSchema = moderation('unban');
export const roleSchema = v.object({
  type: v.literal('role'),
  id: requestId,
  room: roomNameSchema,
  user: userIdSchema,
  role: v.picklist(ASSIGNABLE_ROLES),
});

/**
 * Moves your read watermark in a room to `seq` (monotonic: a lower seq changes nothing; a seq
 * beyond the head is clamped to it). No answer on success: the user log's `read` event is it.
 */
export const readSchema = v.object({
  type: v.literal('read'),
  id: v.optional(requestId),
  room: roomNameSchema,
  seq,
});

/** Follow your user log: replay what came after `after` (none: start at the head), then live. */
export const syncSchema = v.object({ type: v.literal('sync'), id: requestId, after: v.optional(seq) });

/** Your unread counts: in one room, or in every room you are a member of. */
export const unreadSchema = v.object({ type: v.literal('unread'), id: requestId, room: v.optional(roomNameSchema) });

/** Ephemeral: never stored, coalesced and droppable. Re-send `on: true` every few seconds while typing. */
export const typingSchema = v.object({ type: v.literal('typing'), room: roomNameSchema, on: v.boolean() });

/** Ephemeral: this connection's activity (idle: no input for a while, or a hidden tab). No reply. */
export const statusSchema = v.object({ type: v.literal('status'), state: v.picklist(['active', 'idle']) });

/** The presence of these users (ids); users who share no room with you are left out of the answer. */
export const whoSchema = v.object({
  type: v.literal('who'),
  id: requestId,
  users: v.pipe(
    v.array(userIdSchema),
    v.minLength(1, 'name at least one user'),
    v.maxLength(LIMITS.whoMax, `at most ${LIMITS.whoMax} users per who`),
  ),
});

/**
 * "Send me this room's full presence" (a client whose view went out of step: a change
 * it could not apply, or a count that does not match). Answered with a full `presence`; ignored
 * for a room this connection has not joined. No reply otherwise.
 */
export const onlineSchema = v.object({ type: v.literal('online'), room: roomNameSchema });

export const pingSchema = v.object({ type: v.literal('ping'), id: v.optional(requestId) });

/** Full-text search over the messages of the rooms you are a member of (docs/protocol.md, _Search_). */
export const searchSchema = v.object({
  type: v.literal('search'),
  id: requestId,
  /** User text: words and "quoted phrases", all of which must occur; no query syntax. */
  q: v.pipe(
    v.string(),
    v.transform((s) => cleanText(s).trim()),
    v.minLength(1, 'the query is empty'),
    v.maxLength(LIMITS.searchQueryMax, `the query is longer than ${LIMITS.searchQueryMax} characters`),
  ),
  /** Only this room. */
  room: v.optional(roomNameSchema),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.searchMaxLimit))),
  /** The `next` cursor of the previous page: only older results. */
  before: v.optional(v.pipe(seq, v.minValue(1))),
});

/**
 * Opens a direct message with these users (ids; you are added, duplicates dropped). One other
 * user: always the same room for the same two people. More: a new group DM each time.
 */
export const dmSchema = v.object({
  type: v.literal('dm'),
  id: requestId,
  users: v.pipe(v.array(userIdSchema), v.minLength(1), v.maxLength(DM_MAX_USERS)),
});

/** Sets a room's title (owner or moderator; any member of a DM). The id is the idempotency key. */
export const renameSchema = v.object({
  type: v.literal('rename'),
  id: requestId,
  room: roomNameSchema,
  title: v.pipe(titleSchema, v.minLength(1, 'title is empty')),
});

/** Sets a room's topic ('' clears it); who may, as for rename. */
export const topicSchema = v.object({
  type: v.literal('topic'),
  id: requestId,
  room: roomNameSchema,
  topic: v.pipe(
    v.string(),
    v.transform((s) => cleanText(s).replace(/\s+/g, ' ').trim()),
    v.maxLength(LIMITS.topicMax, `topic is longer than ${LIMITS.topicMax} characters`),
  ),
});

/** The members of a room with their roles (members only, for a private room). */
export const membersSchema = v.object({ type: v.literal('members'), id: requestId, room: roomNameSchema });

/**
 * Block or unblock a user (by id): a blocked user cannot open a DM with you or post in your 1:1
 * DM, and does not see your presence or typing. Answered with `blocks` (the whole list).
 */
export const blockSchema = v.object({ type: v.literal('block'), id: requestId, user: userIdSchema });
export const unblockSchema = v.object({ type: v.literal('unblock'), id: requestId, user: userIdSchema });
/** The people you block. Answered with `blocks`. */
export const blocksSchema = v.object({ type: v.literal('blocks'), id: requestId });

/** Sets your display name ('' clears it); accounts only. Answered with `profile`. */
export const profileSchema = v.object({
  type: v.literal('profile'),
  id: v.optional(requestId),
  name: displayNameSchema,
});

const FRAME_SCHEMAS = {
  hello: helloSchema,
  create: createSchema,
  rooms: roomsSchema,
  join: joinSchema,
  leave: leaveSchema,
  send: sendSchema,
  edit: editSchema,
  delete: deleteSchema,
  react: reactSchema,
  history: historySchema,
  invite: inviteSchema,
  kick: kickSchema,
  ban: banSchema,
  unban: unbanSchema,
  role: roleSchema,
  typing: typingSchema,
  status: statusSchema,
  who: whoSchema,
  online: onlineSchema,
  read: readSchema,
  sync: syncSchema,
  unread: unreadSchema,
  ping: pingSchema,
  search: searchSchema,
  dm: dmSchema,
  rename: renameSchema,
  topic: topicSchema,
  members: membersSchema,
  block: blockSchema,
  unblock: unblockSchema,
  blocks: blocksSchema,
  profile: profileSchema,
} as const;

export type ClientFrame = {
  [K in keyof typeof FRAME_SCHEMAS]: v.InferOutput<(typeof FRAME_SCHEMAS)[K]>;
}[keyof typeof FRAME_SCHEMAS];

export const CLIENT_FRAME_TYPES = Object.keys(FRAME_SCHEMAS) as ClientFrame['type'][];

export interface DecodeFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** The request id, when the frame had a readable one. */
  readonly id?: string;
  /** The frame's type, when it was a known one. */
  readonly type?: ClientFrame['type'];
}

export type DecodeResult = { readonly ok: true; readonly frame: ClientFrame } | DecodeFailure;

function fail(
  code: ErrorCode,
  message: string = ERRORS[code].message,
  id?: string,
  type?: ClientFrame['type'],
): DecodeFailure {
  return { ok: false, code, message, ...(id === undefined ? {} : { id }), ...(type === undefined ? {} : { type }) };
}

function readableId(raw: Record<string, unknown>): string | undefined {
  const id = raw['id'];
  return typeof id === 'string' && id.length > 0 && id.length <= LIMITS.clientIdMax ? id : undefined;
}

/** Parse one text frame into a typed client frame, or say precisely what is wrong. */
export function decodeClientFrame(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('bad_json');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('bad_frame', 'Frame must be a JSON object with a "type"');
  }
  const obj = raw as Record<string, unknown>;
  const id = readableId(obj);
  const type = obj['type'];
  // Never stringify client values that are not strings: an object's toString may be anything.
  if (typeof type !== 'string') return fail('unknown_type', 'Frame "type" must be a string', id);
  if (!Object.hasOwn(FRAME_SCHEMAS, type)) {
    return fail('unknown_type', `Unknown frame type ${JSON.stringify(type.slice(0, 40))}`, id);
  }
  const known = type as ClientFrame['type'];
  if (known === 'hello' && obj['v'] !== PROTOCOL_VERSION) {
    return fail('version_unsupported', `This server speaks protocol version ${PROTOCOL_VERSION}`, id, known);
  }
  const result = v.safeParse(FRAME_SCHEMAS[known], obj);
  if (!result.success) {
    const issue = result.issues[0];
    // Schema keys only (objects strip unknown keys); numbers for array indexes.
    const path =
      issue.path?.map((p) => (typeof p.key === 'string' || typeof p.key === 'number' ? p.key : '?')).join('.') ?? '';
    const field = path.slice(0, 60) || 'frame';
    // valibot quotes the received string: keep an echo of client data short.
    const what = issue.message.length > 160 ? `${issue.message.slice(0, 160)}…` : issue.message;
    if (field === 'nick') return fail('nick_invalid', `Invalid nickname: ${what}`, id, known);
    if (field === 'room') return fail('room_invalid', `Invalid room name: ${what}`, id, known);
    if (field === 'q' && known === 'search') return fail('query_invalid', `Invalid query: ${what}`, id, known);
    if (field === 'name' && known === 'profile') {
      return fail('display_name_invalid', `Invalid display name: ${what}`, id, known);
    }
    return fail('bad_frame', `Invalid ${type} frame: ${field}: ${what}`, id, known);
  }
  return { ok: true, frame: result.output as ClientFrame };
}
