/** Public surface of the Parley client SDK. */
export { createClient } from './client.ts';
export { ClientError } from './errors.ts';
export {
  AccountError,
  Accounts,
  accountTokens,
  type AccessGrant,
  type AccountTokens,
  type TokenStore,
} from './accounts.ts';
export { IndexedDbOutbox, indexedDbOutbox, type IndexedDbOutboxOptions } from './indexeddb-outbox.ts';
export { MemoryOutboxStore } from './outbox-store.ts';
export { DEFAULT_IDLE_MS, watchActivity, type Activity, type ActivityOptions, type ActivityWatch } from './activity.ts';
// The one @mention rule (the server counts mentions with it): for highlighting.
export { mentionRanges, mentions } from '../protocol/mentions.ts';
export { NICK_PATTERN, ROOM_PATTERN, UNREAD_CAP } from '../protocol/limits.ts';
export { hasInvisible } from '../protocol/schema.ts';
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
  SendOptions,
  SendResult,
} from './types.ts';
export type { CreateRoomOptions } from './moderation.ts';
export { dmPeers, type MemberList } from './room-admin.ts';
export { DM_MAX_USERS } from '../protocol/limits.ts';
// The protocol's vocabularies (src/protocol/kinds.ts, dm-names.ts), for apps: one definition.
export { DM_PREFIX, GROUP_DM_PREFIX, isDmName } from '../protocol/dm-names.ts';
export {
  ASSIGNABLE_ROLES,
  EVENT_KINDS,
  isEventKind,
  isMembershipKind,
  isMessageKind,
  isModerationKind,
  isModeratorRole,
  isMutationKind,
  isRemovalKind,
  isRoomMetaKind,
  isWrittenKind,
  MEMBERSHIP_KINDS,
  MESSAGE_KINDS,
  MODERATION_KINDS,
  MODERATOR_ROLES,
  MUTATION_KINDS,
  REMOVAL_KINDS,
  ROOM_META_KINDS,
  ROOM_ROLES,
  ROOM_VISIBILITIES,
  USER_EVENT_KINDS,
  WRITTEN_KINDS,
  type AssignableRole,
  type EventKind,
  type MembershipKind,
  type MessageKind,
  type ModerationKind,
  type MutationKind,
  type RemovalKind,
  type RoomMetaKind,
  type RoomVisibility,
  type WrittenKind,
} from '../protocol/kinds.ts';
export { SEARCH_QUERY_MAX, type SearchOptions, type SearchPage } from './search.ts';
export type { WebSocketConstructor, WebSocketLike } from './transport.ts';
export type { FileLinks, UploadOptions } from './upload.ts';
export type {
  FileRef,
  Member,
  Receipt,
  RoomEvent,
  RoomInfo,
  RoomRole,
  SearchResult,
  UserEvent,
  UserEventKind,
  UserRef,
  UserState,
  UserStatus,
} from '../protocol/index.ts';
