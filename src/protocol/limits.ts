/** Protocol limits shared by server and client. The server may lower them by config. */
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  /** Largest inbound WebSocket frame, in bytes. */
  maxFrameBytes: 64 * 1024,
  /** Longest message body, in characters (after normalisation). */
  maxBodyChars: 4000,
  nickMin: 1,
  nickMax: 32,
  roomMin: 1,
  roomMax: 32,
  titleMax: 80,
  /** Longest room topic, in characters. */
  topicMax: 250,
  clientIdMax: 64,
  /** A reaction is one emoji (possibly a ZWJ sequence), at most this many UTF-16 units. */
  reactionMax: 32,
  /** Largest history page. */
  historyMaxLimit: 200,
  historyDefaultLimit: 50,
  /** Longest uploaded file name kept, in characters. */
  fileNameMax: 200,
  /** Longest search query, in characters (after normalisation). */
  searchQueryMax: 200,
  /** Most words (or quoted phrases) in one search query. */
  searchTermsMax: 10,
  /** Largest page of search results. */
  searchMaxLimit: 50,
  searchDefaultLimit: 20,
  /** Longest display name, in characters (code points, after normalisation). */
  displayNameMax: 64,
  /** Most users asked about in one `who`. */
  whoMax: 200,
} as const;

/** Nicknames: letters, digits (any script), space, and - _ . ; no leading/trailing space. */
export const NICK_PATTERN = /^[\p{L}\p{N}_.-](?:[\p{L}\p{N} _.-]*[\p{L}\p{N}_.-])?$/u;

/** Room names are lowercase slugs so they are safe in URLs, logs and HTML. */
export const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** Most people in one direct message, you included (a larger group is a private room). */
export const DM_MAX_USERS = 9;
/** Most people one user may block. */
export const BLOCKS_MAX = 1_000;
/** Longest `members` answer; `more` says the room has more. */
export const MEMBERS_MAX = 1_000;

/** Unread and mention counts stop here: show UNREAD_CAP or more as "99+". */
export const UNREAD_CAP = 100;
/** Watermarks sent with `joined`, highest first. */
export const RECEIPTS_MAX = 50;
/** Mentions are looked for among at most this many of the newest unread messages holding an "@". */
export const MENTION_SCAN_MAX = 1_000;
/** Receipt moves in a room within this window go out as one `receipts` frame. */
export const RECEIPTS_COALESCE_MS = 200;

/** Presence: status changes within this window reach each recipient as one `status` frame. */
export const STATUS_COALESCE_MS = 250;

/**
 * A room with more users online than this is large (the default of `--large-room-online`): its
 * presence is a count, not names, and joins and leaves are not logged as events there.
 */
export const LARGE_ROOM_ONLINE = 200;

/** Typing signals: the server forwards at most one `on` per user and room per interval. */
export const TYPING_THROTTLE_MS = 1_000;
/** A typing `on` not renewed within this time has expired. Clients renew every TYPING_TTL_MS / 2. */
export const TYPING_TTL_MS = 6_000;

/**
 * A client may propose its own session token in its first hello (random, url-safe, at least
 * this long): if that welcome is lost, the retry is recognised as the same session.
 */
export const PROPOSED_SESSION = /^[A-Za-z0-9_-]{22,128}$/;
