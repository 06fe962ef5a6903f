/** Public surface of the Parley client SDK. */
export { createClient } from './client.ts';
export { ClientError } from './errors.ts';
export { IndexedDbOutbox, indexedDbOutbox, type IndexedDbOutboxOptions } from './indexeddb-outbox.ts';
export { MemoryOutboxStore } from './outbox-store.ts';
export type { OutboxFrame, OutboxFrameType, OutboxStore, StoredOutboxEntry } from './outbox-store.ts';
export type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  HistoryQuery,
  OutboxChange,
  ParleyClient,
  PendingEntry,
  SendResult,
} from './types.ts';
export type { CreateRoomOptions } from './moderation.ts';
export type { WebSocketConstructor, WebSocketLike } from './transport.ts';
export type { RoomEvent, RoomInfo, UserRef } from '../protocol/index.ts';
