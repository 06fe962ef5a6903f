/**
 * The one catalogue of error codes and WebSocket close codes.
 * docs/errors.md mirrors this file; change both together.
 */

export interface ErrorSpec {
  /** Human message used when a handler has nothing more specific to say. */
  readonly message: string;
  /** True when sending the same frame again later may succeed. */
  readonly retryable: boolean;
}

export const ERRORS = {
  bad_json: { message: 'Frame is not valid JSON', retryable: false },
  bad_frame: { message: 'Frame does not match the protocol schema', retryable: false },
  binary_unsupported: { message: 'Binary frames are not supported; send JSON text', retryable: false },
  unknown_type: { message: 'Unknown frame type', retryable: false },
  version_unsupported: { message: 'Protocol version not supported', retryable: false },
  not_ready: { message: 'Send hello first and wait for welcome', retryable: true },
  already_hello: { message: 'hello was already accepted on this connection', retryable: false },
  nick_invalid: { message: 'Nickname is not allowed', retryable: false },
  nick_taken: { message: 'Nickname is in use by another session', retryable: false },
  session_unknown: { message: 'Session token is unknown or expired', retryable: false },
  room_invalid: { message: 'Room name is not allowed', retryable: false },
  room_exists: { message: 'A room with this name already exists', retryable: false },
  room_not_found: { message: 'Room does not exist', retryable: false },
  not_member: { message: 'Join the room first', retryable: false },
  body_too_long: { message: 'Message body is too long', retryable: false },
  body_empty: { message: 'Message body is empty', retryable: false },
  target_not_found: { message: 'The message to change does not exist in this room', retryable: false },
  target_deleted: { message: 'The message was deleted', retryable: false },
  not_allowed: { message: 'You may not change this message', retryable: false },
  reply_not_found: { message: 'The message replied to is not a message in this room', retryable: false },
  forbidden: { message: 'Your role in this room does not allow this', retryable: false },
  banned: { message: 'You are banned from this room', retryable: false },
  user_unknown: { message: 'No such user', retryable: false },
  id_conflict: { message: 'This client id was already used for a different message', retryable: false },
  internal: { message: 'Internal server error', retryable: true },
  unavailable: { message: 'Server is shutting down; retry on another connection', retryable: true },
  rate_limited: { message: 'Too many frames; wait retryAfterMs and try again', retryable: true },
  too_many_connections: { message: 'This user has too many open connections', retryable: true },
  dm_invalid: { message: 'A direct message needs 1 to 8 other people', retryable: false },
  too_many_rooms: { message: 'This user has joined too many rooms; leave one first', retryable: false },
  blocked: { message: 'This person does not accept direct messages from you', retryable: false },
  block_invalid: { message: 'You cannot block yourself', retryable: false },
  display_name_invalid: {
    message: 'Display names are 1 to 64 characters, without control, invisible or direction-changing characters',
    retryable: false,
  },
  account_required: { message: 'Only accounts can do this; sign in or create an account', retryable: false },
  // Accounts (HTTP /api/auth/* answers and the WebSocket handshake's 401).
  bad_request: { message: 'The request is malformed', retryable: false },
  username_invalid: { message: 'Username is not allowed', retryable: false },
  password_invalid: { message: 'Password does not meet the policy', retryable: false },
  username_taken: { message: 'This username is taken', retryable: false },
  credentials_invalid: { message: 'Wrong username or password', retryable: false },
  refresh_invalid: { message: 'The refresh token is unknown, expired or already used', retryable: false },
  token_invalid: { message: 'The access token is missing, malformed, forged or expired', retryable: false },
  // Files (HTTP /api/rooms/:room/files and /api/files/*, and `send` of an image or file).
  file_not_found: { message: 'No such file in this room', retryable: false },
  file_too_large: { message: 'The file is larger than the upload limit', retryable: false },
  file_type_not_allowed: { message: 'This type of file may not be uploaded', retryable: false },
  link_invalid: { message: 'The file link is malformed, forged or expired; ask for a new one', retryable: false },
  // Search.
  query_invalid: { message: 'The search query is empty, too long or has too many words', retryable: false },
  // HTTP only: no route at this path, or the route does not take this method.
  not_found: { message: 'No such page', retryable: false },
  method_not_allowed: { message: 'This method is not allowed here', retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/**
 * The HTTP status each code is answered with over HTTP (`{"error": code, "message": text}`).
 * A code without an entry here has no HTTP meaning of its own and is answered 400.
 */
export const HTTP_STATUS = {
  bad_request: 400,
  room_invalid: 400,
  username_invalid: 400,
  password_invalid: 400,
  token_invalid: 401,
  credentials_invalid: 401,
  refresh_invalid: 401,
  session_unknown: 401,
  not_member: 403,
  forbidden: 403,
  link_invalid: 403,
  not_found: 404,
  room_not_found: 404,
  file_not_found: 404,
  method_not_allowed: 405,
  username_taken: 409,
  file_too_large: 413,
  file_type_not_allowed: 415,
  rate_limited: 429,
  internal: 500,
} as const satisfies { readonly [C in ErrorCode]?: number };

/**
 * `bad_request` for a reason HTTP has a more precise status for; the body still names
 * `bad_request`: the body did not arrive in time, is too large, or is not of the accepted type.
 */
export const BAD_REQUEST_STATUS = { timeout: 408, too_large: 413, media_type: 415 } as const;

export type BadRequestReason = keyof typeof BAD_REQUEST_STATUS;

/** The HTTP status for `code` (for `bad_request`, optionally its precise `reason`). */
export function httpStatus(code: ErrorCode, reason?: BadRequestReason): number {
  if (code === 'bad_request' && reason) return BAD_REQUEST_STATUS[reason];
  const table: { readonly [C in ErrorCode]?: number } = HTTP_STATUS;
  return table[code] ?? 400;
}

/**
 * Close codes. 1000-1015 are the standard ones; 4000-4099 mean "reconnect",
 * 4400-4499 mean "stop: reconnecting will not help".
 */
export const CLOSE = {
  normal: 1000,
  going_away: 1001,
  protocol_error: 1002,
  too_big: 1009,
  server_error: 1011,
  /** The peer missed heartbeats. */
  heartbeat_timeout: 4000,
  /** The connection's outbound queue overflowed; resume from the last seq. */
  slow_consumer: 4001,
  /** The same session connected elsewhere and this connection was replaced. */
  replaced: 4002,
  /** hello was not sent in time. */
  hello_timeout: 4003,
  /** The connection kept sending past its rate limit; reconnect after a backoff. */
  rate_abuse: 4004,
  /** The user already has maxConnectionsPerUser connections; reconnect later with backoff. */
  too_many_connections: 4005,
  /** The nickname or session was rejected. */
  rejected: 4400,
  /** The client speaks a protocol version the server does not. */
  unsupported_protocol: 4401,
  /** The access token expired: get a new one (refresh), then reconnect with it. */
  token_expired: 4410,
  /** The login session was ended (logout, or a replayed refresh token): sign in again. */
  session_revoked: 4411,
} as const;

export type CloseName = keyof typeof CLOSE;
export type CloseCode = (typeof CLOSE)[CloseName];

/** Whether a client should reconnect after the server closed with this code. */
export function shouldReconnect(code: number): boolean {
  if (code >= 4400 && code <= 4499) return false;
  // 1000 from the server means "done"; a client-initiated close never reconnects anyway.
  if (code === CLOSE.normal) return false;
  return true;
}
