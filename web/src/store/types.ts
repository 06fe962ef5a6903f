/**
 * The store's vocabulary: its constants, the ChatState snapshot and its parts, the options a
 * ChatStore is made with, and a fresh room view. Types only, plus newView: no behaviour.
 */
import type {
  ConnectionState,
  OutboxStore,
  RoomEvent,
  Receipt,
  RoomInfo,
  UnreadState,
  UserRef,
  createClient,
} from '../../../src/client/index.ts';

export const DEFAULT_ROOM = 'general';
export const PAGE_SIZE = 50;
/** Errors that mean "this nickname/session cannot connect": back to the nickname screen. */
export const LOGIN_ERRORS: ReadonlySet<string> = new Set([
  'nick_taken',
  'nick_invalid',
  'session_unknown',
  // The login session was ended (signed out elsewhere): back to the sign-in form.
  'session_revoked',
]);
export type SendStatus = 'pending' | 'sent' | 'failed';

/**
 * A message of ours as the SDK's outbox tells it (`outbox` events): pending once added, sent on
 * its ack, failed on a final error. The store keeps no outbox of its own.
 */
export interface OutboxItem {
  /** The outbox entry's id (a send the client refused before its outbox: a local key). */
  readonly key: string;
  readonly body: string;
  readonly status: SendStatus;
  readonly createdAt: number;
  /** The send's client id (the outbox entry's id = the event's `cid`). */
  readonly cid?: string;
  readonly seq?: number;
  readonly error?: string;
  /** The seq of the message this one replies to. */
  readonly reply?: number;
}

export interface RoomView {
  readonly name: string;
  readonly info?: RoomInfo;
  readonly status: 'joining' | 'joined' | 'error';
  readonly error?: string;
  /** Ascending by seq, each seq once. */
  readonly events: readonly RoomEvent[];
  /** The latest page arrived (or the room was empty). */
  readonly loaded: boolean;
  readonly historyError?: string;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** `events` stops short of the room's head (a window far back, history-window.ts): live events wait on the server. */
  readonly hasNewer: boolean;
  readonly loadingNewer: boolean;
  /** Who is online in the room; empty in a large room, where only `onlineCount` is known. */
  readonly online: readonly UserRef[];
  readonly onlineCount: number;
  /** Others typing in the room now. */
  readonly typing: readonly UserRef[];
  /**
   * Your watermark when the room was opened with unread messages: a "New messages" divider goes
   * after it. null: nothing was unread; undefined: not known yet.
   */
  readonly divider?: number | null;
  /** Members' read watermarks, highest first, for "Seen by". */
  readonly receipts: readonly Receipt[];
  readonly outbox: readonly OutboxItem[];
}

export interface ConnInfo {
  readonly state: ConnectionState;
  readonly attempt: number;
  /** When the next reconnect attempt starts (ms since the epoch), while reconnecting. */
  readonly retryAt?: number;
  readonly code?: number;
  readonly reason?: string;
}

export interface ChatState {
  readonly nick: string;
  readonly user?: UserRef;
  /** A welcome arrived at least once. */
  readonly welcomed: boolean;
  readonly conn: ConnInfo;
  readonly rooms: readonly RoomInfo[];
  readonly roomsError?: string;
  /**
   * The rooms and DMs you are a member of, from the room list and kept live by your user log and
   * this tab's joins and leaves (store/room-list.ts); undefined until the first room list.
   */
  readonly mine?: readonly string[];
  /** The room directory (browse, preview, join) is open. */
  readonly directoryOpen?: boolean;
  readonly current: string;
  readonly views: Readonly<Record<string, RoomView>>;
  /** Unread and mention counts and your watermark, per room you are a member of (SDK `unread`). */
  readonly unread: Readonly<Record<string, UnreadState>>;
  /** The server refused this nickname or session; the client is closed. */
  readonly loginError?: { readonly code: string; readonly message: string };
  /** A transient problem worth showing. */
  readonly notice?: string;
}

export interface ChatStoreOptions {
  readonly url: string;
  readonly nick: string;
  readonly session?: string;
  /** Who `session` belonged to (saved with it): the chat shows at once, before the welcome. */
  readonly user?: UserRef;
  /** No input for this long makes this page idle (away, unless another tab is active); default 5 min. */
  readonly idleMs?: number;
  /** Where unsent messages are kept so they survive a reload. */
  readonly outbox?: OutboxStore;
  readonly room?: string;
  readonly createClient: typeof createClient;
  /** A signed-in account: the current access token, and how to get a new one when it expires. */
  readonly token?: () => string | Promise<string>;
  readonly refresh?: () => Promise<string>;
  /** Called on every welcome, e.g. to persist the session token. */
  readonly onWelcome?: (user: UserRef, session: string) => void;
  /** Called when the current room changes. */
  readonly onRoom?: (room: string) => void;
  /** Where the user log was left (ParleyClient.userSeq, saved by onUserSeq): replayed from there. */
  readonly userSeq?: number;
  /** Called after each user-log entry, e.g. to save the seq with the session. */
  readonly onUserSeq?: (seq: number) => void;
  /** Called once by dispose(). */
  readonly onDispose?: () => void;
}

export type Listener = (state: ChatState) => void;

export function newView(name: string): RoomView {
  return {
    name,
    status: 'joining',
    events: [],
    loaded: false,
    hasOlder: false,
    loadingOlder: false,
    hasNewer: false,
    loadingNewer: false,
    online: [],
    onlineCount: 0,
    typing: [],
    receipts: [],
    outbox: [],
  };
}
