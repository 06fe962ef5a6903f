/** The blocks port: who blocks whom (docs/protocol.md, _Blocking_). Durable; the rules are in handlers/block.ts. */
import type { UserRef } from '../../protocol/index.ts';

export interface BlockStore {
  /** `blocker` blocks `blocked` (its nickname kept for the list); false when it already did. */
  block(blocker: string, blocked: UserRef): Promise<boolean>;
  /** False when `blocker` did not block `blocked`. */
  unblock(blocker: string, blocked: string): Promise<boolean>;
  /**
   * The people `blocker` blocks, oldest block first: their nickname when blocked, `guest` for a
   * user id without an account.
   */
  blocked(blocker: string): Promise<UserRef[]>;
  /** Those of `among` who block `userId`. */
  blockers(userId: string, among: readonly string[]): Promise<string[]>;
  /** Everyone who blocks `userId` (what a node screens out of that user's signals, core/block-book.ts). */
  blockedBy(userId: string): Promise<string[]>;
}
