/** The SDK's public types. The web app is written against these names: keep them stable. */
import type { RoomEvent, RoomInfo, UserRef } from '../protocol/index.ts';
import type { ClientError } from './errors.ts';
import type { WebSocketConstructor } from './transport.ts';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ClientOptions {
  /** ws://host:port/ws */
  url: string;
  nick: string;
  /** Session token from a previous welcome: stay the same user. */
  session?: string;
  /** Default globalThis.WebSocket. In Node pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** Default true. */
  autoConnect?: boolean;
  /** Reconnect delay bounds; default 500 / 30000 ms. */
  backoff?: { minMs?: number; maxMs?: number };
  /** Extra quiet time after a heartbeat ping before the connection counts as dead; default 10000. */
  heartbeatSlackMs?: number;
  /** Deadline for an answer to a request sent while connected; default 15000. */
  requestTimeoutMs?: number;
}

export interface SendResult {
  /** The send's id (its idempotency key, also the event's `cid`). */
  id: string;
  room: string;
  seq: number;
  ts: number;
  /** True when the server had already stored this id (a resend): the original seq is returned. */
  duplicate: boolean;
}

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

export interface ClientEvents {
  state: {
    state: ConnectionState;
    prev: ConnectionState;
    attempt: number;
    delayMs?: number;
    code?: number;
    reason?: string;
  };
  welcome: { user: UserRef; session: string };
  /** Each room's events exactly once, in seq order. */
  event: RoomEvent;
  presence: { room: string; online: UserRef[] };
  /** The room's epoch changed: drop local state for the room and reload history. */
  reset: { room: string; room_info: RoomInfo };
  /** Errors not tied to a pending request (and fatal hello errors). */
  error: ClientError;
}

export interface ParleyClient {
  readonly state: ConnectionState;
  readonly user: UserRef | undefined;
  readonly session: string | undefined;
  /** Start (idle), skip the backoff wait (reconnecting), or start over after the server closed for good. */
  connect(): void;
  /** Final: state 'closed', pending promises reject; connect() does nothing afterwards. */
  close(): void;
  /** Returns the unsubscribe function. */
  on<E extends keyof ClientEvents>(event: E, fn: (payload: ClientEvents[E]) => void): () => void;
  rooms(): Promise<RoomInfo[]>;
  createRoom(name: string, title?: string): Promise<RoomInfo>;
  /** Idempotent; remembered and re-joined after every reconnect. */
  join(room: string): Promise<RoomInfo>;
  leave(room: string): Promise<void>;
  /** Resolves with the server ack; queued while disconnected. */
  send(room: string, body: string): Promise<SendResult>;
  history(room: string, q?: HistoryQuery): Promise<{ events: RoomEvent[]; more: boolean }>;
  lastSeq(room: string): number | undefined;
}
