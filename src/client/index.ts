/** Public surface of the Parley client SDK. */
export { createClient } from './client.ts';
export { ClientError } from './errors.ts';
export { IndexedDbOutbox, indexedDbOutbox, type IndexedDbOutboxOptions } from './indexeddb-outbox.ts';
export { MemoryOutboxStore } from './outbox-store.ts';
// The one @mention rule (the server counts mentions with it): for highlighting.
export { mentionRanges, mentions } from '../protocol/mentions.ts';
export { UNREAD_CAP } from '../protocol/limits.ts';
export type { UnreadState } from './unread.ts';
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
export { SEARCH_QUERY_MAX, type SearchOptions, type SearchPage } from './search.ts';
export type { WebSocketConstructor, WebSocketLike } from './transport.ts';
export type { FileLinks, UploadOptions } from './upload.ts';
export type {
  FileRef,
  Receipt,
  RoomEvent,
  RoomInfo,
  SearchResult,
  UserEvent,
  UserEventKind,
  UserRef,
} from '../protocol/index.ts';
