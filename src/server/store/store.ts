/**
 * The durable store: the persistence ports of one engine, composed, so the server and its
 * callers hold one object. Each port is its own interface (one file each, below); code that needs
 * one concern depends on that port only. An engine supplies I/O, not rules: the room-log rules
 * live in src/server/core/room-log/. Every implementation is held to test/contract/store.contract.ts.
 */
import type { AccountStore } from './accounts.ts';
import type { BlockStore } from './blocks.ts';
import type { FileRecords } from './file-records.ts';
import type { LastSeenStore } from './last-seen.ts';
import type { MembershipStore } from './membership.ts';
import type { RoomLogStore } from './room-log.ts';
import type { SearchIndex } from './search-index.ts';
import type { UserLogStore } from './user-log.ts';

export type * from './accounts.ts';
export type * from './blocks.ts';
export type * from './file-records.ts';
export type * from './last-seen.ts';
export type * from './membership.ts';
export type * from './room-log.ts';
export type * from './search-index.ts';
export type * from './user-log.ts';

export interface Store
  extends
    RoomLogStore,
    MembershipStore,
    AccountStore,
    FileRecords,
    UserLogStore,
    SearchIndex,
    LastSeenStore,
    BlockStore {
  /** Commits what is queued, then releases the engine. */
  close(): Promise<void>;
}
